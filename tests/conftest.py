"""Shared test tables: which frameworks to test and how to load an implementation."""

import importlib
from types import ModuleType

import pytest

from shared.specs import NETWORKS

# Framework name -> (module that must import, package of its implementations).
FRAMEWORK_PACKAGES = {"numpy": ("numpy", "numpy_impl")}

NETWORK_CASES = [(network, case) for network in NETWORKS for case in NETWORKS[network].cases]


NETWORK_CASE_IDS = ["/".join(pair) for pair in NETWORK_CASES]


def load_implementation(framework: str, network: str) -> ModuleType:
    """The implementation module, skipping the test if the framework is not installed."""
    module, package = FRAMEWORK_PACKAGES[framework]
    pytest.importorskip(module, reason=f"{framework} is not installed")
    return importlib.import_module(f"{package}.{network}")
