"""Layer 1: every implementation reproduces the figures the tutorials print (NETWORKS.md)."""

from functools import cache

import numpy as np
import pytest

from shared.harness import run_quantities
from tests.conftest import FRAMEWORK_PACKAGES, load_implementation
from tests.golden import GOLDEN

CASES = [
    pytest.param(network, case, quantity, framework, id=f"{network}/{case}-{quantity}-{framework}")
    for (network, case), figures in GOLDEN.items()
    for quantity in figures
    for framework in FRAMEWORK_PACKAGES
]


@cache
def _quantities(network: str, case: str, framework: str) -> dict[str, np.ndarray]:
    load_implementation(framework, network)
    return run_quantities(network, case, framework)


@pytest.mark.parametrize(("network", "case", "quantity", "framework"), CASES)
def test_reproduces_tutorial_figure(network, case, quantity, framework):
    expected, bound = GOLDEN[(network, case)][quantity]
    got = _quantities(network, case, framework)[quantity]
    assert got.shape == np.shape(expected), (
        f"{network}/{case} {framework} {quantity}: shape {got.shape}, expected {np.shape(expected)}"
    )
    diff = float(np.max(np.abs(got - np.asarray(expected))))
    assert diff <= bound, (
        f"{network}/{case} {framework} {quantity}: max |got - tutorial| = {diff:.3e} > {bound:.0e}"
    )
