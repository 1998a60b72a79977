"""The loss history every Keras train() records: a keras.callbacks.Callback."""

from collections.abc import Callable

from keras_impl.backend import keras, to_numpy
from shared import reports
from shared.specs import Spec


class LossHistory(keras.callbacks.Callback):
    """`loss(y, model(X))` after epochs 0, every, 2 * every, ... (after that epoch's updates),
    as numpy_impl records it, each checked by shared.reports.check_finite; every=0: none.
    [keras] Not fit()'s history.history["loss"]: each epoch's mean of its batch losses, each
    before its step's update (`rosetta defaults`: fit_loss)."""

    def __init__(self, spec: Spec, loss: Callable, X: object, y: object, every: int) -> None:
        super().__init__()
        self.spec, self.loss, self.X, self.y, self.every, self.history = spec, loss, X, y, every, []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.every and epoch % self.every == 0:
            self.history.append(float(to_numpy(self.loss(self.y, self.model(self.X)))))
            reports.check_finite(self.spec, self.history)
