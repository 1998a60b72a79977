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


# JAX's own witness, independent of the finite differences above: jax.test_util.check_grads
# compares reverse-mode derivatives with its own numerical differences (jitted: eager JAX
# compiles each operation by itself),
# on each network's jnp loss as jax_impl writes it (xor_341's returns a2 beside E):
# network -> (the module that defines it, its name)
JAX_LOSSES = {
    "single_unit": ("single_unit", "half_mse"),
    "backprop_321": ("backprop_321", "half_mse"),
    "gender_221": ("gender_221", "mse"),
    "admissions": ("single_unit", "half_mse"),
    "admissions_mlp": ("backprop_321", "half_mse"),
    "admissions_logit": ("admissions_logit", "cross_entropy"),
    "xor_341": ("xor_341", "half_sse"),
}


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize(
    ("network", "case"),
    [pair for pair in LOSS_CASES if pair[0] in JAX_LOSSES],
    ids=[i for pair, i in zip(LOSS_CASES, LOSS_CASE_IDS, strict=True) if pair[0] in JAX_LOSSES],
)
def test_jax_check_grads_witness(network, case, point):
    module, name = JAX_LOSSES[network]
    function = getattr(load_implementation("jax", module), name)
    import jax
    from jax.test_util import check_grads

    spec = get_spec(network, case)
    X, y = np.atleast_2d(spec.X), np.atleast_1d(spec.y)

    @jax.jit
    def scalar_loss(params):
        value = function(params, X, y)
        return value[0] if isinstance(value, tuple) else value

    # eps: the step of its differences; atol/rtol: its bound, as for float64 in JAX's tests
    check_grads(scalar_loss, (POINTS[point](spec),), order=1, modes=("rev",), eps=1e-4,
                atol=1e-5, rtol=1e-5)  # fmt: skip


def test_jax_check_grads_witness_can_fail():
    """check_grads catches a gradient off by a factor of 1 + 1e-3 (a custom derivative)."""
    pytest.importorskip("jax_impl")
    import jax
    from jax.test_util import check_grads

    @jax.custom_vjp
    def wrong(x):
        return x**2

    wrong.defvjp(lambda x: (x**2, x), lambda x, g: (2 * x * g * (1 + 1e-3),))
    with pytest.raises(AssertionError):
        check_grads(wrong, (np.array([0.7, -1.3]),), order=1, modes=("rev",))
