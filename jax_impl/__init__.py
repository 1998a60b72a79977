"""JAX: every network as jax.numpy functions of the spec's own parameter dict (a pytree),
differentiated by jax.grad, trained by a jax.jit-compiled step and an optax optimizer.
Same module names and public functions as numpy_impl; NumPy arrays in and out at that
boundary, float64 unless the spec says float32.

Importing any module of this package runs this file first: it turns JAX's 64-bit floats
on before JAX is imported (`jax_enable_x64`), without which JAX computes in float32 and
says nothing. jax_impl/arrays.py asserts the dtype of every result.
"""

import os

# [jax] float32 only (silently) unless x64 is on: JAX reads the variable when it is imported
os.environ["JAX_ENABLE_X64"] = "1"
# Importing JAX sets the C++ log level XLA shares with TensorFlow to 1 where it is unset,
# which lets TensorFlow's warnings through in a process that loads Keras later (and in the
# processes it starts): the level keras_impl/backend.py sets, whichever comes first
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import jax

# imported before us (Keras on its jax backend does the same), the variable came too late
jax.config.update("jax_enable_x64", True)
