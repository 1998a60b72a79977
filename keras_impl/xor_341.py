"""xor_341 in Keras: the Q&A thread's 3-4-1 batch network, trained with fit().

Spec: `shared.specs.xor_341`. a1 = sigmoid(X @ W1), a2 = sigmoid(a1 @ W2), no biases,
E = 1/2 * sum((y - a2)^2), lr = 1, as in numpy_impl/xor_341.py.
Differs from numpy_impl:
- no deltas are written: the backend's autodiff gives dE/dW2, minus the thread's a1.T @ delta2;
- training is a full-batch `model.fit`, an epoch per iteration (the first alone:
  `train_on_batch`); callbacks record E and the a2 the thread prints (before the last update).
"""

import numpy as np

from keras_impl import optimizers
from keras_impl.autodiff import weight_gradients
from keras_impl.backend import batches, keras, ops, params_like, to_numpy, use_dtype
from keras_impl.backprop_321 import sequential
from keras_impl.callbacks import LossHistory
from keras_impl.single_unit import batch
from shared.specs import Params, start_params
from shared.specs.xor_341 import Xor341Spec


def build_model(
    W_input_hidden: np.ndarray, W_hidden_output: np.ndarray, activation: str = "sigmoid"
) -> keras.Model:
    use_dtype(W_input_hidden.dtype.name)
    model = sequential(*W_input_hidden.shape, activation, W_input_hidden.dtype.name)
    # lesson: set the starting weights into the two kernels, in the (in, out) layout Dense keeps
    model.set_weights([W_input_hidden, W_hidden_output])
    return model


def half_sse(y: object, y_hat: object) -> object:
    # lesson: the thread's loss E, half the sum of squared errors, in keras.ops
    # E = 1/2 * sum((y - y_hat)^2)
    # [keras] losses take (y_true, y_pred); "mse" averages: the thread's E is a half sum
    return 0.5 * ops.sum(ops.square(ops.subtract(y, y_hat)))


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    return to_numpy(build_model(**params, activation=activation)(X))[:, 0]


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    X, y = batch(X, y)
    return float(to_numpy(half_sse(y, build_model(**params, activation=activation)(X))))


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    model = build_model(**params, activation=activation)
    return params_like(weight_gradients(model, half_sse, *batch(X, y)), params)


class PrintedOutput(keras.callbacks.Callback):
    """a2 as the thread prints it after its loop: the last iteration's, before its update."""

    def __init__(self, X: np.ndarray, iterations: int) -> None:
        super().__init__()
        self.X, self.last, self.a2 = X, iterations - 1, None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if epoch == self.last:
            self.a2 = to_numpy(self.model(self.X))[:, 0]


def train(spec: Xor341Spec) -> tuple[Params, list[float], np.ndarray]:
    """Full-batch gradient descent; returns the final parameters, E after every
    `spec.loss_every`-th iteration (after its update) and a2 as the thread prints it."""
    model = build_model(spec.W_input_hidden, spec.W_hidden_output, spec.activation)
    X, y = batch(spec.X, spec.y)
    # lesson: compile with the spec's optimizer and the thread's loss E
    model.compile(optimizer=optimizers.make(spec), loss=half_sse)
    history = LossHistory(spec, half_sse, X, y, spec.loss_every)
    printed = PrintedOutput(X, spec.epochs)
    # lesson: fit for spec.epochs iterations, each one step on all the records, in order
    model.fit(batches(X, y, len(X)), epochs=spec.epochs, steps_per_epoch=1, shuffle=False,
              verbose=0, callbacks=[history, printed])  # fmt: skip
    return params_like(model.get_weights(), start_params(spec)), history.history, printed.a2


def run(spec: Xor341Spec) -> dict[str, np.ndarray]:
    """The first iteration's gradients and steps, the output after training, the printed a2."""
    model = build_model(spec.W_input_hidden, spec.W_hidden_output, spec.activation)
    X, y = batch(spec.X, spec.y)
    grad_W1, grad_W2 = weight_gradients(model, half_sse, X, y)
    before = params_like(model.get_weights(), start_params(spec))
    # [keras] one step: train_on_batch, run eagerly (single_unit.py says why)
    # lesson begin: the one SGD step on the batch: compile, then train_on_batch
    sgd = keras.optimizers.SGD(learning_rate=spec.lr)
    model.compile(optimizer=sgd, loss=half_sse, run_eagerly=True)
    model.train_on_batch(X, y)
    # lesson end
    after = params_like(model.get_weights(), before)
    params, history, printed = train(spec)
    return {
        "output": forward(params, spec.X, spec.activation),
        "printed_output": printed,
        "loss_history": np.array(history),
        "grad_W_input_hidden": grad_W1,
        "grad_W_hidden_output": grad_W2,
        # the first iteration's steps, as train_on_batch took them: -lr * dE/dW
        "del_W_input_hidden": after["W_input_hidden"] - before["W_input_hidden"],
        "del_W_hidden_output": after["W_hidden_output"] - before["W_hidden_output"],
    }
