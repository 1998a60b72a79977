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
from tests.conftest import default_effects, default_jax_effects

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


# optax's column (named "optax" here, not by the framework's name: `make test` selects JAX's
# column's tests by that name, and these run with the rest of this file)
OPTAX_AS_TORCH = ["adam_eps", "momentum_sign", "float32_hyperparameters", "fit_batches", "mse_half"]
# what each of optax's own defaults differs from: its cross-entropy from the logit is Keras'
# on tensorflow too (Keras reads the logit back from the sigmoid), not PyTorch's BCELoss
OPTAX_OWN = {"rmsprop_rho_eps": ("torch", "keras"), "bce_clamp": ("torch",)}
OPTAX_NONE = ["sgd_lr", "dense_init", "fit_loss"]


def test_every_entry_names_optax_and_is_sorted_into_one_kind():
    assert sorted([*OPTAX_AS_TORCH, *OPTAX_OWN, *OPTAX_NONE]) == sorted(KEYS)
    for entry in defaults.DEFAULTS:
        assert entry.jax and entry.jax_measured == (entry.key not in OPTAX_NONE), entry.key


@pytest.mark.parametrize("key", OPTAX_AS_TORCH)
def test_optax_default_that_is_torchs_measures_as_rounding(key):
    """optax's Adam, momentum, float64 hyperparameters, own loop and squared error are
    PyTorch's math: two independent implementations agree to rounding."""
    effect = default_jax_effects()[key]
    assert effect["torch"] < defaults.SAME, f"{key}: optax vs torch {effect['torch']:.3e}"


@pytest.mark.parametrize("key", OPTAX_OWN)
def test_optax_default_of_its_own_changes_the_outputs(key):
    """optax's RMSprop (decay 0.9, eps inside the root) is neither framework's; its
    cross-entropy from the logit (no clamp, no clip) is not PyTorch's."""
    effect = default_jax_effects()[key]
    for other in OPTAX_OWN[key]:
        assert effect[other] > 100 * defaults.SAME, f"{key}: optax vs {other} {effect[other]:.3e}"


def test_optax_has_no_default_learning_rate_or_initialisation():
    import optax

    assert all(default_jax_effects()[key] is None for key in OPTAX_NONE)
    with pytest.raises(TypeError):
        optax.sgd()  # learning_rate is a required argument


def test_json_lists_every_entry_with_its_effect(capsys, monkeypatch):
    monkeypatch.setattr(defaults, "measure", lambda entry: effects()[entry.key])
    monkeypatch.setattr(defaults, "measure_jax", lambda entry: default_jax_effects()[entry.key])
    backend = os.environ["KERAS_BACKEND"]  # set by tests/conftest.py
    assert cli.main(["defaults", "--json", "--keras-backend", backend]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["key"] for entry in listed] == KEYS
    for entry in listed:
        assert entry["effect"] == effects()[entry["key"]]
        assert {"what", "torch", "keras", "jax", "network", "epochs"} <= set(entry)
        assert entry["jax_effect"] == default_jax_effects()[entry["key"]]


def test_docs_page_is_the_generated_one():
    if os.environ["KERAS_BACKEND"] != "tensorflow":
        pytest.skip("docs/defaults.md is measured with Keras on tensorflow, its default")
    page = (ROOT / "docs" / "defaults.md").read_text()
    expected = defaults.to_markdown(effects(), "tensorflow", default_jax_effects())
    assert page == expected + "\n", (
        "docs/defaults.md is stale: run `rosetta defaults --markdown > docs/defaults.md`"
    )
