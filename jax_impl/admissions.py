"""admissions in JAX: single_unit.py's sigmoid unit, trained on the admissions data.

Spec: `shared.specs.admissions`. The model, its loss E = 1/2 * mean((y - y_hat)^2) and its
gradient are single_unit's, imported from there; what is new is full-batch training.
Differs from numpy_impl:
- each epoch is one call of a `jax.jit`-compiled step: `jax.grad`, the optax optimizer's
  `update` (`--optimizer`: jax_impl/optimizers.py) and `optax.apply_updates`.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jax_impl import optimizers
from jax_impl.arrays import to_numpy
from jax_impl.single_unit import forward, gradients, half_mse, loss
from shared import reports
from shared.specs import Params, start_params
from shared.specs.admissions import AdmissionsSpec

__all__ = ["epoch_step", "forward", "gradients", "loss", "run", "train"]


def train(spec: AdmissionsSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters and
    the training MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch."""
    params = start_params(spec)
    optimizer = optimizers.make(spec)
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        # lesson: the gradients dE/dparams over all the records, from jax.grad of the loss
        grads = jax.grad(half_mse)(params, X, y)
        # lesson begin: the optax step: the optimizer's update from the gradients, then applied
        updates, state = optimizer.update(grads, state, params)
        # SGD: w += lr * mean(error_term * x), i.e. w -= lr * dE/dw
        return optax.apply_updates(params, updates), state
        # lesson end

    history = []
    for epoch in range(spec.epochs):
        params, state = step(params, state, spec.X, spec.y)
        if epoch % spec.loss_every == 0:
            # twice E: mean((y_hat - y)^2)
            history.append(2 * loss(params, spec.X, spec.y))
            reports.check_finite(spec, history)
    return to_numpy(params, spec.X.dtype), history


def epoch_step(spec: AdmissionsSpec) -> Callable[[], jax.Array]:
    """One full-batch epoch as a function to time (`rosetta bench`); set-up happens here.
    Each call returns the weights it updated."""
    # JAX arrays made once, outside the timed epoch
    X, y = jnp.asarray(spec.X), jnp.asarray(spec.y)
    optimizer = optax.sgd(spec.lr)
    params = jax.tree.map(jnp.asarray, start_params(spec))
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        grads = jax.grad(half_mse)(params, X, y)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state  # w -= lr * dE/dw

    def epoch() -> jax.Array:
        nonlocal params, state
        params, state = step(params, state, X, y)
        # [jax] calls return at once and run in the background: wait, or time nothing
        return params["w"].block_until_ready()

    return epoch


def run(spec: AdmissionsSpec) -> dict[str, np.ndarray]:
    """Train, then report the tutorial's figures (shared.reports.admissions)."""
    return reports.admissions(spec, *train(spec), forward)
