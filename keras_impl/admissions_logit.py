"""admissions_logit in Keras: logistic regression, a Dense(1) on logits and fit().

Spec: `shared.specs.admissions_logit`. y_hat = sigmoid(X @ w + b), cross-entropy
J = -mean(y log y_hat + (1 - y) log(1 - y_hat)), full-batch gradient descent until the
gradient's norm is below spec.gradient_bound, as in numpy_impl/admissions_logit.py.
Differs from numpy_impl:
- the model outputs the logit z, and BinaryCrossentropy(from_logits=True) applies the
  sigmoid; forward() applies it for predictions;
- training is `model.fit(epochs=spec.epochs)`, one full-batch step an epoch, stopped by a
  callback, as EarlyStopping stops it: `self.model.stop_training = True`.
"""

from functools import cache

import numpy as np

from keras_impl import optimizers
from keras_impl.autodiff import gradient_norm, weight_gradients
from keras_impl.backend import batches, keras, ops, params_like, to_numpy, use_dtype
from keras_impl.callbacks import LossHistory
from keras_impl.single_unit import batch
from shared import reports
from shared.specs import Params, start_params
from shared.specs.admissions_logit import LogitSpec


def build_model(w: np.ndarray, b: np.ndarray) -> keras.Model:
    use_dtype(w.dtype.name)
    model = sequential(len(w), w.dtype.name)
    # lesson: set the starting w and b into the Dense layer, as its kernel (in, out) and bias
    model.set_weights([w.reshape(-1, 1), b.reshape(1)])
    return model


@cache  # [keras] built once per shape: forward, loss and gradients reuse it with new weights
def sequential(n_in: int, dtype: str) -> keras.Model:
    # lesson: the layers: the input, then one Dense unit with a bias and no activation (the logit)
    # z = X @ w + b   (n, 1): the logit, no activation
    return keras.Sequential([keras.Input(shape=(n_in,)), keras.layers.Dense(1)])


def cross_entropy() -> keras.losses.Loss:
    # lesson: the loss J: Keras' binary cross-entropy, of the logit the model outputs
    # J = -mean(y log(y_hat) + (1 - y) log(1 - y_hat)), y_hat = sigmoid(z)
    # [keras] BinaryCrossentropy clips y_hat to [1e-7, 1 - 1e-7] unless from_logits=True,
    # which changes the gradient where y_hat comes near 0 or 1; from logits it is exact
    return keras.losses.BinaryCrossentropy(from_logits=True)


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    return to_numpy(ops.sigmoid(build_model(**params)(X)))[:, 0]


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    X, y = batch(X, y)
    return float(to_numpy(cross_entropy()(y, build_model(**params)(X))))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for every parameter p, keyed like `params`."""
    grads = weight_gradients(build_model(**params), cross_entropy(), *batch(X, y))
    return params_like(grads, params)


class StopWhenConverged(keras.callbacks.Callback):
    """Stops fit() once |(dJ/dw, dJ/db)| < spec.gradient_bound, checked before each update."""

    def __init__(self, model: keras.Model, spec: LogitSpec) -> None:
        super().__init__()
        # [keras] traced once over the model's variables: each check returns one scalar
        self.gradient_norm = gradient_norm(model, cross_entropy(), *batch(spec.X, spec.y))
        self.bound, self.norm = spec.gradient_bound, np.inf

    def converged(self) -> bool:
        self.norm = float(self.gradient_norm())
        return self.norm < self.bound

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.model.stop_training = self.converged()


def train(spec: LogitSpec) -> tuple[Params, list[float], int]:
    """Gradient descent until the gradient's norm is below spec.gradient_bound; returns the
    parameters, J after every `spec.loss_every`-th epoch and the number of epochs run."""
    model = build_model(spec.w, spec.b)
    X, y = batch(spec.X, spec.y)
    # lesson: compile with the spec's optimizer and the cross-entropy J
    model.compile(optimizer=optimizers.make(spec), loss=cross_entropy())
    history = LossHistory(spec, cross_entropy(), X, y, spec.loss_every)
    stop = StopWhenConverged(model, spec)
    if stop.converged():  # [keras] fit() takes a step before a callback can stop it
        return start_params(spec), history.history, 0
    # lesson: fit: each epoch one step on all the records, in order, until stop stops it
    model.fit(batches(X, y, len(X)), epochs=spec.epochs, steps_per_epoch=1, shuffle=False,
              verbose=0, callbacks=[history, stop])  # fmt: skip
    if stop.norm >= spec.gradient_bound:
        raise reports.not_converged(spec, stop.norm)
    # [keras] the optimizer counts its steps (an int64: not to_numpy)
    epochs = int(ops.convert_to_numpy(model.optimizer.iterations))
    return params_like(model.get_weights(), start_params(spec)), history.history, epochs


def run(spec: LogitSpec) -> dict[str, np.ndarray]:
    """Train to convergence, then report (shared.reports.logit)."""
    return reports.logit(spec, *train(spec), forward)
