"""Keras' float64 set-up and the guards around fit(), on whichever backend is active."""

import os

import numpy as np
import pytest

pytest.importorskip("keras", reason="keras is not installed; see `rosetta list`")

from keras_impl import backend
from keras_impl import single_unit as keras_single_unit
from shared.specs import get_spec
from tests.conftest import KERAS_BACKEND


def test_keras_runs_on_the_requested_backend():
    assert backend.keras.backend.backend() == KERAS_BACKEND


# What to do when a Keras release changes the private table keras_impl/backend.py relies on
FLOAT64_FIX = (
    "Keras {version} changed its type promotion (keras.src.backend.common.dtypes."
    "BIT64_TO_BIT32_DTYPE, which keras_impl/backend.py sets to keep float64): install the tested "
    "Keras with `make install` (pyproject.toml: keras>=3.12,<3.16), or adapt "
    "keras_impl/backend.py to this release and widen that range"
)


def test_float64_survives_keras_type_promotion():
    """keras-team/keras#23704: matmul and the losses came back float32 on torch."""
    fix = FLOAT64_FIX.format(version=backend.keras.__version__)

    def dtype(x: object) -> np.dtype:  # unchecked: backend.to_numpy would raise first
        return np.asarray(backend.ops.convert_to_numpy(x)).dtype

    backend.use_dtype("float64")
    X = backend.ops.convert_to_tensor(np.ones((3, 2)))
    W = backend.ops.convert_to_tensor(np.ones((2, 1)))
    assert dtype(backend.ops.matmul(X, W)) == np.float64, f"matmul: {fix}"
    loss = keras_single_unit.half_mse(np.ones((3, 1)), X[:, :1])
    assert dtype(loss) == np.float64, f"the loss: {fix}"
    model = keras_single_unit.build_model(np.array([0.5, -0.5]))
    assert dtype(model(np.ones((3, 2)))) == np.float64, f"Dense: {fix}"
    optimizer = backend.keras.optimizers.SGD(learning_rate=0.1)
    rate = float(backend.ops.convert_to_numpy(optimizer.learning_rate))
    assert rate == 0.1, f"SGD's learning rate is {rate!r}, not 0.1: {fix}"


def test_dtype_check_catches_float32():
    backend.use_dtype("float64")
    with pytest.raises(TypeError, match="float32"):
        backend.to_numpy(backend.ops.convert_to_tensor(np.ones(2, dtype=np.float32)))


@pytest.mark.parametrize("cap", backend.CAPS)
def test_fit_refuses_to_run_with_a_step_cap(monkeypatch, cap):
    monkeypatch.setenv(cap, "1")
    spec = get_spec("admissions", "trained")
    from keras_impl import admissions

    with pytest.raises(RuntimeError, match=cap):
        admissions.train(spec)


def test_fit_refuses_a_short_last_batch():
    model = keras_single_unit.build_model(np.array([0.5, -0.5]))
    model.compile(optimizer="sgd", loss=keras_single_unit.half_mse)
    with pytest.raises(ValueError, match="do not split into batches of 2"):
        backend.fit_in_order(
            model, np.ones((3, 2)), np.ones((3, 1)), epochs=1, batch_size=2, every=1
        )


def train_gender(
    per_call: int, epochs: int = 60, stop_at: int | None = None
) -> tuple[list[np.ndarray], list]:
    """gender_221's fit() with `per_call` steps per execution, stopped after `stop_at` steps
    if given: final weights, snapshots."""
    from keras_impl import gender_221

    spec = get_spec("gender_221", "trained")
    model = gender_221.build_model(**{name: getattr(spec, name) for name in spec.PARAM_NAMES})
    model.compile(optimizer=backend.keras.optimizers.SGD(spec.lr), loss="mse",
                  steps_per_execution=per_call)  # fmt: skip
    X, y = spec.X, spec.y.reshape(-1, 1)

    def stop(model: backend.keras.Model) -> bool:
        return backend.steps_taken(model) >= stop_at

    snapshots = backend.fit_in_order(
        model, X, y, epochs, batch_size=1, every=spec.loss_every, stop=stop_at and stop
    )
    return model.get_weights(), snapshots


@pytest.mark.skipif(KERAS_BACKEND == "torch", reason="steps_per_execution must be 1 on torch")
def test_several_steps_per_call_make_the_same_updates_and_snapshots():
    """steps_per_execution=40 (ten epochs of four records) against one step per call."""
    final_one, snapshots_one = train_gender(1)
    final_many, snapshots_many = train_gender(40)
    assert len(snapshots_one) == len(snapshots_many) == 6  # after epochs 0, 10, ..., 50
    for got, expected in zip(
        [final_many, *snapshots_many], [final_one, *snapshots_one], strict=True
    ):
        for a, b in zip(got, expected, strict=True):
            diff = np.max(np.abs(a - b))
            assert diff <= 1e-15, f"steps_per_execution=40 on {KERAS_BACKEND}: weights {diff:.2e}"


@pytest.mark.skipif(KERAS_BACKEND == "torch", reason="steps_per_execution must be 1 on torch")
@pytest.mark.parametrize("stop_at", [2, 23, 44])
def test_a_stop_inside_a_call_of_several_steps_ends_at_its_step(stop_at):
    """`stop` is asked only at the end of a call of 40 steps; training still ends after
    exactly `stop_at` steps (2: inside the first epoch's call; 44: at a call's end) with the
    weights and snapshots of one step per call."""
    final_one, snapshots_one = train_gender(1, stop_at=stop_at)
    final_many, snapshots_many = train_gender(40, stop_at=stop_at)
    # snapshots after epochs 1 and 11 (steps 4 and 44); the one-step run checks `stop` at
    # every step, so its length is exactly `stop_at` steps
    assert len(snapshots_many) == len(snapshots_one) == (stop_at >= 4) + (stop_at >= 44)
    for got, expected in zip(
        [final_many, *snapshots_many], [final_one, *snapshots_one], strict=True
    ):
        for a, b in zip(got, expected, strict=True):
            diff = np.max(np.abs(a - b))
            assert diff <= 1e-15, f"stopped at {stop_at} on {KERAS_BACKEND}: weights {diff:.2e}"


def test_steps_per_call_that_would_hide_a_snapshot_is_refused():
    if KERAS_BACKEND == "torch":
        assert backend.steps_per_call(40) == 1
        return
    with pytest.raises(ValueError, match="must divide the 40 steps between snapshots"):
        train_gender(30)


def test_native_stderr_filter_keeps_warnings_and_errors(capfd):
    """TensorFlow's native INFO lines at load ("oneDNN custom operations are on") ignore
    TF_CPP_MIN_LOG_LEVEL; the backend module drops them, and only them (test_cli checks
    that a command's stderr has none)."""
    lines = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        "I0000 00:00:1795378477.4 8602 port.cc:153] oneDNN custom operations are on.\n",
        "W0000 00:00:1795378477.4 8602 op.cc:1] a warning\n",
        "E1122 20:11:28.4 8602 op.cc:2] an error\n",
        "plain text\n",
    ]
    with backend._native_info_logs_dropped():
        for line in lines:
            os.write(2, line.encode())
    assert capfd.readouterr().err == "".join(lines[2:])
