"""The tests' own guard against a TensorFlow stall (tests/conftest.py): this module's name
leaves it out of `make test`'s Keras runs on torch and jax, where tf.data feeds nothing."""

import gc

import pytest

from shared.specs import get_spec, override
from tests import conftest
from tests.conftest import KERAS_BACKEND

pytest.importorskip("keras", reason="keras is not installed; see `rosetta list`")

from keras_impl import admissions_logit as keras_logit


@pytest.mark.skipif(KERAS_BACKEND != "tensorflow", reason="tf.data feeds fit() on tensorflow")
def test_the_iterator_of_a_fit_stopped_early_is_collected_after_its_test():
    """tests/conftest.py: the tf.data iterator that a stopped fit leaves in a reference cycle
    is recorded, and collected at the test's end (later, TensorFlow could wait 60 s on it)."""
    conftest._tf_iterators.clear()
    gc.disable()  # no collection before the hook's own
    try:
        keras_logit.train(override(get_spec("admissions_logit", "trained"), lr=6.0))
        left = len(conftest._tf_iterators)
        conftest.pytest_runtest_teardown(None)
    finally:
        gc.enable()
    assert left >= 1, "conftest no longer sees tf.data's iterators (OwnedIterator changed?)"
    assert not conftest._tf_iterators, "the teardown hook left a stopped fit's iterator alive"
