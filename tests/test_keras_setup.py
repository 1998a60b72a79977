"""Keras' float64 set-up, and what each train() does around model.fit (one fit() call with
epochs=, the loss-history callback, the logit's stop), on whichever backend is active."""

import importlib
import time
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("keras", reason="keras is not installed; see `rosetta list`")

from keras_impl import admissions_logit as keras_logit
from keras_impl import backend
from keras_impl import gender_221 as keras_gender
from keras_impl import single_unit as keras_single_unit
from numpy_impl import admissions_logit as numpy_logit
from shared import reports
from shared.checks import harness
from shared.specs import get_spec, override
from tests.conftest import KERAS_BACKEND, quantities


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


def test_fit_refuses_to_run_with_a_step_cap():
    """KERAS_MAX_EPOCHS would cut every fit() short without an error: set-up refuses it."""
    backend.keras.config.set_max_epochs(1)
    try:
        with pytest.raises(RuntimeError, match="KERAS_MAX_EPOCHS"):
            importlib.reload(backend)
    finally:
        backend.keras.config.set_max_epochs(None)
        importlib.reload(backend)


@pytest.mark.parametrize(
    ("network", "epochs"), [("single_unit", 7), ("gender_221", 25), ("xor_341", 250)]
)
def test_loss_history_callback_records_what_numpy_records(network, epochs):
    """After epochs 0, every, 2 * every, ... (after that epoch's update), across the steps
    that fit() sees as one epoch of repeated records."""
    case = "quiz" if network == "single_unit" else "trained"
    spec = override(get_spec(network, case), epochs=epochs)
    got = importlib.import_module(f"keras_impl.{network}").train(spec)[1]
    expected = importlib.import_module(f"numpy_impl.{network}").train(spec)[1]
    assert len(got) == len(expected) == {7: 7, 25: 3, 250: 3}[epochs]
    diff = float(np.max(np.abs(np.subtract(got, expected))))
    assert diff <= harness.TRAINING, f"{network} keras[{KERAS_BACKEND}] history: {diff:.2e}"


@pytest.mark.parametrize("lr", [0.5, 6.0])
def test_logit_stops_at_the_epoch_numpy_stops(lr):
    """The callback's stop_training ends fit() after exactly the step NumPy stops before
    (1044 epochs at the spec's lr 0.5; above 2 / L = 5.83 the gradient's norm can rise)."""
    spec = override(get_spec("admissions_logit", "trained"), lr=lr)
    if lr == get_spec("admissions_logit", "trained").lr:  # the run the other tests share
        got, expected = (
            int(quantities("admissions_logit", "trained", framework)["epochs_run"])
            for framework in (f"keras[{KERAS_BACKEND}]", "numpy")
        )
    else:
        got, expected = keras_logit.train(spec)[2], numpy_logit.train(spec)[2]
    assert got == expected, f"admissions_logit lr {lr} keras[{KERAS_BACKEND}]: {got} epochs"
    if lr == 0.5:
        assert expected == 1044


def fit_calls(monkeypatch) -> list[dict]:
    """The keyword arguments of each keras.Model.fit call, from now on."""
    calls, fit = [], backend.keras.Model.fit

    def recorded_fit(model, *args, **kwargs):
        calls.append(kwargs)
        return fit(model, *args, **kwargs)

    monkeypatch.setattr(backend.keras.Model, "fit", recorded_fit)
    return calls


@pytest.mark.parametrize(
    ("network", "case", "steps"),
    [
        ("single_unit", "quiz", 1),
        ("admissions", "trained", 1),
        ("admissions_mlp", "trained", 1),
        ("admissions_logit", "trained", 1),
        ("gender_221", "trained", 4),
        ("xor_341", "trained", 1),
    ],
)
def test_train_is_one_fit_call_of_the_spec_epochs(monkeypatch, network, case, steps):
    """Every train() is one fit(epochs=spec.epochs) over the records in order, `steps`
    batches an epoch, however many epochs (no repeated records, no calls per chunk)."""
    calls = fit_calls(monkeypatch)
    spec = override(get_spec(network, case), epochs=30)
    if network == "admissions_logit":  # a bound met after 13 epochs: the callback stops fit()
        spec = replace(spec, gradient_bound=0.05)
    importlib.import_module(f"keras_impl.{network}").train(spec)
    assert [(c["epochs"], c["steps_per_epoch"], c["shuffle"]) for c in calls] == [
        (30, steps, False)
    ], f"{network} keras[{KERAS_BACKEND}]: fit() calls {calls}"


class StopTrainingError(Exception):
    pass


def test_a_trillion_epochs_start_at_once_in_bounded_memory(monkeypatch):
    """`--epochs 1000000000000`: fit(epochs=10**12) begins without anything growing with the
    epochs; stopped after three recorded losses, Python has allocated no more than for a short
    run."""
    recorded = []

    def stop_after_three(spec, history):
        recorded.append(history[-1])
        if len(recorded) == 3:
            raise StopTrainingError

    monkeypatch.setattr(reports, "check_finite", stop_after_three)
    spec = override(get_spec("gender_221", "trained"), epochs=10**12)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(StopTrainingError):
            keras_gender.train(spec)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    seconds = time.perf_counter() - started
    assert peak < 64e6, f"gender_221 keras[{KERAS_BACKEND}]: {peak / 1e6:.0f} MB allocated"
    assert seconds < 60, f"gender_221 keras[{KERAS_BACKEND}]: {seconds:.0f} s to the 3rd loss"
