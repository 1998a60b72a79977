"""single_unit in Keras: one sigmoid unit, no bias, one gradient-descent step.

Spec: `shared.specs.single_unit`. Model y_hat = sigmoid(X @ w), loss
E = 1/2 * mean((y - y_hat)^2), as in numpy_impl/single_unit.py.
Differs from numpy_impl:
- dE/dw comes from the backend's autodiff (keras_impl/autodiff.py), and the error term is the
  gradient at the pre-activation: -dE/dz;
- the worked step is `model.train_on_batch`; train() is `model.fit`, the loss history a callback.
"""

from functools import cache

import numpy as np

from keras_impl.autodiff import gradient_function, weight_gradients
from keras_impl.backend import batches, keras, ops, to_numpy, use_dtype
from keras_impl.callbacks import LossHistory
from shared.specs import Params
from shared.specs.single_unit import SingleUnitSpec


def build_model(w: np.ndarray) -> keras.Model:
    use_dtype(w.dtype.name)
    model = sequential(len(w), w.dtype.name)
    # lesson: set the starting weights into the Dense kernel, in the layout it keeps
    # [keras] Dense keeps its kernel as (in, out), the spec's layout: the vector is one column
    model.layers[0].kernel.assign(w.reshape(-1, 1))
    return model


@cache  # [keras] built once per shape: forward, loss and gradients reuse it with new weights
def sequential(n_in: int, dtype: str) -> keras.Model:
    # lesson: the layers: the input, then one Dense unit without bias, the sigmoid its activation
    return keras.Sequential(
        [keras.Input(shape=(n_in,)), keras.layers.Dense(1, use_bias=False, activation="sigmoid")]
    )


def mse(y: object, y_hat: object) -> object:
    # mean((y - y_hat)^2), what the tutorials report as the training loss
    return ops.mean(ops.square(ops.subtract(y, y_hat)))


def half_mse(y: object, y_hat: object) -> object:
    # lesson: the tutorial's loss E, from mse(y, y_hat)
    # E = 1/2 * mean((y - y_hat)^2)
    # [keras] losses take (y_true, y_pred); "mse" has no 1/2: the tutorial's E is half of it
    return 0.5 * mse(y, y_hat)


def batch(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # [keras] layers take a batch, X (n, n_in); Dense(1) outputs (n, 1): y is a column too, or
    # y - y_hat would broadcast to (n, n)
    return np.atleast_2d(X), np.reshape(y, (-1, 1))


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    y_hat = build_model(params["w"])(np.atleast_2d(X))
    return to_numpy(y_hat).reshape(np.shape(X)[:-1])


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    X, y = batch(X, y)
    return float(to_numpy(half_mse(y, build_model(params["w"])(X))))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    X, y = batch(X, y)
    (grad_w,) = weight_gradients(build_model(params["w"]), half_mse, X, y)
    return {"w": grad_w.reshape(-1)}


def train(spec: SingleUnitSpec) -> tuple[Params, list[float]]:
    """`spec.epochs` full-batch SGD steps; returns the final parameters and the loss after each."""
    model = build_model(spec.w)
    X, y = batch(spec.X, spec.y)
    # lesson: compile with SGD at the spec's learning rate and the tutorial's loss
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=spec.lr), loss=half_mse)
    history = LossHistory(spec, half_mse, X, y, every=1)
    # lesson: fit for spec.epochs epochs, each one step on all the records, in order
    # [keras] a dataset without end, one batch an epoch (keras_impl/backend.py: batches)
    model.fit(batches(X, y, len(X)), epochs=spec.epochs, steps_per_epoch=1, shuffle=False,
              verbose=0, callbacks=[history])  # fmt: skip
    return {"w": to_numpy(model.layers[0].kernel).reshape(-1)}, history.history


def run(spec: SingleUnitSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, error, error_term, del_w and grad_w."""
    model = build_model(spec.w)
    X, y = batch(spec.X, spec.y)
    kernel = model.layers[0].kernel
    # the forward pass link by link: the pre-activation z, to differentiate at
    z = ops.matmul(ops.convert_to_tensor(X), kernel)
    y_hat = to_numpy(ops.sigmoid(z))
    _, (dE_dz,) = gradient_function(lambda z: half_mse(y, ops.sigmoid(z)))(z)
    (grad_w,) = weight_gradients(model, half_mse, X, y)
    before = to_numpy(kernel)
    # [keras] one step on one batch is train_on_batch: fit() would first build a tf.data
    # pipeline, and a traced graph that runs once costs more than running eagerly
    # lesson begin: the one SGD step on the batch: compile, then train_on_batch
    sgd = keras.optimizers.SGD(learning_rate=spec.lr)
    model.compile(optimizer=sgd, loss=half_mse, run_eagerly=True)
    model.train_on_batch(X, y)
    # lesson end
    return {
        "output": y_hat[0, 0],
        "error": (y - y_hat)[0, 0],
        # error_term = -dE/dz for the one record
        "error_term": -dE_dz[0, 0],
        # del_w: the step train_on_batch took, -lr * dE/dw
        "del_w": (to_numpy(kernel) - before).reshape(-1),
        "grad_w": grad_w.reshape(-1),
    }
