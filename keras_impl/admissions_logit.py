"""admissions_logit in Keras: logistic regression, a Dense(1) on logits and fit().

Spec: `shared.specs.admissions_logit`. y_hat = sigmoid(X @ w + b), cross-entropy
J = -mean(y log y_hat + (1 - y) log(1 - y_hat)), full-batch gradient descent until the
gradient's norm is below spec.gradient_bound, as in numpy_impl/admissions_logit.py.
Differs from numpy_impl:
- the model outputs the logit z, and BinaryCrossentropy(from_logits=True) applies the
  sigmoid; forward() applies it for predictions;
- training is `model.fit(epochs=spec.epochs)`, one full-batch step an epoch; a callback
  checks the gradient after every epoch and stops fit() with `self.model.stop_training =
  True`, as EarlyStopping does.
- `--optimizer` is keras_impl/optimizers.py's keras.optimizers.* in `compile`.
"""

from functools import cache

import numpy as np

from keras_impl import optimizers
from keras_impl.backend import (
    batches,
    gradient_function,
    keras,
    loss_of_weights,
    ops,
    to_numpy,
    use_dtype,
    weight_gradients,
)
from keras_impl.callbacks import LossHistory
from shared import reports
from shared.specs import Params
from shared.specs.admissions_logit import LogitSpec


def build_model(w: np.ndarray, b: np.ndarray) -> keras.Model:
    use_dtype(w.dtype.name)
    model = sequential(len(w), w.dtype.name)
    # lesson: set the starting weight vector and bias into the Dense layer, in its layout
    # [keras] Dense keeps its kernel as (in, out), the spec's layout: the vector is one column
    model.set_weights([w.reshape(-1, 1), b.reshape(1)])
    return model


@cache  # [keras] built once per shape: forward, loss and gradients reuse it with new weights
def sequential(n_in: int, dtype: str) -> keras.Model:
    # lesson: the layers: the input, then one Dense unit with a bias and no activation (the logit)
    # z = X @ w + b   (n, 1): the logit, no activation
    return keras.Sequential([keras.Input(shape=(n_in,)), keras.layers.Dense(1)])


def params_of(model: keras.Model) -> Params:
    kernel, bias = model.get_weights()
    return {"w": kernel.reshape(-1), "b": bias.reshape(())}


def cross_entropy() -> keras.losses.Loss:
    # lesson: the loss J: Keras' binary cross-entropy, of the logit the model outputs
    # J = -mean(y log(y_hat) + (1 - y) log(1 - y_hat)), y_hat = sigmoid(z)
    # [keras] BinaryCrossentropy clips y_hat to [1e-7, 1 - 1e-7] unless from_logits=True,
    # which changes the gradient where y_hat comes near 0 or 1; from logits it is exact
    return keras.losses.BinaryCrossentropy(from_logits=True)


def column(y: np.ndarray) -> np.ndarray:
    # [keras] Dense(1) outputs (n, 1): y is a column too
    return np.reshape(y, (-1, 1))


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    return to_numpy(ops.sigmoid(build_model(**params)(X)))[:, 0]


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return float(to_numpy(cross_entropy()(column(y), build_model(**params)(X))))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for every parameter p, keyed like `params`."""
    grad_w, grad_b = weight_gradients(build_model(**params), cross_entropy(), X, column(y))
    return {"w": grad_w.reshape(-1), "b": grad_b.reshape(())}


class StopWhenConverged(keras.callbacks.Callback):
    """Stops fit() at the first epoch after which |(dJ/dw, dJ/db)| < spec.gradient_bound."""

    def __init__(self, model: keras.Model, spec: LogitSpec) -> None:
        super().__init__()
        J = loss_of_weights(model, cross_entropy(), spec.X, column(spec.y))
        # [keras] compiled once: eager autodiff at every step would cost ~10 ms a step
        self.value_and_gradient = gradient_function(J, compile=True)
        self.bound, self.norm = spec.gradient_bound, np.inf

    def converged(self, model: keras.Model) -> bool:
        _, grads = self.value_and_gradient(*model.trainable_variables)
        self.norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        return self.norm < self.bound

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.converged(self.model):
            self.model.stop_training = True


def train(spec: LogitSpec) -> tuple[Params, list[float], int]:
    """Gradient descent until the gradient's norm is below spec.gradient_bound; returns the
    parameters, J after every `spec.loss_every`-th epoch and the number of epochs run."""
    model = build_model(spec.w, spec.b)
    X, y = spec.X, column(spec.y)
    # lesson: compile with the spec's optimizer and the cross-entropy J
    model.compile(optimizer=optimizers.make(spec), loss=cross_entropy())
    history = LossHistory(spec, cross_entropy(), X, y, spec.loss_every)
    stop = StopWhenConverged(model, spec)
    if stop.converged(model):  # [keras] fit() takes a step before a callback can stop it
        return params_of(model), history.history, 0
    # lesson: fit: each epoch one step on all the records, in order, until stop stops it
    # [keras] one step an epoch on all the records, in order (keras_impl/backend.py: batches)
    model.fit(batches(X, y, len(X)), epochs=spec.epochs, steps_per_epoch=1, shuffle=False,
              verbose=0, callbacks=[history, stop])  # fmt: skip
    if stop.norm >= spec.gradient_bound:
        raise reports.not_converged(spec, stop.norm)
    # [keras] the optimizer counts its steps (an int64: not to_numpy)
    return params_of(model), history.history, int(ops.convert_to_numpy(model.optimizer.iterations))


def run(spec: LogitSpec) -> dict[str, np.ndarray]:
    """Train to convergence, then report (shared.reports.logit)."""
    return reports.logit(spec, *train(spec), forward)
