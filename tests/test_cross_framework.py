"""Layers 3 and 4: torch and Keras agree with NumPy on every quantity, one step and trained."""

import numpy as np
import pytest

from shared.checks import harness
from shared.specs import NETWORKS, get_spec, override, start_params
from tests.conftest import LOSS_CASES, OTHER_FRAMEWORKS, load_implementation, quantities

ROWS = [
    pytest.param(network, case, quantity, framework, id=f"{network}/{case}-{quantity}-{framework}")
    for network, entry in NETWORKS.items()
    for case, names in entry.quantities.items()
    for quantity in names
    for framework in OTHER_FRAMEWORKS
]


@pytest.mark.parametrize(("network", "case", "quantity", "framework"), ROWS)
def test_agrees_with_numpy(network, case, quantity, framework):
    got = quantities(network, case, framework)[quantity]
    expected = quantities(network, case, "numpy")[quantity]
    bound = harness.tolerance(get_spec(network, case), "float64")
    assert got.dtype == expected.dtype, (
        f"{network}/{case} {framework} {quantity}: dtype {got.dtype}, numpy {expected.dtype}"
    )
    assert got.shape == expected.shape, (
        f"{network}/{case} {framework} {quantity}: shape {got.shape}, numpy {expected.shape}"
    )
    diff = float(np.max(np.abs(got - expected), initial=0.0))
    assert diff <= bound, (
        f"{network}/{case} {framework} {quantity}: max |{framework} - numpy| = {diff:.3e} "
        f"> {bound:.0e}"
    )


GRADIENT_CASES = [
    pytest.param(network, case, framework, id=f"{network}/{case}-{framework}")
    for network, case in LOSS_CASES
    for framework in OTHER_FRAMEWORKS
]


@pytest.mark.parametrize(("network", "case", "framework"), GRADIENT_CASES)
def test_gradients_and_one_training_step_agree_with_numpy(network, case, framework):
    """At random weights, so agreement does not hang on the spec's particular start."""
    implementation = load_implementation(framework, network)
    reference = load_implementation("numpy", network)
    spec = get_spec(network, case)
    params = harness.random_params(spec, seed=1)
    got, expected = (
        implementation.gradients(params, spec.X, spec.y),
        reference.gradients(params, spec.X, spec.y),
    )
    for name in expected:
        diff = float(np.max(np.abs(got[name] - expected[name])))
        assert diff <= harness.ONE_STEP, (
            f"{network}/{case} {framework} gradient of {name}: max |diff| {diff:.3e} "
            f"> {harness.ONE_STEP:.0e}"
        )
    forward_diff = float(
        np.max(np.abs(implementation.forward(params, spec.X) - reference.forward(params, spec.X)))
    )
    assert forward_diff <= harness.ONE_STEP, (
        f"{network}/{case} {framework} forward: {forward_diff:.3e}"
    )


@pytest.mark.parametrize("framework", OTHER_FRAMEWORKS)
@pytest.mark.parametrize("network", ["gender_221", "admissions"])
def test_training_is_deterministic_and_leaves_the_spec_alone(network, framework):
    """Two trainings in one process give identical weights (the same kernels, the same
    order of operations), and the spec's start is not overwritten.

    Fifty epochs are as good a witness as the full run, at a twentieth of the cost."""
    implementation = load_implementation(framework, network)
    spec = override(get_spec(network, "trained"), epochs=50)
    start = {name: value.copy() for name, value in start_params(spec).items()}
    first, history_first = implementation.train(spec)
    second, history_second = implementation.train(spec)
    for name in first:
        assert np.array_equal(first[name], second[name]), f"{network} {framework} {name} differs"
        assert np.array_equal(getattr(spec, name), start[name]), f"{network} spec.{name} changed"
    assert history_first == history_second


OVERRIDES = {
    "xor_341-seed-7": ("xor_341", "trained", {"seed": 7, "epochs": 300}),
    "admissions_mlp-seed-3-lr-0.5": (
        "admissions_mlp",
        "trained",
        {"seed": 3, "lr": 0.5, "epochs": 270},
    ),
    "gender_221-seed-11": ("gender_221", "trained", {"seed": 11, "epochs": 100}),
    # above 2 / L (5.83) the gradient's norm may rise: Keras checks every epoch (converges in 80)
    "admissions_logit-lr-6": ("admissions_logit", "trained", {"lr": 6.0}),
}


@pytest.mark.parametrize("framework", OTHER_FRAMEWORKS)
@pytest.mark.parametrize("case", OVERRIDES)
def test_seed_lr_and_epochs_are_read_the_same_by_every_framework(case, framework):
    network, name, overrides = OVERRIDES[case]
    got = quantities(network, name, framework, **overrides)
    expected = quantities(network, name, "numpy", **overrides)
    default = quantities(network, name, "numpy")
    assert any(not np.array_equal(expected[q], default[q]) for q in expected), "no change"
    for quantity, value in expected.items():
        diff = float(np.max(np.abs(got[quantity] - value), initial=0.0))
        assert diff <= harness.TRAINING, (
            f"{network}/{name} {overrides} {framework} {quantity}: {diff:.3e} > {harness.TRAINING}"
        )


@pytest.mark.parametrize("framework", ["numpy", *OTHER_FRAMEWORKS])
def test_bench_epoch_is_one_training_epoch(framework):
    """What `rosetta bench` times is one full-batch epoch: three calls of epoch_step make
    the weights of a three-epoch training."""
    implementation = load_implementation(framework, "admissions")
    spec = override(get_spec("admissions", "trained"), epochs=3)
    epoch = implementation.epoch_step(spec)
    for _ in range(3):
        weights = epoch()
    if hasattr(weights, "detach"):  # a torch parameter
        weights = weights.detach()
    weights = np.asarray(weights.numpy() if hasattr(weights, "numpy") else weights).reshape(-1)
    expected = load_implementation("numpy", "admissions").train(spec)[0]["w"]
    diff = float(np.max(np.abs(weights - expected)))
    assert diff <= harness.TRAINING, f"admissions epoch_step {framework}: weights {diff:.3e}"
