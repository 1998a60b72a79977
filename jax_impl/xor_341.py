"""xor_341 in JAX: the Q&A thread's 3-4-1 batch network, trained by a jitted optax step.

Spec: `shared.specs.xor_341`. a1 = sigmoid(X @ W1), a2 = sigmoid(a1 @ W2), no biases,
E = 1/2 * sum((y - a2)^2), lr = 1, as in numpy_impl/xor_341.py. The two layers are
forward_432's `layers`, returning (a1, a2).
Differs from numpy_impl:
- no deltas are written: `jax.grad(half_sse)` gives dE/dW2 directly, and it equals minus
  the thread's a1.T @ delta2, which is why the thread's `W2 += a1.T @ delta2` descends;
- the step is optax's: W -= lr * dE/dW (`--optimizer`: jax_impl/optimizers.py), in a
  jitted step that returns a2 beside the gradient (value_and_grad's has_aux).
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jax_impl import optimizers
from jax_impl.arrays import to_numpy
from jax_impl.forward_432 import layers
from shared import reports
from shared.specs import Params, start_params
from shared.specs.xor_341 import Xor341Spec


# [jax] jit: traced once per shape and dtype of the arrays (and per activation, a static
# argument), compiled by XLA into one program, which every later call runs
@partial(jax.jit, static_argnames="activation")
def predict(params: Params, X: jax.Array, activation: str = "sigmoid") -> jax.Array:
    # a2 = sigmoid(sigmoid(X @ W1) @ W2)   (n, 1), as y_hat (n,)
    return layers(params, X, activation)[1][:, 0]


@partial(jax.jit, static_argnames="activation")
def half_sse(
    params: Params, X: jax.Array, y: jax.Array, activation: str = "sigmoid"
) -> tuple[jax.Array, jax.Array]:
    """E, and a2 beside it (the thread prints it)."""
    a2 = predict(params, X, activation)
    # lesson: the loss E, half the sum of squared errors over the batch, and a2 beside it
    # E = 1/2 * sum((y - y_hat)^2)   (a sum over the batch, not a mean)
    return jnp.sum(optax.losses.l2_loss(a2, y)), a2


# lesson: dE/dparams as a function of half_sse's arguments: jax.grad of E (a2 passed through)
# [jax] has_aux: half_sse returns (E, a2); grad differentiates E and passes a2 through
half_sse_gradients = jax.jit(jax.grad(half_sse, has_aux=True), static_argnames="activation")


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    return to_numpy(predict(params, X, activation), X.dtype)


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    E, _ = half_sse(params, X, y, activation)
    return float(to_numpy(E, X.dtype))


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    grads, _ = half_sse_gradients(params, X, y, activation)
    return to_numpy(grads, X.dtype)


def train(spec: Xor341Spec) -> tuple[Params, list[float], np.ndarray]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters, E after
    every `spec.loss_every`-th iteration (after its update) and a2 as the thread prints it."""
    params = start_params(spec)
    optimizer = optimizers.make(spec)
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        # lesson: the gradients dE/dparams and a2 at this batch, from jax.grad of the loss
        grads, a2 = jax.grad(half_sse, has_aux=True)(params, X, y, spec.activation)
        # lesson begin: the optax step: the optimizer's update from the gradients, then applied
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state, a2  # SGD: W -= lr * dE/dW
        # lesson end

    history = []
    for epoch in range(spec.epochs):
        params, state, a2 = step(params, state, spec.X, spec.y)
        if epoch % spec.loss_every == 0:
            history.append(loss(params, spec.X, spec.y, spec.activation))
            reports.check_finite(spec, history)
    # the thread's print(a2) after its loop: the last iteration's forward pass, made before
    # that iteration's update (the output after training is forward(params, X))
    return to_numpy(params, spec.X.dtype), history, to_numpy(a2, spec.X.dtype)


def run(spec: Xor341Spec) -> dict[str, np.ndarray]:
    """The first iteration's gradients and steps, then the output after training and the
    output the thread prints."""
    grads = gradients(start_params(spec), spec.X, spec.y, spec.activation)
    sgd = optax.sgd(spec.lr)
    # lesson: the first steps: optax.sgd's update from the first gradients, -lr * dE/dW
    steps, _ = sgd.update(grads, sgd.init(grads))
    params, history, printed = train(spec)
    return {
        "output": forward(params, spec.X, spec.activation),
        "printed_output": printed,
        "loss_history": np.array(history),
        "grad_W_input_hidden": grads["W_input_hidden"],
        "grad_W_hidden_output": grads["W_hidden_output"],
        # the first iteration's steps, as SGD took them: -lr * dE/dW
        "del_W_input_hidden": to_numpy(steps["W_input_hidden"], spec.X.dtype),
        "del_W_hidden_output": to_numpy(steps["W_hidden_output"], spec.X.dtype),
    }
