"""Keras set-up in float64, and the helpers every keras_impl module shares.

Import this module before `keras` anywhere: the backend and the dtype must be fixed before
Keras creates its first object. The backend comes from KERAS_BACKEND (default tensorflow).
"""

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator

import numpy as np

from shared.frameworks import KERAS_BACKENDS

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
    """Drops the native INFO lines TensorFlow writes to stderr while it loads; passes the rest.

    [tensorflow] its libraries log through absl before absl is initialised, and absl then
    ignores TF_CPP_MIN_LOG_LEVEL: "oneDNN custom operations are on" and absl's notice about
    it reach stderr on every start (abseil/abseil-cpp#1718). Warnings and errors still pass.
    """
    level = os.environ["TF_CPP_MIN_LOG_LEVEL"]
    if not level.isdigit() or int(level) < 1:  # the user asked to see INFO (TF reads it so)
        yield
        return
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
            for line in captured.read().decode(errors="replace").splitlines(keepends=True):
                if not _ABSL_INFO.match(line):
                    sys.stderr.write(line)
            sys.stderr.flush()


# absl's notice, and INFO lines: I, month and day (0000 before absl is initialised), time
_ABSL_INFO = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\)|I\d{4} ")

with _native_info_logs_dropped():
    import keras
from keras import ops  # noqa: E402
from keras.src.backend.common import dtypes as _keras_dtypes  # noqa: E402

# [keras] Keras 3.15 maps float64 to float32 in its type-promotion rules on every backend but
# TensorFlow (keras-team/keras#23704): on torch a float64 Dense returns float32 and the
# losses follow. Keeping float64 as float64 in that one table gives true float64; every
# gradient and forward pass below asserts the dtype it gets.
# The table is private: pyproject.toml admits only the Keras releases checked to have it
# (tests/test_keras_setup.py fails, naming the fix, if a release changes it).
if not isinstance(getattr(_keras_dtypes, "BIT64_TO_BIT32_DTYPE", None), dict):
    raise ImportError(
        f"Keras {keras.__version__} has no keras.src.backend.common.dtypes.BIT64_TO_BIT32_DTYPE, "
        "which nn-rosetta needs for float64; install the tested version with `make install` "
        "(pyproject.toml: keras>=3.12,<3.16)"
    )
_keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"

CAPS = ("KERAS_MAX_EPOCHS", "KERAS_MAX_STEPS_PER_EPOCH")
# fit() calls take the data repeated for at most this many rows at once (24 MB of
# admissions rows): a 5000-epoch cap repeated in one piece would take ~100 MB, and longer
MAX_ROWS_PER_FIT = 2**19


def use_dtype(dtype: str) -> None:
    """Make `dtype` Keras' float type for everything created from now on."""
    # [keras] layers, optimizers and losses take their dtype from floatx and the global
    # dtype policy when they are created; per-layer dtype= is not enough, since fit()
    # casts x and y to floatx
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)


def to_numpy(x: object) -> np.ndarray:
    """A backend tensor or variable as a NumPy array, checked to be in Keras' float type."""
    array = np.asarray(ops.convert_to_numpy(x))
    if array.dtype != keras.config.floatx():
        raise TypeError(
            f"Keras on {BACKEND} returned {array.dtype}, expected {keras.config.floatx()}"
        )
    return array


def gradient(f: object, *args: object) -> list[np.ndarray]:
    """d f(*args) / d arg for each arg, f scalar, by the backend's own autodiff."""
    return value_and_gradient(f, *args)[1]


def value_and_gradient(f: object, *args: object) -> tuple[float, list[np.ndarray]]:
    """f(*args) and d f(*args) / d arg for each arg, f scalar, by the backend's autodiff."""
    # variables are differentiated through a plain tensor of their value
    args = [
        ops.convert_to_tensor(to_numpy(a) if isinstance(a, keras.Variable) else a) for a in args
    ]
    value, grads = _VALUE_AND_GRADIENT[BACKEND](f, args)
    return float(to_numpy(value)), [to_numpy(g) for g in grads]


def _tensorflow_value_and_gradient(f: object, args: list) -> tuple:
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(args)
        value = f(*args)
    return value, tape.gradient(value, args)


def _torch_value_and_gradient(f: object, args: list) -> tuple:
    args = [a.detach().requires_grad_() for a in args]
    value = f(*args)
    value.backward()
    return value.detach(), [a.grad for a in args]


def _jax_value_and_gradient(f: object, args: list) -> tuple:
    import jax

    return jax.value_and_grad(f, argnums=tuple(range(len(args))))(*args)


_VALUE_AND_GRADIENT = {
    "tensorflow": _tensorflow_value_and_gradient,
    "torch": _torch_value_and_gradient,
    "jax": _jax_value_and_gradient,
}


def weight_gradients(
    model: keras.Model, loss: object, X: np.ndarray, y: np.ndarray
) -> list[np.ndarray]:
    """dE/dw for each of `model.trainable_variables`, in that order."""
    return weight_value_and_gradients(model, loss, X, y)[1]


def weight_value_and_gradients(
    model: keras.Model, loss: object, X: np.ndarray, y: np.ndarray
) -> tuple[float, list[np.ndarray]]:
    """The loss E at the model's weights, and dE/dw for each of `model.trainable_variables`."""
    return value_and_gradient(_loss_of_weights(model, loss, X, y), *model.trainable_variables)


def _loss_of_weights(model: keras.Model, loss: object, X: object, y: object) -> Callable:
    """E as a function of the model's trainable weights."""

    # stateless_call runs the model on the weights it is given, so they can be differentiated
    def loss_of_weights(*weights: object) -> object:
        return loss(y, model.stateless_call(list(weights), [], X)[0])

    return loss_of_weights


def compiled_weight_value_and_gradients(
    model: keras.Model, loss: object, X: np.ndarray, y: np.ndarray
) -> Callable[[keras.Model], tuple[float, list[np.ndarray]]]:
    """weight_value_and_gradients as a function of a model's current weights, traced and
    compiled once, for calling again and again during training (tf.function on TensorFlow,
    jax.jit on jax; torch runs eagerly, as fast as it gets). In a callback, pass it
    `self.model`."""
    loss_of_weights = _loss_of_weights(
        model, loss, ops.convert_to_tensor(X), ops.convert_to_tensor(y)
    )

    def value_and_gradient_of(*weights: object) -> tuple:
        return _VALUE_AND_GRADIENT[BACKEND](loss_of_weights, list(weights))

    compiled = _compile(value_and_gradient_of)

    # [keras] on jax, fit() keeps the weights apart from the model's variables between
    # steps; a callback's `self.model` copies them back, a model captured earlier does not
    def at_current_weights(model: keras.Model) -> tuple[float, list[np.ndarray]]:
        weights = [ops.convert_to_tensor(to_numpy(v)) for v in model.trainable_variables]
        value, grads = compiled(*weights)
        return float(to_numpy(value)), [to_numpy(g) for g in grads]

    return at_current_weights


def _compile(f: Callable) -> Callable:
    # [keras] eager autodiff costs milliseconds a call on TensorFlow and jax; compiled once,
    # a call on these tiny models costs well under one
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(f)
    if BACKEND == "jax":
        import jax

        return jax.jit(f)
    return f


def steps_per_call(steps_between_snapshots: int) -> int:
    """The `steps_per_execution` to compile with: fit() then runs the steps between two
    saved snapshots in one call into the backend (1 on torch, which allows no other)."""
    # [keras] steps_per_execution=K runs K steps per call: the same updates, without
    # K - 1 returns to Python; callbacks then see only every K-th step
    return 1 if BACKEND == "torch" else max(1, steps_between_snapshots)


def steps_taken(model: keras.Model) -> int:
    """How many training steps the model's optimizer has taken."""
    # [keras] the optimizer counts its steps (an int64 variable, so not through to_numpy)
    return int(ops.convert_to_numpy(model.optimizer.iterations))


class _Snapshots(keras.callbacks.Callback):
    """Counts the steps fit() takes; keeps the weights after every `every`-th epoch. With a
    `stop`, asks it after every call into the backend, and keeps the state each call began
    from, to go back to."""

    def __init__(
        self, steps_per_epoch: int, every: int, stop: Callable[[keras.Model], bool] | None
    ) -> None:
        super().__init__()
        self.steps_per_epoch, self.every, self.stop = steps_per_epoch, every, stop
        self.steps, self.snapshots, self.stopped = 0, [], False
        self.offset = self.fit_steps = 0
        self.call_start: tuple | None = None

    def begin(self, fit_steps: int) -> None:
        """A new fit() call of `fit_steps` steps follows the ones counted so far."""
        self.offset, self.fit_steps = self.steps, fit_steps

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if self.stop is not None and self.model.steps_per_execution > 1:
            # the optimizer's variables too: its step count, and any state it keeps
            optimizer = [ops.convert_to_numpy(v) for v in self.model.optimizer.variables]
            self.call_start = (self.steps, self.model.get_weights(), optimizer)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        # `batch` is the last step the call ran; a short last call reports past the end
        self.took(self.offset + min(batch + 1, self.fit_steps))

    def took(self, steps: int) -> None:
        """Training has now taken `steps` steps in all."""
        self.steps = steps
        epoch, step = divmod(self.steps, self.steps_per_epoch)
        if self.every and step == 0 and (epoch - 1) % self.every == 0:
            self.snapshots.append(self.model.get_weights())
        if self.stop is not None and self.stop(self.model):
            self.model.stop_training = self.stopped = True

    def rewind(self) -> None:
        """Back to the state the last call began from."""
        self.steps, weights, optimizer = self.call_start
        self.model.set_weights(weights)
        for variable, value in zip(self.model.optimizer.variables, optimizer, strict=True):
            variable.assign(value)
        epoch = self.steps // self.steps_per_epoch
        self.snapshots = self.snapshots[: (epoch - 1) // self.every + 1 if self.every else 0]
        self.stopped = False


def fit_in_order(
    model: keras.Model,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    every: int,
    stop: Callable[[keras.Model], bool] | None = None,
) -> list[list[np.ndarray]]:
    """Train a compiled model with fit(): `epochs` passes over (X, y) in order, in batches of
    `batch_size`. Returns the weights after epochs 0, every, 2 * every, ... (none if every
    is 0).

    `stop(model)`, if given, is asked after every call into the backend whether training is
    done; training then ends at the first step it says yes to, as if it were asked after
    every step. That needs `stop` to keep saying yes from that step on."""
    for cap in CAPS:
        if os.environ.get(cap):
            # [keras] these variables cap fit() without an error: training would stop early
            raise RuntimeError(
                f"{cap}={os.environ[cap]} is set; it would cut fit() short: unset it"
            )
    if len(X) % batch_size:
        # [keras] a short last batch averages over fewer records: a different update
        raise ValueError(f"{len(X)} records do not split into batches of {batch_size}")
    steps_per_epoch, per_call = len(X) // batch_size, model.steps_per_execution
    if per_call > 1 and (steps_per_epoch * every) % per_call:
        raise ValueError(
            f"steps_per_execution={per_call} would hide the steps that must be seen: it must "
            f"divide the {steps_per_epoch * every} steps between snapshots"
        )
    watch = _Snapshots(steps_per_epoch, every, stop)
    # [keras] fit() costs ~25 ms per epoch on TensorFlow; one pass over the data repeated
    # `epochs` times, in order, makes the identical sequence of updates in one call (or a
    # few, of whole multiples of `every` epochs, for long trainings). With several steps per
    # call, the first epoch is a call of its own, so that the calls after it end exactly
    # after epochs every, 2 * every, ...
    first, whole = (0 if per_call == 1 else 1), max(every, 1)
    most = max(1, MAX_ROWS_PER_FIT // (len(X) * whole)) * whole
    chunks = [first] + [min(most, epochs - done) for done in range(first, epochs, most)]
    for chunk in (c for c in chunks if c and not watch.stopped):
        watch.begin(chunk * steps_per_epoch)
        # [keras] fit() shuffles and uses batch_size=32 by default: shuffle=False keeps the
        # tutorial's order and batch_size is the tutorial's (1 per record, or the full batch)
        model.fit(
            np.tile(X, (chunk, 1)),
            np.tile(y, (chunk, 1)),
            batch_size=batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
            callbacks=[watch],
        )
    if watch.stopped and per_call > 1 and watch.steps - watch.call_start[0] > 1:
        # [keras] `stop` saw only the last of the call's steps: back to where the call began,
        # and its steps again one at a time (train_on_batch takes exactly one), asking `stop`
        # after each
        watch.rewind()
        while not watch.stopped:
            first = watch.steps % steps_per_epoch * batch_size
            model.train_on_batch(X[first : first + batch_size], y[first : first + batch_size])
            watch.took(watch.steps + 1)
    if not watch.stopped and watch.steps != epochs * steps_per_epoch:
        raise RuntimeError(f"fit() took {watch.steps} steps, expected {epochs * steps_per_epoch}")
    return watch.snapshots
