"""admissions_logit in Keras: logistic regression, a Dense(1) on logits and fit().

Spec: `shared.specs.admissions_logit`. y_hat = sigmoid(X @ w + b), cross-entropy
J = -mean(y log y_hat + (1 - y) log(1 - y_hat)), full-batch gradient descent until the
gradient's norm is below spec.gradient_bound, as in numpy_impl/admissions_logit.py.
Differs from numpy_impl:
- the model outputs the logit z, and BinaryCrossentropy(from_logits=True) applies the
  sigmoid; forward() applies it for predictions;
- training is one `model.fit`; a callback checks the gradient after every step and sets
  `model.stop_training` once it is small enough.
"""

import numpy as np

from keras_impl.backend import (
    compiled_weight_value_and_gradients,
    fit_in_order,
    keras,
    ops,
    to_numpy,
    use_dtype,
    weight_gradients,
)
from shared import reports
from shared.specs import LogitSpec, Params


def build_model(w: np.ndarray, b: np.ndarray) -> keras.Model:
    use_dtype(w.dtype.name)
    # z = X @ w + b   (n, 1): the logit, no activation
    model = keras.Sequential([keras.Input(shape=(len(w),)), keras.layers.Dense(1)])
    # [keras] Dense keeps its kernel as (in, out), the spec's layout: the vector is one column
    model.set_weights([w.reshape(-1, 1), b.reshape(1)])
    return model


def params_of(model: keras.Model) -> Params:
    kernel, bias = model.get_weights()
    return {"w": kernel.reshape(-1), "b": bias.reshape(())}


def cross_entropy() -> keras.losses.Loss:
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


class UntilConverged(keras.callbacks.Callback):
    """After every step of fit(): J and the gradient's norm at the new weights; stops
    training once the norm is below the bound."""

    def __init__(self, model: keras.Model, X: np.ndarray, y: np.ndarray, bound: float) -> None:
        super().__init__()
        self.evaluate = compiled_weight_value_and_gradients(model, cross_entropy(), X, y)
        self.bound, self.history, self.norm = bound, [], float("inf")

    def check(self, model: keras.Model) -> float:
        """J at the model's current weights; sets self.norm to its gradient's norm."""
        value, grads = self.evaluate(model)
        self.norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        return value

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.history.append(self.check(self.model))
        # [keras] stop_training ends fit() after this step, not only at the epoch's end
        self.model.stop_training = self.norm < self.bound or not np.isfinite(self.history[-1])


def train(spec: LogitSpec) -> tuple[Params, list[float]]:
    """Gradient descent until the gradient's norm is below spec.gradient_bound; returns the
    parameters and J after every epoch (its length is the number of epochs run)."""
    model = build_model(spec.w, spec.b)
    X, y = spec.X, column(spec.y)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=spec.lr), loss=cross_entropy())
    until = UntilConverged(model, X, y, spec.gradient_bound)
    until.check(model)
    if until.norm >= spec.gradient_bound:
        fit_in_order(model, X, y, spec.epochs, batch_size=len(X), every=0, stop=until)
    if until.history:
        reports.check_finite(spec, until.history)
    if until.norm >= spec.gradient_bound:
        raise reports.not_converged(spec, until.norm)
    return params_of(model), until.history


def run(spec: LogitSpec) -> dict[str, np.ndarray]:
    """Train to convergence, then report (shared.reports.logit)."""
    return reports.logit(spec, *train(spec), forward)
