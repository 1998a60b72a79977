"""gender_221 in Keras: a 2-2-1 sigmoid classifier with biases, trained by per-sample SGD.

Spec: `shared.specs.gender_221`. hidden = sigmoid(X @ W_input_hidden + b_hidden),
y_hat = sigmoid(hidden @ w_hidden_output + b_output), L = mean((y - y_hat)^2), as in
numpy_impl/gender_221.py; one record per SGD step.
Differs from numpy_impl:
- gradients come from the backend's autodiff; dL/dw1 is autograd's, the witness of the
  tutorial's product of partials;
- training is `model.compile` + `model.fit(epochs=spec.epochs)` on batches of one record in
  the tutorial's order, with the loss history from a callback.
"""

from functools import cache, partial

import numpy as np

from keras_impl import optimizers
from keras_impl.autodiff import weight_gradients
from keras_impl.backend import batches, keras, params_like, to_numpy, use_dtype
from keras_impl.callbacks import LossHistory
from keras_impl.single_unit import batch, mse
from shared import reports
from shared.specs import Params, start_params
from shared.specs.gender_221 import Gender221Spec, gender_by_tutorial_name


def build_model(
    W_input_hidden: np.ndarray,
    b_hidden: np.ndarray,
    w_hidden_output: np.ndarray,
    b_output: np.ndarray,
    activation: str = "sigmoid",
) -> keras.Model:
    use_dtype(W_input_hidden.dtype.name)
    model = sequential(activation, W_input_hidden.dtype.name)
    # lesson: set the starting kernels and biases, in the (in, out) layout Dense keeps
    model.set_weights(
        [W_input_hidden, b_hidden, w_hidden_output.reshape(2, 1), b_output.reshape(1)]
    )
    return model


@cache  # [keras] built once: forward, loss and gradients reuse it with new weights
def sequential(activation: str, dtype: str) -> keras.Model:
    # lesson begin: the layers: two Dense layers with biases, the activation, then the sigmoid
    hidden = keras.layers.Dense(2, activation=activation)
    output = keras.layers.Dense(1, activation="sigmoid")
    return keras.Sequential([keras.Input(shape=(2,)), hidden, output])
    # lesson end


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    y_hat = build_model(**params, activation=activation)(np.atleast_2d(X))
    return to_numpy(y_hat).reshape(np.shape(X)[:-1])


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    # L = mean((y - y_hat)^2)
    X, y = batch(X, y)
    return float(to_numpy(mse(y, build_model(**params, activation=activation)(X))))


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dL/dp for every parameter p, keyed like `params`."""
    model = build_model(**params, activation=activation)
    return params_like(weight_gradients(model, mse, *batch(X, y)), params)


def train(spec: Gender221Spec) -> tuple[Params, list[float]]:
    """Per-sample SGD in the tutorial's order; returns the final parameters and the MSE
    over all records after every `spec.loss_every`-th epoch (after its updates)."""
    model = build_model(**start_params(spec), activation=spec.activation)
    X, y = batch(spec.X, spec.y)
    # [keras] one call into TensorFlow or jax runs an epoch's four steps (~3x faster;
    # callbacks see every fourth step); the torch backend allows only 1
    steps = 1 if keras.backend.backend() == "torch" else len(X)
    # lesson: compile with the spec's optimizer and the loss L = mean((y - y_hat)^2)
    # [keras] "mse" is mean((y_true - y_pred)^2) with no 1/2: with batch_size=1 it is the
    # tutorial's per-record (y - y_hat)^2
    model.compile(optimizer=optimizers.make(spec), loss="mse", steps_per_execution=steps)
    history = LossHistory(spec, mse, X, y, spec.loss_every)
    # lesson: fit for spec.epochs epochs of per-sample SGD: one record a step, in order
    model.fit(batches(X, y, 1), epochs=spec.epochs, steps_per_epoch=len(X), shuffle=False,
              verbose=0, callbacks=[history])  # fmt: skip
    return params_like(model.get_weights(), start_params(spec)), history.history


def _worked_example(spec: Gender221Spec) -> dict[str, np.ndarray]:
    params = start_params(spec)
    model = build_model(**params)
    X, y = batch(spec.X, spec.y)
    h1, h2 = to_numpy(model.layers[0](X))[0]
    o1 = to_numpy(model(X))[0, 0]
    grads = gender_by_tutorial_name(params_like(weight_gradients(model, mse, X, y), params))
    return {"h1": h1, "h2": h2, "o1": o1, "dL_dw1": np.float64(grads["w1"])} | {
        f"grad_{name}": np.float64(value) for name, value in grads.items()
    }


def run(spec: Gender221Spec) -> dict[str, np.ndarray]:
    """worked_example: h1, h2, o1, dL_dw1 and every gradient; trained: loss every
    `spec.loss_every` epochs, the final parameters and the predictions for Emily and Frank."""
    if spec.case == "worked_example":
        return _worked_example(spec)
    return reports.gender_trained(spec, *train(spec), partial(forward, activation=spec.activation))
