"""backprop_321 in JAX: one backprop step through a 3-2-1 sigmoid network, no biases.

Spec: `shared.specs.backprop_321`. The same model, trained, is admissions_mlp.
hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ w_hidden_output),
E = 1/2 * mean((y - y_hat)^2), as in numpy_impl/backprop_321.py.
Differs from numpy_impl:
- gradients are `jax.grad(half_mse)`; the error terms are jax.grad's too, as -dE/dz at
  each layer's pre-activation, with E written as a function of that z;
- the steps are what `optax.sgd` returns as its updates; admissions_mlp's training is a
  jax.jit-compiled step with the optax optimizer of `--optimizer` (jax_impl/optimizers.py).
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jax_impl import optimizers
from jax_impl.activations import ACTIVATIONS
from jax_impl.arrays import to_numpy
from jax_impl.single_unit import batch
from shared import reports
from shared.specs import NETWORKS, Params, start_params
from shared.specs.backprop_321 import TwoLayerSpec


# [jax] jit: traced once per shape and dtype of the arrays (and per activation, a static
# argument), compiled by XLA into one program, which every later call runs
@partial(jax.jit, static_argnames="activation")
def predict(params: Params, X: jax.Array, activation: str = "sigmoid") -> jax.Array:
    # hidden = activation(X @ W_input_hidden)   (n, n_hidden)
    hidden = ACTIVATIONS[activation](X @ params["W_input_hidden"])
    # y_hat = sigmoid(hidden @ w_hidden_output)   (n,)
    return jax.nn.sigmoid(hidden @ params["w_hidden_output"])


@partial(jax.jit, static_argnames="activation")
def half_mse(params: Params, X: jax.Array, y: jax.Array, activation: str = "sigmoid") -> jax.Array:
    # lesson: the loss, a function of params for jax.grad: half the mean squared error of predict
    # E = 1/2 * mean((y - y_hat)^2)
    # [jax] optax.losses.l2_loss is 1/2 * (y_hat - y)^2 per record, unreduced: the mean is ours
    return jnp.mean(optax.losses.l2_loss(predict(params, X, activation), y))


# lesson: dE/dparams as a function of half_mse's arguments: jax.grad of the loss, jitted
# [jax] dE/dparams, a dict keyed and shaped like params
half_mse_gradients = jax.jit(jax.grad(half_mse), static_argnames="activation")


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    return to_numpy(predict(params, X, activation), X.dtype)


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    return float(to_numpy(half_mse(params, *batch(X, y), activation), X.dtype))


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    return to_numpy(half_mse_gradients(params, *batch(X, y), activation), X.dtype)


def train(spec: TwoLayerSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters and
    the training MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch."""
    params = start_params(spec)
    X, y = batch(spec.X, spec.y)
    optimizer = optimizers.make(spec)
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        # lesson: the gradients dE/dparams at this batch, from jax.grad of the loss
        grads = jax.grad(half_mse)(params, X, y, spec.activation)
        # lesson begin: the optax step: the optimizer's update from the gradients, then applied
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state  # SGD: W -= lr * dE/dW
        # lesson end

    history = []
    for epoch in range(spec.epochs):
        params, state = step(params, state, X, y)
        if spec.loss_every and epoch % spec.loss_every == 0:
            # twice E: mean((y_hat - y)^2)
            history.append(2 * loss(params, X, y, spec.activation))
            reports.check_finite(spec, history)
    return to_numpy(params, spec.X.dtype), history


def run(spec: TwoLayerSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, errors, error terms, weight steps, gradients."""
    activation = ACTIVATIONS[spec.activation]
    sgd = optax.sgd(spec.lr)

    # [jax] the worked step jitted whole: one compiled program, not one per operation
    @jax.jit
    def worked_step(params: Params, X: jax.Array, y: jax.Array) -> dict[str, jax.Array]:
        # the forward pass link by link, keeping each pre-activation z for its gradient
        z_hidden = X @ params["W_input_hidden"]
        z_output = activation(z_hidden) @ params["w_hidden_output"]
        y_hat = jax.nn.sigmoid(z_output)

        # [jax] no retain_grad: E as a function of each z, and jax.grad of that function
        def of_z_output(z_output: jax.Array) -> jax.Array:
            return jnp.mean(optax.losses.l2_loss(jax.nn.sigmoid(z_output), y))

        def of_z_hidden(z_hidden: jax.Array) -> jax.Array:
            return of_z_output(activation(z_hidden) @ params["w_hidden_output"])

        # lesson: the gradients dE/dW of the worked step, from jax.grad of the loss
        grads = jax.grad(half_mse)(params, X, y, spec.activation)
        # lesson: the weight steps: optax.sgd's update from those gradients, -lr * dE/dW
        updates, _ = sgd.update(grads, sgd.init(params))
        return {
            "output": y_hat[0],
            "error": (y - y_hat)[0],
            # error terms = -dE/dz at each layer's pre-activation, for the one record
            "output_error_term": -jax.grad(of_z_output)(z_output)[0],
            "hidden_error_term": -jax.grad(of_z_hidden)(z_hidden)[0],
            # the steps SGD took, -lr * dE/dW
            "del_w_hidden_output": updates["w_hidden_output"],
            "del_w_input_hidden": updates["W_input_hidden"],
            "grad_w_hidden_output": grads["w_hidden_output"],
            "grad_w_input_hidden": grads["W_input_hidden"],
        }

    quantities = to_numpy(worked_step(start_params(spec), *batch(spec.X, spec.y)), spec.X.dtype)
    # [jax] a dict leaves jit with its keys sorted: back in the order the spec declares
    return {name: quantities[name] for name in NETWORKS[spec.network].quantities[spec.case]}
