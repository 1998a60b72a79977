"""The hidden layers' activations of `--activation`, as jax.nn's functions.

jax.grad differentiates them: tanh' = 1 - t^2, relu' = 1 where z > 0, else 0 (also at z = 0),
the derivatives numpy_impl/activations.py writes out.
"""

import jax

ACTIVATIONS = {"sigmoid": jax.nn.sigmoid, "tanh": jax.nn.tanh, "relu": jax.nn.relu}
