"""admissions_logit in JAX: logistic regression, the cross-entropy from the logit by optax.

Spec: `shared.specs.admissions_logit`. y_hat = sigmoid(X @ w + b), cross-entropy
J = -mean(y log y_hat + (1 - y) log(1 - y_hat)), full-batch gradient descent until the
gradient's norm is below spec.gradient_bound, as in numpy_impl/admissions_logit.py.
Differs from numpy_impl:
- the loss takes the logit z: optax.losses.sigmoid_binary_cross_entropy applies the
  sigmoid, in log space; dJ/dp is `jax.grad(cross_entropy)`;
- one jitted step returns the gradient's norm (optax.tree.norm) with the update, and
  the loop keeps the update only while the norm is above the bound.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jax_impl import optimizers
from jax_impl.arrays import to_numpy
from shared import reports
from shared.specs import Params, start_params
from shared.specs.admissions_logit import LogitSpec


# [jax] jit: traced once per shape and dtype of the arrays, compiled by XLA into one
# program, which every later call runs
@jax.jit
def predict(params: Params, X: jax.Array) -> jax.Array:
    # y_hat = sigmoid(X @ w + b)   (n,)
    return jax.nn.sigmoid(X @ params["w"] + params["b"])


@jax.jit
def cross_entropy(params: Params, X: jax.Array, y: jax.Array) -> jax.Array:
    # lesson begin: the loss J, a function of params for jax.grad: the cross-entropy of the logit
    # z = X @ w + b   (n,)
    z = X @ params["w"] + params["b"]
    # J = -mean(y log(y_hat) + (1 - y) log(1 - y_hat)), y_hat = sigmoid(z)
    # [jax] optax's loss takes the logit z and returns one value per record, unreduced: it
    # computes -y log_sigmoid(z) - (1 - y) log_sigmoid(-z), never log(0), never clipped
    return jnp.mean(optax.losses.sigmoid_binary_cross_entropy(z, y))
    # lesson end


# lesson: dJ/dparams as a function of cross_entropy's arguments: jax.grad of the loss, jitted
# [jax] dJ/dparams, a dict keyed and shaped like params
cross_entropy_gradients = jax.jit(jax.grad(cross_entropy))


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    return to_numpy(predict(params, X), X.dtype)


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return float(to_numpy(cross_entropy(params, X, y), X.dtype))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for every parameter p, keyed like `params`."""
    return to_numpy(cross_entropy_gradients(params, X, y), X.dtype)


def train(spec: LogitSpec) -> tuple[Params, list[float], int]:
    """Gradient descent until the gradient's norm is below spec.gradient_bound; returns the
    parameters, J after every `spec.loss_every`-th epoch and the number of epochs run."""
    params = start_params(spec)
    optimizer = optimizers.make(spec)
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        # lesson: the gradients dJ/dparams over all the records, from jax.grad of the loss
        grads = jax.grad(cross_entropy)(params, X, y)
        # lesson begin: the optax step, applied, and the gradient's norm (optax.tree.norm)
        updates, state = optimizer.update(grads, state, params)
        # SGD: w -= lr * dJ/dw, b -= lr * dJ/db; and |(dJ/dw, dJ/db)| before the step
        return optax.apply_updates(params, updates), state, optax.tree.norm(grads)
        # lesson end

    history = []
    for epoch in range(spec.epochs + 1):
        stepped, stepped_state, norm = step(params, state, spec.X, spec.y)
        norm = float(to_numpy(norm, spec.X.dtype))
        if norm < spec.gradient_bound:
            return to_numpy(params, spec.X.dtype), history, epoch
        if epoch == spec.epochs:
            raise reports.not_converged(spec, norm)
        params, state = stepped, stepped_state
        if epoch % spec.loss_every == 0:
            history.append(loss(params, spec.X, spec.y))
            reports.check_finite(spec, history)


def run(spec: LogitSpec) -> dict[str, np.ndarray]:
    """Train to convergence, then report (shared.reports.logit)."""
    return reports.logit(spec, *train(spec), forward)
