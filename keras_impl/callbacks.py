"""What the Keras train() functions share: the loss-history callback, and how many epochs of
repeated records one fit() call takes.

[keras] fit() costs ~40 ms per epoch on TensorFlow before any arithmetic (the tutorials' 1000
epochs: 40 s). The records repeated for many epochs, in order, are one long fit() epoch with
the same steps: each train() hands fit() the repeated data, at most MAX_ROWS_PER_FIT rows a
call, so that memory stays bounded for any number of epochs.
"""

from collections.abc import Callable, Iterator

import numpy as np

from keras_impl.backend import keras, ops, to_numpy
from shared import reports
from shared.specs import Spec

MAX_ROWS_PER_FIT = 2**19  # 24 MB of admissions rows


def repeats_per_fit(epochs: int, n_records: int) -> Iterator[int]:
    """How many times each fit() call repeats the records: `epochs` in all, at most
    MAX_ROWS_PER_FIT rows a call (but at least one epoch, however many records)."""
    most = max(1, MAX_ROWS_PER_FIT // n_records)
    for done in range(0, epochs, most):  # a range: nothing grows with `epochs`
        yield min(most, epochs - done)


class LossHistory(keras.callbacks.Callback):
    """`loss(y, model(X))` after epochs 0, every, 2 * every, ... (after that epoch's update),
    as numpy_impl records it, each checked by shared.reports.check_finite.

    Epochs are counted in optimizer steps, `steps_per_epoch` to an epoch: fit() sees many
    repeated epochs as one, and `every` = 0 records nothing."""

    def __init__(
        self, spec: Spec, loss: Callable, X: np.ndarray, y: np.ndarray, every: int,
        steps_per_epoch: int = 1,
    ) -> None:  # fmt: skip
        super().__init__()
        self.spec, self.loss, self.X, self.y = spec, loss, X, y
        self.every, self.steps_per_epoch, self.history = every, steps_per_epoch, []

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        # [keras] the optimizer counts its steps, across fit() calls (an int64: not to_numpy)
        steps = int(ops.convert_to_numpy(self.model.optimizer.iterations))
        epoch, step = divmod(steps - 1, self.steps_per_epoch)  # the epoch this step ends, from 0
        if self.every and step == self.steps_per_epoch - 1 and epoch % self.every == 0:
            self.history.append(float(to_numpy(self.loss(self.y, self.model(self.X)))))
            reports.check_finite(self.spec, self.history)
