"""forward_432 in JAX: one forward pass through a 4-3-2 sigmoid network, no biases.

Spec: `shared.specs.forward_432`. hidden = sigmoid(X @ W_input_hidden),
output = sigmoid(hidden @ W_hidden_output), as in numpy_impl/forward_432.py. The same
two layers, trained, are xor_341's network.
Differs from numpy_impl:
- jnp for np and jax.nn.sigmoid: the weights stay in the spec's (in, out) layout, as
  plain arrays in a dict, with no layer object around them.
"""

from functools import partial

import jax
import numpy as np

from jax_impl.activations import ACTIVATIONS
from jax_impl.arrays import to_numpy
from shared.specs import Params
from shared.specs.forward_432 import Forward432Spec


# [jax] jit: traced once per shape and dtype of the arrays (and per activation, a static
# argument), compiled by XLA into one program, which every later call runs
@partial(jax.jit, static_argnames="activation")
def layers(
    params: Params, X: jax.Array, activation: str = "sigmoid"
) -> tuple[jax.Array, jax.Array]:
    """Both layers' activations: (hidden, output). xor_341's `--activation` replaces the
    hidden layer's sigmoid."""
    # lesson begin: the forward pass: the hidden layer, then the output layer, as jnp arrays
    # hidden = sigmoid(X @ W_input_hidden)   (..., 3)
    hidden = ACTIVATIONS[activation](X @ params["W_input_hidden"])
    # output = sigmoid(hidden @ W_hidden_output)   (..., 2)
    output = jax.nn.sigmoid(hidden @ params["W_hidden_output"])
    return hidden, output
    # lesson end


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    return to_numpy(layers(params, X)[1], X.dtype)


def run(spec: Forward432Spec) -> dict[str, np.ndarray]:
    """The lesson's two printed vectors: the hidden layer and the output."""
    params = {"W_input_hidden": spec.W_input_hidden, "W_hidden_output": spec.W_hidden_output}
    hidden, output = layers(params, spec.X)
    return to_numpy({"hidden": hidden, "output": output}, spec.X.dtype)
