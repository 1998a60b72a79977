"""`rosetta defaults` in JAX: a small network trained with one of optax's own defaults.

`trained(key, spec, epochs)` trains from the spec's start (admissions_mlp's 6-2-1 network;
admissions_logit's unit for "bce_clamp") for `epochs` full-batch epochs, leaving the one
thing `key` names at optax's default, and returns y_hat on the training rows.
shared/checks/defaults.py sets the result beside PyTorch's and Keras' for the same key.
JAX has no default learning rate (optax.sgd's is a required argument) and no layers to
initialise (the parameters are your own dict): those two entries are not trained here.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jax_impl.arrays import to_numpy
from jax_impl.backprop_321 import predict
from shared.specs import LogitSpec, TwoLayerSpec, start_params

NOT_MEASURED = ("sgd_lr", "dense_init")  # optax has no such default


def _optimizer(key: str, lr: float) -> optax.GradientTransformation:
    """The optimizer of each entry, with optax's defaults where the entry is about one."""
    if key in ("momentum_sign", "float32_hyperparameters"):
        # [jax] optax.trace: b = g + mu*b; p -= lr*b. A Python float stays weakly typed:
        # it takes the dtype of the parameters, float64 here
        return optax.sgd(lr, momentum=0.9)
    if key == "adam_eps":
        return optax.adam(lr)  # [jax] eps=1e-8 outside the root, eps_root=0.0 inside
    if key == "rmsprop_rho_eps":
        # [jax] decay=0.9, eps=1e-8 inside the root (eps_in_sqrt=True): lr*g / sqrt(v + eps)
        return optax.rmsprop(lr)
    return optax.sgd(lr)


def _loss(key: str, spec: TwoLayerSpec | LogitSpec) -> tuple[dict, Callable, Callable]:
    """The parameters, y_hat as a function of them, and the loss of each entry."""
    if key == "bce_clamp":  # a sigmoid unit with a bias, trained from its logit

        def y_hat(params: dict, X: jax.Array) -> jax.Array:
            return jax.nn.sigmoid(X @ params["w"] + params["b"])

        def loss(params: dict, X: jax.Array, y: jax.Array) -> jax.Array:
            # [jax] optax's cross-entropy takes the logit: no clamp, no clip, exact in log space
            z = X @ params["w"] + params["b"]
            return jnp.mean(optax.losses.sigmoid_binary_cross_entropy(z, y))

        return {"w": spec.w, "b": spec.b}, y_hat, loss

    def mse(params: dict, X: jax.Array, y: jax.Array) -> jax.Array:
        # [jax] squared_error is (y_hat - y)^2 per record, no 1/2 (l2_loss has it): mean ours
        return jnp.mean(optax.losses.squared_error(predict(params, X), y))

    return start_params(spec), predict, mse


def trained(key: str, spec: TwoLayerSpec | LogitSpec, epochs: int) -> np.ndarray:
    """y_hat on the training rows after `epochs` epochs with optax's default for `key`."""
    if key in NOT_MEASURED:
        raise ValueError(f"optax has no default for {key}")
    params, y_hat, loss = _loss(key, spec)
    optimizer = _optimizer(key, spec.lr)
    state = optimizer.init(params)

    @jax.jit
    def step(params: dict, state: optax.OptState, X: jax.Array, y: jax.Array) -> tuple:
        updates, state = optimizer.update(jax.grad(loss)(params, X, y), state, params)
        return optax.apply_updates(params, updates), state

    for _ in range(epochs):  # [jax] the loop is yours: the whole batch, in order
        params, state = step(params, state, spec.X, spec.y)
    return to_numpy(y_hat(params, spec.X), spec.X.dtype)
