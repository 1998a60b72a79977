"""`rosetta defaults`: every entry measured, the formulas' equivalences and differences shown,
one effect recomputed from the NumPy reference, docs/defaults.md fresh.

Measured once per session with Keras on the backend this process runs (the ids carry no
"keras": `make test` runs this file once, on tensorflow)."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

from shared import cli
from shared.checks import defaults
from shared.specs import override
from tests.conftest import default_effects

ROOT = Path(__file__).resolve().parent.parent
KEYS = [entry.key for entry in defaults.DEFAULTS]


def effects() -> dict[str, float]:
    return default_effects()


def test_at_least_eight_entries_each_with_both_frameworks():
    assert len(defaults.DEFAULTS) >= 8 and len(set(KEYS)) == len(KEYS)
    for entry in defaults.DEFAULTS:
        assert entry.torch and entry.keras and entry.network, entry.key


SAME_MATH = ["momentum_sign", "mse_half"]
# Keras casts a Python-float momentum through float32 on tensorflow alone
BACKEND_SPECIFIC = {"float32_hyperparameters": "tensorflow"}


@pytest.mark.parametrize("key", SAME_MATH)
def test_same_math_under_two_conventions_measures_as_rounding(key):
    assert effects()[key] < defaults.SAME, f"{key}: {effects()[key]:.3e}"


@pytest.mark.parametrize("key", [k for k in KEYS if k not in SAME_MATH])
def test_a_different_default_changes_the_trained_outputs(key):
    backend = BACKEND_SPECIFIC.get(key, os.environ["KERAS_BACKEND"])
    if backend != os.environ["KERAS_BACKEND"]:
        assert effects()[key] < defaults.SAME, f"{key}: {effects()[key]:.3e}"
    else:
        assert effects()[key] > 100 * defaults.SAME, f"{key}: only {effects()[key]:.3e}"


def test_sgd_default_lr_effect_recomputed_with_numpy():
    """torch lr 0.001 and Keras lr 0.01 on a loss without the 1/2 are the NumPy reference's
    gradient descent on the tutorial's 1/2 E at twice those rates."""
    from numpy_impl import backprop_321

    spec = override(defaults.spec_for("sgd_lr"), epochs=defaults.EPOCHS)
    y_hat = [
        backprop_321.forward(backprop_321.train(override(spec, lr=2 * lr))[0], spec.X)
        for lr in (0.001, 0.01)
    ]
    expected = float(np.max(np.abs(y_hat[0] - y_hat[1])))
    assert abs(effects()["sgd_lr"] - expected) <= 1e-12, (
        f"sgd_lr: measured {effects()['sgd_lr']!r}, NumPy {expected!r}"
    )


def test_fit_loss_effect_is_one_epoch_more_recomputed_with_numpy():
    """A callback stopping once Keras' logs["loss"] (the loss before each epoch's update)
    reaches the loss after EPOCHS epochs stops after EPOCHS + 1: the NumPy reference's
    y_hat after EPOCHS and EPOCHS + 1 full-batch epochs (at twice the lr: "mse" has no 1/2)."""
    from numpy_impl import backprop_321

    spec = defaults.spec_for("fit_loss")
    y_hat = [
        backprop_321.forward(
            backprop_321.train(override(spec, epochs=e, lr=2 * spec.lr))[0], spec.X
        )
        for e in (defaults.EPOCHS, defaults.EPOCHS + 1)
    ]
    expected = float(np.max(np.abs(y_hat[0] - y_hat[1])))
    assert abs(effects()["fit_loss"] - expected) <= 1e-12, (
        f"fit_loss: measured {effects()['fit_loss']!r}, NumPy {expected!r}"
    )


def test_json_lists_every_entry_with_its_effect(capsys, monkeypatch):
    monkeypatch.setattr(defaults, "measure", lambda entry: effects()[entry.key])
    backend = os.environ["KERAS_BACKEND"]  # set by tests/conftest.py
    assert cli.main(["defaults", "--json", "--keras-backend", backend]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["key"] for entry in listed] == KEYS
    for entry in listed:
        assert entry["effect"] == effects()[entry["key"]]
        assert {"what", "torch", "keras", "network", "epochs"} <= set(entry)


def test_docs_page_is_the_generated_one():
    if os.environ["KERAS_BACKEND"] != "tensorflow":
        pytest.skip("docs/defaults.md is measured with Keras on tensorflow, its default")
    page = (ROOT / "docs" / "defaults.md").read_text()
    assert page == defaults.to_markdown(effects(), "tensorflow") + "\n", (
        "docs/defaults.md is stale: run `rosetta defaults --markdown > docs/defaults.md`"
    )
