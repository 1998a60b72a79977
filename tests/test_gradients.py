"""Layer 2: every implementation's gradients against finite differences of its own loss."""

import types

import numpy as np
import pytest

from shared.checks.harness import (
    FINITE_DIFFERENCE_RELATIVE,
    gradient_check,
    random_params,
)
from shared.specs import get_spec, start_params
from tests.conftest import FRAMEWORK_PACKAGES, LOSS_CASE_IDS, LOSS_CASES, load_implementation

POINTS = {"spec_weights": start_params, "random_weights": random_params}


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
@pytest.mark.parametrize(("network", "case"), LOSS_CASES, ids=LOSS_CASE_IDS)
def test_gradients_match_finite_differences(network, case, framework, point):
    implementation = load_implementation(framework, network)
    spec = get_spec(network, case)
    errors = gradient_check(implementation, POINTS[point](spec), spec.X, spec.y)
    worst = max(errors, key=errors.get)
    assert errors[worst] <= FINITE_DIFFERENCE_RELATIVE, (
        f"{network}/{case} {framework} at {point}: gradient of {worst} differs from finite "
        f"differences by relative {errors[worst]:.3e} > {FINITE_DIFFERENCE_RELATIVE:.0e}"
    )


def test_gradient_check_catches_a_wrong_gradient():
    """The check can fail: a gradient off by a factor of 1 + 1e-6 is caught."""
    from numpy_impl import single_unit

    wrong = types.SimpleNamespace(
        loss=single_unit.loss,
        gradients=lambda p, X, y: {"w": single_unit.gradients(p, X, y)["w"] * (1 + 1e-6)},
    )
    spec = get_spec("single_unit", "example")
    assert (
        gradient_check(wrong, start_params(spec), spec.X, spec.y)["w"] > FINITE_DIFFERENCE_RELATIVE
    )


def test_gradient_check_catches_the_missing_factor_two():
    """gender_221 descends (y - y_hat)^2, with no 1/2: half its gradient is caught."""
    from numpy_impl import gender_221

    halved = types.SimpleNamespace(
        loss=gender_221.loss,
        gradients=lambda p, X, y: {k: g / 2 for k, g in gender_221.gradients(p, X, y).items()},
    )
    spec = get_spec("gender_221", "worked_example")
    errors = gradient_check(halved, start_params(spec), spec.X, spec.y)
    assert min(errors.values()) == pytest.approx(0.5)


def test_random_weights_differ_from_the_spec():
    spec = get_spec("admissions_mlp", "trained")
    assert not np.allclose(random_params(spec)["W_input_hidden"], spec.W_input_hidden)
