"""Keras set-up: the backend, float64, the conversion to NumPy and data as fit() takes it.
Import this before `keras` anywhere: the backend (KERAS_BACKEND, default tensorflow) and the
dtype must be fixed before Keras creates its first object.
"""

import os
import sys
from itertools import count

import numpy as np

from shared.runtime.frameworks import KERAS_BACKENDS
from shared.runtime.outputs import native_info_logs_dropped

BACKEND = os.environ.setdefault("KERAS_BACKEND", "tensorflow")
if BACKEND not in KERAS_BACKENDS:
    raise ValueError(f"KERAS_BACKEND={BACKEND!r} is not one of: {', '.join(KERAS_BACKENDS)}")
# [keras] jax computes in float32 (with only a warning) unless x64 is on before jax is imported
os.environ["JAX_ENABLE_X64"] = "1"
if BACKEND == "jax" and "jax" in sys.modules:  # imported before us: the variable came too late
    sys.modules["jax"].config.update("jax_enable_x64", True)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
with native_info_logs_dropped():  # what TensorFlow logs as it loads, before that level applies
    import keras
from keras import ops  # noqa: E402
from keras.src.backend.common import dtypes as _keras_dtypes  # noqa: E402

# [keras] Keras 3.15 maps float64 to float32 in its type-promotion rules on every backend but
# TensorFlow (keras-team/keras#23704): on torch a float64 Dense returns float32. Keeping
# float64 in that one private table gives true float64 (to_numpy asserts it); pyproject.toml
# admits the releases checked to have it, and tests/test_keras_setup.py names the fix.
if not isinstance(getattr(_keras_dtypes, "BIT64_TO_BIT32_DTYPE", None), dict):
    raise ImportError(f"Keras {keras.__version__} lacks dtypes.BIT64_TO_BIT32_DTYPE (float64 "
                      "needs it): `make install` gives the tested keras>=3.12,<3.16")  # fmt: skip
_keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"

# [keras] these variables make fit() stop early without an error: every figure would be wrong
if keras.config.max_epochs() or keras.config.max_steps_per_epoch():
    raise RuntimeError("KERAS_MAX_EPOCHS or KERAS_MAX_STEPS_PER_EPOCH is set: unset it")


def use_dtype(dtype: str) -> None:
    """Make `dtype` Keras' float type for everything created from now on."""
    # [keras] layers, optimizers and losses take their dtype from floatx and the dtype policy
    # when they are created; per-layer dtype= is not enough, since fit() casts x, y to floatx
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)


def to_numpy(x: object) -> np.ndarray:
    """A backend tensor or variable as a NumPy array, checked to be in Keras' float type."""
    array = np.asarray(ops.convert_to_numpy(x))
    if array.dtype != (expected := keras.config.floatx()):
        raise TypeError(f"Keras on {BACKEND} returned {array.dtype}, expected {expected}")
    return array


def params_like(weights: list[object], like: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Keras' weights (or their gradients), in the model's order, named and shaped as in `like`
    (the spec's parameters): a kernel (n_in, 1) becomes the vector w, a bias (1,) the scalar b."""
    named = zip(like.items(), weights, strict=True)
    return {name: to_numpy(w).reshape(np.shape(value)) for (name, value), w in named}


def batches(X: np.ndarray, y: np.ndarray, n: int) -> object:
    """(X, y) in batches of n records, in order, without end, for fit() with steps_per_epoch =
    the batches of one pass and shuffle=False (it shuffles arrays; here it would warn)."""
    if BACKEND != "tensorflow":  # [keras] jax, torch: a generator (tf.data imports TensorFlow)
        return ((X[i : i + n], y[i : i + n]) for _ in count() for i in range(0, len(X), n))
    import tensorflow as tf

    # [keras] fit() makes a tf.data pipeline of arrays every epoch (~40 ms): one for all epochs
    return tf.data.Dataset.from_tensor_slices((X, y)).batch(n).cache().repeat()
