"""Keras set-up: the backend, float64, the conversion to NumPy, data as fit() takes it, and
autodiff per backend. Import this before `keras` anywhere: the backend (KERAS_BACKEND, default
tensorflow) and the dtype must be fixed before Keras creates its first object. Training is not
here: each keras_impl module calls `model.compile` and `model.fit` itself.
"""

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from itertools import count

import numpy as np

from shared.runtime.frameworks import KERAS_BACKENDS

BACKEND = os.environ.setdefault("KERAS_BACKEND", "tensorflow")
if BACKEND not in KERAS_BACKENDS:
    raise ValueError(f"KERAS_BACKEND={BACKEND!r} is not one of: {', '.join(KERAS_BACKENDS)}")
# [keras] jax computes in float32 (with only a warning) unless x64 is on before jax is imported
os.environ["JAX_ENABLE_X64"] = "1"
if BACKEND == "jax" and "jax" in sys.modules:  # imported before us: the variable came too late
    sys.modules["jax"].config.update("jax_enable_x64", True)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter


@contextlib.contextmanager
def _native_info_logs_dropped() -> Iterator[None]:
    """Drops TensorFlow's native INFO lines ("I" + date: "oneDNN custom operations are on") and
    absl's notice from stderr while it loads: logged before absl is initialised, they ignore
    TF_CPP_MIN_LOG_LEVEL (abseil/abseil-cpp#1718). Warnings and errors still pass."""
    level = os.environ["TF_CPP_MIN_LOG_LEVEL"]
    if not level.isdigit() or int(level) < 1:  # the user asked to see INFO (TF reads it so)
        return (yield)
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            sys.stderr.writelines(line for line in lines if not _ABSL_INFO.match(line))


_ABSL_INFO = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\)|I\d{4} ")

with _native_info_logs_dropped():
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


def batches(X: np.ndarray, y: np.ndarray, n: int) -> object:
    """(X, y) in batches of n records, in order, without end, for fit() with steps_per_epoch =
    the batches of one pass and shuffle=False (it shuffles arrays; here it would warn)."""
    if BACKEND != "tensorflow":  # [keras] jax, torch: a generator (tf.data imports TensorFlow)
        return ((X[i : i + n], y[i : i + n]) for _ in count() for i in range(0, len(X), n))
    import tensorflow as tf

    # [keras] fit() makes a tf.data pipeline of arrays every epoch (~40 ms): one for all epochs
    return tf.data.Dataset.from_tensor_slices((X, y)).batch(n).cache().repeat()


def gradient_function(f: Callable, compile: bool = False) -> Callable:
    """f(*args) and [d f / d arg for each arg] as NumPy, f scalar, by the backend's autodiff;
    compile=True traces it once (tf.function, jax.jit): eager, ~10 ms a call on tf and jax."""
    value_and_gradients = _BY_BACKEND[BACKEND](f, compile)

    def value_and_gradient(*args: object) -> tuple[float, list[np.ndarray]]:
        # variables are differentiated through a plain tensor of their value
        tensors = [to_numpy(a) if isinstance(a, keras.Variable) else a for a in args]
        value, grads = value_and_gradients(*map(ops.convert_to_tensor, tensors))
        return float(to_numpy(value)), [to_numpy(g) for g in grads]

    return value_and_gradient


def _tensorflow(f: Callable, compile: bool) -> Callable:
    import tensorflow as tf

    def value_and_gradients(*args: object) -> tuple:
        with tf.GradientTape() as tape:
            tape.watch(args)
            value = f(*args)
        return value, tape.gradient(value, args)

    return tf.function(value_and_gradients) if compile else value_and_gradients


def _torch(f: Callable, compile: bool) -> Callable:  # [torch] eager autograd: fast enough
    def value_and_gradients(*args: object) -> tuple:
        args = [a.detach().requires_grad_() for a in args]
        (value := f(*args)).backward()
        return value.detach(), [a.grad for a in args]

    return value_and_gradients


def _jax(f: Callable, compile: bool) -> Callable:
    import jax

    def value_and_gradients(*args: object) -> tuple:
        return jax.value_and_grad(f, argnums=tuple(range(len(args))))(*args)

    return jax.jit(value_and_gradients) if compile else value_and_gradients


_BY_BACKEND = {"tensorflow": _tensorflow, "torch": _torch, "jax": _jax}


def loss_of_weights(model: keras.Model, loss: Callable, X: object, y: object) -> Callable:
    """E = loss(y, model(X)) as a function of the model's trainable weights (stateless_call
    runs the model on the weights it is given, so they can be differentiated)."""
    X, y = ops.convert_to_tensor(X), ops.convert_to_tensor(y)
    return lambda *weights: loss(y, model.stateless_call(list(weights), [], X)[0])


def weight_gradients(model: keras.Model, loss: Callable, X: object, y: object) -> list[np.ndarray]:
    """dE/dw for each of `model.trainable_variables`, in that order."""
    return gradient_function(loss_of_weights(model, loss, X, y))(*model.trainable_variables)[1]
