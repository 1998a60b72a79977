"""Shared test tables: which frameworks to test and how to load an implementation.

Keras runs on the backend KERAS_BACKEND names (default tensorflow); `make test` runs the
Keras tests once more on torch and on jax, each in its own pytest process.
"""

import functools
import gc
import importlib
import os
import sys
import weakref
from functools import cache
from types import ModuleType

import numpy as np
import pytest

KERAS_BACKEND = os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from shared.checks.harness import run_quantities  # noqa: E402
from shared.specs import DEFAULT_SPLIT, NETWORKS, get_spec  # noqa: E402

# Framework as the tests name it -> (framework, module that must import, implementation package)
FRAMEWORKS = {
    "numpy": ("numpy", "numpy", "numpy_impl"),
    "torch": ("torch", "torch", "torch_impl"),
    # keras_impl.backend, not keras: it must set float64 up before keras is first imported
    f"keras[{KERAS_BACKEND}]": ("keras", "keras_impl.backend", "keras_impl"),
    # jax_impl, not jax: it turns 64-bit floats on before jax is first imported
    "jax": ("jax", "jax_impl", "jax_impl"),
}
FRAMEWORK_PACKAGES = list(FRAMEWORKS)  # test ids
OTHER_FRAMEWORKS = [f for f in FRAMEWORKS if f != "numpy"]

NETWORK_CASES = [(network, case) for network in NETWORKS for case in NETWORKS[network].cases]
NETWORK_CASE_IDS = ["/".join(pair) for pair in NETWORK_CASES]
# the cases with a loss to differentiate (forward_432 is a forward pass only)
LOSS_CASES = [pair for pair in NETWORK_CASES if get_spec(*pair).loss]
LOSS_CASE_IDS = ["/".join(pair) for pair in LOSS_CASES]


def load_implementation(framework: str, network: str) -> ModuleType:
    """The implementation module, skipping the test if the framework is not installed."""
    _, module, package = FRAMEWORKS[framework]
    pytest.importorskip(module, reason=f"{framework} is not installed; see `rosetta list`")
    return importlib.import_module(f"{package}.{network}")


@cache
def quantities(
    network: str, case: str, framework: str, split: float | None = DEFAULT_SPLIT, **overrides
) -> dict[str, np.ndarray]:
    """`run` of one network/case in one framework, computed once per test session."""
    load_implementation(framework, network)
    return run_quantities(network, case, FRAMEWORKS[framework][0], split=split, **overrides)


@cache
def default_effects() -> dict[str, float]:
    """`rosetta defaults`' measured effects, once per test session (seconds per entry)."""
    pytest.importorskip("torch", reason="rosetta defaults needs PyTorch")
    pytest.importorskip("keras_impl.backend", reason="rosetta defaults needs Keras")
    from shared.checks import defaults

    return defaults.measure_all()


@cache
def default_jax_effects() -> dict:
    """optax's column of `rosetta defaults`, once per test session (reuses default_effects')."""
    pytest.importorskip("jax_impl", reason="optax's column needs JAX")
    default_effects()
    from shared.checks import defaults

    return defaults.measure_all_jax()


# Keras on tensorflow feeds fit() through tf.data. A fit that stops early (a callback's
# stop_training, an exception, Ctrl-C) leaves its tf.data iterator in a reference cycle, so a
# later full garbage collection destroys it. TensorFlow then sometimes waits for the iterator's
# autotuning thread to wake by itself, and that thread sleeps for longer the older it is (up to
# 60 s): whole `make test` runs stalled 10-75 s that way. So the iterators are collected right
# after the test that left them, while they are young; the code under test runs unchanged.
_tf_iterators: weakref.WeakSet = weakref.WeakSet()


def _watch_tf_iterators() -> bool:
    """Record every tf.data iterator made from now on; False until TensorFlow is imported."""
    iterator_ops = sys.modules.get("tensorflow.python.data.ops.iterator_ops")
    if iterator_ops is None:
        return False
    init = iterator_ops.OwnedIterator.__init__
    if not hasattr(init, "__wrapped__"):

        @functools.wraps(init)
        def recorded(self, *args, **kwargs) -> None:
            init(self, *args, **kwargs)
            _tf_iterators.add(self)

        iterator_ops.OwnedIterator.__init__ = recorded
    return True


def pytest_collection_finish(session: pytest.Session) -> None:
    # What collection loaded (the frameworks, the test modules) stays to the end: frozen, the
    # full collections (Python's own, and those above) no longer walk it each time.
    gc.collect()
    gc.freeze()
    _watch_tf_iterators()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _watch_tf_iterators() and _tf_iterators:
        gc.collect()
        _tf_iterators.clear()  # any still alive are in use, not garbage
