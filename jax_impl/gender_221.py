"""gender_221 in JAX: a 2-2-1 sigmoid classifier with biases, trained by per-sample SGD.

Spec: `shared.specs.gender_221`. hidden = sigmoid(X @ W_input_hidden + b_hidden),
y_hat = sigmoid(hidden @ w_hidden_output + b_output), L = mean((y - y_hat)^2), as in
numpy_impl/gender_221.py; one record per SGD step.
Differs from numpy_impl:
- `predict` and `mse` are numpy_impl's forward and loss with jnp for np, functions of the
  spec's own parameter dict; dL/dp is `jax.grad(mse)`, a dict like it, and dL/dw1 is
  jax.grad's, the witness of the tutorial's product of partials;
- each step is a `jax.jit`-compiled function: the gradient, optax's `update`, then
  `optax.apply_updates` (`--optimizer`: jax_impl/optimizers.py). The records are a Python
  loop over that step, as in torch_impl: a `jax.lax.scan` over the records would compile a
  whole epoch into one call, but hides the loop in a carry, for a few milliseconds here.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jax_impl import optimizers
from jax_impl.activations import ACTIVATIONS
from jax_impl.arrays import to_numpy
from shared import reports
from shared.specs import Params, start_params
from shared.specs.gender_221 import Gender221Spec, gender_by_tutorial_name


# [jax] jit: traced once per shape and dtype of the arrays (and per activation, a static
# argument), compiled by XLA into one program, which every later call runs
@partial(jax.jit, static_argnames="activation")
def predict(params: Params, X: jax.Array, activation: str = "sigmoid") -> jax.Array:
    # hidden = activation(X @ W_input_hidden + b_hidden)   (n, 2)
    hidden = ACTIVATIONS[activation](X @ params["W_input_hidden"] + params["b_hidden"])
    # y_hat = sigmoid(hidden @ w_hidden_output + b_output)   (n,)
    return jax.nn.sigmoid(hidden @ params["w_hidden_output"] + params["b_output"])


@partial(jax.jit, static_argnames="activation")
def mse(params: Params, X: jax.Array, y: jax.Array, activation: str = "sigmoid") -> jax.Array:
    # lesson: the loss, a function of params for jax.grad: the mean squared error of predict
    # L = mean((y - y_hat)^2)
    # [jax] optax.losses.squared_error is (y_hat - y)^2 per record, unreduced: the mean is ours
    return jnp.mean(optax.losses.squared_error(predict(params, X, activation), y))


# lesson: dL/dparams as a function of mse's arguments: jax.grad of the loss, jitted
# [jax] jax.grad(mse) is a new function of mse's arguments: its value is dL/dparams, a dict
# keyed and shaped like params (grad differentiates the first argument)
mse_gradients = jax.jit(jax.grad(mse), static_argnames="activation")


def batch(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One record is a batch of one: X (n, 2), y (n,)."""
    return np.atleast_2d(X), np.atleast_1d(y)


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    return to_numpy(predict(params, X, activation), X.dtype)


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    return float(to_numpy(mse(params, *batch(X, y), activation), X.dtype))


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dL/dp for every parameter p, keyed like `params`."""
    return to_numpy(mse_gradients(params, *batch(X, y), activation), X.dtype)


def train(spec: Gender221Spec) -> tuple[Params, list[float]]:
    """Per-sample SGD (or spec.optimizer) in the tutorial's order; returns the final
    parameters and the MSE over all records after every `spec.loss_every`-th epoch."""
    params = start_params(spec)
    optimizer = optimizers.make(spec)
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        # lesson: the gradients dL/dparams at this record, from jax.grad of the loss
        grads = jax.grad(mse)(params, X, y, spec.activation)
        # lesson begin: the optax step: the optimizer's update from the gradients, then applied
        updates, state = optimizer.update(grads, state, params)
        # SGD: p -= lr * dL/dp for all nine parameters
        return optax.apply_updates(params, updates), state
        # lesson end

    history = []
    for epoch in range(spec.epochs):
        # lesson: per-sample SGD: one step for each record, in the records' order
        for i in range(len(spec.X)):
            # [jax] records sliced in NumPy: slicing a JAX array is an op of its own
            params, state = step(params, state, spec.X[i : i + 1], spec.y[i : i + 1])
        if epoch % spec.loss_every == 0:
            history.append(loss(params, spec.X, spec.y, spec.activation))
            reports.check_finite(spec, history)
    return to_numpy(params, spec.X.dtype), history


def _worked_example(spec: Gender221Spec) -> dict[str, np.ndarray]:
    # [jax] the worked example jitted whole: one compiled program, not one per operation
    @jax.jit
    def worked(params: Params, X: jax.Array, y: jax.Array) -> tuple:
        hidden = jax.nn.sigmoid(X @ params["W_input_hidden"] + params["b_hidden"])
        return hidden[0], predict(params, X)[0], jax.grad(mse)(params, X, y)

    (h1, h2), o1, grads = to_numpy(worked(start_params(spec), *batch(spec.X, spec.y)), spec.X.dtype)
    grads = gender_by_tutorial_name(grads)
    return {"h1": h1, "h2": h2, "o1": o1, "dL_dw1": np.float64(grads["w1"])} | {
        f"grad_{name}": np.float64(value) for name, value in grads.items()
    }


def run(spec: Gender221Spec) -> dict[str, np.ndarray]:
    """worked_example: h1, h2, o1, dL_dw1 and every gradient; trained: loss every
    `spec.loss_every` epochs, the final parameters and the predictions for Emily and Frank."""
    if spec.case == "worked_example":
        return _worked_example(spec)
    return reports.gender_trained(spec, *train(spec), partial(forward, activation=spec.activation))
