"""The tests' own guard against a TensorFlow stall (tests/conftest.py): this module's name
leaves it out of `make test`'s Keras runs on torch and jax, where tf.data feeds nothing."""

import gc

import numpy as np
import pytest

from shared.specs import get_spec, override
from tests import conftest
from tests.conftest import KERAS_BACKEND

pytest.importorskip("keras", reason="keras is not installed; see `rosetta list`")

from keras_impl import admissions_logit as keras_logit
from keras_impl.backend import batches, keras, use_dtype

pytestmark = pytest.mark.skipif(
    KERAS_BACKEND != "tensorflow", reason="tf.data feeds fit() on tensorflow"
)


class StepInterruptedError(Exception):
    pass


class InterruptedInAnEpoch(keras.callbacks.Callback):
    """Stops fit() inside its second epoch, as Ctrl-C during a step does."""

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if batch == 1:
            raise StepInterruptedError


def test_the_iterator_of_a_fit_stopped_inside_an_epoch_is_collected_after_its_test():
    """tests/conftest.py: the tf.data iterator that a fit stopped inside an epoch leaves in a
    reference cycle is recorded, and collected at the test's end (later, TensorFlow could wait
    60 s on it)."""
    use_dtype("float64")
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    conftest._tf_iterators.clear()
    gc.disable()  # no collection before the hook's own
    try:
        with pytest.raises(StepInterruptedError):
            model.fit(batches(np.ones((4, 2)), np.ones((4, 1)), 1), epochs=3, steps_per_epoch=4,
                      shuffle=False, verbose=0, callbacks=[InterruptedInAnEpoch()])  # fmt: skip
        left = len(conftest._tf_iterators)
        conftest.pytest_runtest_teardown(None)
    finally:
        gc.enable()
    assert left >= 1, "conftest no longer sees tf.data's iterators (OwnedIterator changed?)"
    assert not conftest._tf_iterators, "the teardown hook left a stopped fit's iterator alive"


def test_the_logit_stopped_at_an_epoch_end_leaves_no_iterator():
    """stop_training from on_epoch_end ends fit() between epochs: its iterator is freed at
    once, without a collection."""
    conftest._tf_iterators.clear()
    gc.disable()
    try:
        keras_logit.train(override(get_spec("admissions_logit", "trained"), lr=6.0))
        left = len(conftest._tf_iterators)
    finally:
        gc.enable()
    assert left == 0, f"the logit's stopped fit left {left} tf.data iterators"
