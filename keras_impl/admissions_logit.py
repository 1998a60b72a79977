"""admissions_logit in Keras: logistic regression, a Dense(1) on logits and fit().

Spec: `shared.specs.admissions_logit`. y_hat = sigmoid(X @ w + b), cross-entropy
J = -mean(y log y_hat + (1 - y) log(1 - y_hat)), full-batch gradient descent until the
gradient's norm is below spec.gradient_bound, as in numpy_impl/admissions_logit.py.
Differs from numpy_impl:
- the model outputs the logit z, and BinaryCrossentropy(from_logits=True) applies the
  sigmoid; forward() applies it for predictions;
- training is `model.fit` with several steps per call into the backend; the gradient is
  checked after every call, and the step at which it fell below the bound is found by
  going back over the last call's steps (keras_impl.backend.fit_in_order).
"""

import numpy as np

from keras_impl.backend import (
    compiled_weight_value_and_gradients,
    fit_in_order,
    keras,
    ops,
    steps_per_call,
    steps_taken,
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


class Converged:
    """fit_in_order's `stop`: J and the gradient's norm at a model's weights; yes once the
    norm is below the bound, or at a recorded epoch whose loss is not finite."""

    def __init__(self, model: keras.Model, spec: LogitSpec) -> None:
        self.evaluate = compiled_weight_value_and_gradients(
            model, cross_entropy(), spec.X, column(spec.y)
        )
        self.bound, self.every, self.norm = spec.gradient_bound, spec.loss_every, float("inf")

    def __call__(self, model: keras.Model) -> bool:
        value, grads = self.evaluate(model)
        self.norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        # a loss gone to inf or nan ends training where every framework reports it: at the
        # next epoch whose loss is recorded (one full-batch step per epoch)
        recorded = (steps_taken(model) - 1) % self.every == 0
        return self.norm < self.bound or (recorded and not np.isfinite(value))


def train(spec: LogitSpec) -> tuple[Params, list[float], int]:
    """Gradient descent until the gradient's norm is below spec.gradient_bound; returns the
    parameters, J after every `spec.loss_every`-th epoch and the number of epochs run."""
    model = build_model(spec.w, spec.b)
    X, y = spec.X, column(spec.y)
    # [keras] steps_per_execution=K lets fit() show a callback every K-th step only; the
    # first step below the bound is then found by going back over the last K steps, which
    # is right only if the gradient's norm cannot rise between two checks
    per_call = steps_per_call(spec.loss_every) if spec.gradient_norm_never_rises() else 1
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=spec.lr),
        loss=cross_entropy(),
        steps_per_execution=per_call,
    )
    converged, snapshots = Converged(model, spec), []
    if not converged(model):
        snapshots = fit_in_order(
            model, X, y, spec.epochs, batch_size=len(X), every=spec.loss_every, stop=converged
        )
    final, epochs_run = params_of(model), steps_taken(model)
    history = []
    for weights in snapshots:
        model.set_weights(weights)
        history.append(converged.evaluate(model)[0])  # J, compiled once for the checks
        reports.check_finite(spec, history)
    if converged.norm >= spec.gradient_bound:
        raise reports.not_converged(spec, converged.norm)
    return final, history, epochs_run


def run(spec: LogitSpec) -> dict[str, np.ndarray]:
    """Train to convergence, then report (shared.reports.logit)."""
    return reports.logit(spec, *train(spec), forward)
