"""Layer 1: every implementation reproduces the figures the tutorials print (NETWORKS.md)."""

import numpy as np
import pytest

from tests.conftest import FRAMEWORK_PACKAGES, quantities
from tests.golden import GOLDEN

CASES = [
    pytest.param(network, case, quantity, framework, id=f"{network}/{case}-{quantity}-{framework}")
    for (network, case), figures in GOLDEN.items()
    for quantity in figures
    for framework in FRAMEWORK_PACKAGES
]


@pytest.mark.parametrize(("network", "case", "quantity", "framework"), CASES)
def test_reproduces_tutorial_figure(network, case, quantity, framework):
    expected, bound = GOLDEN[(network, case)][quantity]
    got = quantities(network, case, framework)[quantity]
    assert got.shape == np.shape(expected), (
        f"{network}/{case} {framework} {quantity}: shape {got.shape}, expected {np.shape(expected)}"
    )
    diff = float(np.max(np.abs(got - np.asarray(expected))))
    assert diff <= bound, (
        f"{network}/{case} {framework} {quantity}: max |got - tutorial| = {diff:.3e} > {bound:.0e}"
    )
