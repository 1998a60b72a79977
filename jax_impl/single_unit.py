"""single_unit in JAX: one sigmoid unit, no bias, one gradient-descent step.

Spec: `shared.specs.single_unit`. Model y_hat = sigmoid(X @ w), loss
E = 1/2 * mean((y - y_hat)^2), as in numpy_impl/single_unit.py.
Differs from numpy_impl:
- dE/dw is `jax.grad(half_mse)`, not a chain rule written out;
- the error term is jax.grad's too: -dE/dz, with E written as a function of z;
- the step is what `optax.sgd` returns as its update, -lr * dE/dw.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jax_impl.arrays import to_numpy
from shared import reports
from shared.specs import NETWORKS, Params, start_params
from shared.specs.single_unit import SingleUnitSpec


# [jax] jit: traced once per shape and dtype of the arrays, compiled by XLA into one
# program, which every later call runs
@jax.jit
def predict(params: Params, X: jax.Array) -> jax.Array:
    # y_hat = sigmoid(X @ w)   (n,) or () for one record
    return jax.nn.sigmoid(X @ params["w"])


@jax.jit
def half_mse(params: Params, X: jax.Array, y: jax.Array) -> jax.Array:
    # lesson: the loss, a function of params for jax.grad: half the mean squared error of predict
    # E = 1/2 * mean((y - y_hat)^2)
    # [jax] optax.losses.l2_loss is 1/2 * (y_hat - y)^2 per record, unreduced: the mean is ours
    return jnp.mean(optax.losses.l2_loss(predict(params, X), y))


# lesson: dE/dparams as a function of half_mse's arguments: jax.grad of the loss, jitted
# [jax] jax.grad(half_mse) is a new function of half_mse's arguments: its value is
# dE/dparams, a dict keyed and shaped like params (grad differentiates the first argument)
half_mse_gradients = jax.jit(jax.grad(half_mse))


def batch(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One record is a batch of one: X (n, n_in), y (n,)."""
    return np.atleast_2d(X), np.atleast_1d(y)


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    return to_numpy(predict(params, X), X.dtype)


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return float(to_numpy(half_mse(params, *batch(X, y)), X.dtype))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    return to_numpy(half_mse_gradients(params, *batch(X, y)), X.dtype)


def train(spec: SingleUnitSpec) -> tuple[Params, list[float]]:
    """`spec.epochs` full-batch SGD steps; returns the final parameters and the loss after each."""
    params = start_params(spec)
    X, y = batch(spec.X, spec.y)
    optimizer = optax.sgd(spec.lr)
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        # lesson: the gradients dE/dparams at this batch, from jax.grad of the loss
        grads = jax.grad(half_mse)(params, X, y)
        # lesson begin: the optax step: the optimizer's update from the gradients, then applied
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state  # w -= lr * dE/dw
        # lesson end

    history = []
    for _ in range(spec.epochs):
        params, state = step(params, state, X, y)
        history.append(loss(params, spec.X, spec.y))
        reports.check_finite(spec, history)
    return to_numpy(params, spec.X.dtype), history


def run(spec: SingleUnitSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, error, error_term, del_w and grad_w."""
    sgd = optax.sgd(spec.lr)

    # [jax] the worked step jitted whole: one compiled program, not one per operation
    @jax.jit
    def worked_step(params: Params, X: jax.Array, y: jax.Array) -> dict[str, jax.Array]:
        # the forward pass link by link, keeping the pre-activation z for its gradient
        z = X @ params["w"]
        y_hat = jax.nn.sigmoid(z)

        # [jax] no retain_grad: E as a function of z, and jax.grad of that function
        def half_mse_of_z(z: jax.Array) -> jax.Array:
            return jnp.mean(optax.losses.l2_loss(jax.nn.sigmoid(z), y))

        # lesson: the gradients dE/dparams of the worked step, from jax.grad of the loss
        grads = jax.grad(half_mse)(params, X, y)
        # lesson: del_w: optax.sgd's update from those gradients, -lr * dE/dw
        updates, _ = sgd.update(grads, sgd.init(params))
        return {
            "output": y_hat[0],
            "error": (y - y_hat)[0],
            # error_term = -dE/dz for the one record
            "error_term": -jax.grad(half_mse_of_z)(z)[0],
            # del_w: the step SGD took, -lr * dE/dw
            "del_w": updates["w"],
            "grad_w": grads["w"],
        }

    quantities = to_numpy(worked_step(start_params(spec), *batch(spec.X, spec.y)), spec.X.dtype)
    # [jax] a dict leaves jit with its keys sorted: back in the order the spec declares
    return {name: quantities[name] for name in NETWORKS[spec.network].quantities[spec.case]}
