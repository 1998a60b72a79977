"""admissions in Keras: single_unit.py's sigmoid unit, trained on the admissions data.

Spec: `shared.specs.admissions`. The model, its loss E = 1/2 * mean((y - y_hat)^2) and its
gradient are single_unit's, imported from there; what is new is full-batch training.
Differs from numpy_impl:
- training is `model.compile` + `model.fit(epochs=spec.epochs)`, a batch of all the training
  records per step, the loss history from a callback.
"""

from collections.abc import Callable

import numpy as np

from keras_impl import optimizers
from keras_impl.backend import batches, keras, ops, to_numpy
from keras_impl.callbacks import LossHistory
from keras_impl.single_unit import batch, build_model, forward, gradients, half_mse, loss, mse
from shared import reports
from shared.specs import Params
from shared.specs.admissions import AdmissionsSpec

__all__ = ["epoch_step", "forward", "gradients", "loss", "run", "train"]


def train(spec: AdmissionsSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent; returns the final parameters and the training
    MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch (after its update)."""
    model = build_model(spec.w)
    X, y = batch(spec.X, spec.y)
    # lesson: compile with the spec's optimizer and the tutorial's loss E
    model.compile(optimizer=optimizers.make(spec), loss=half_mse)
    history = LossHistory(spec, mse, X, y, spec.loss_every)
    # lesson: fit for spec.epochs epochs, each one step on all the records, in order
    model.fit(batches(X, y, len(X)), epochs=spec.epochs, steps_per_epoch=1, shuffle=False,
              verbose=0, callbacks=[history])  # fmt: skip
    return {"w": to_numpy(model.layers[0].kernel).reshape(-1)}, history.history


def epoch_step(spec: AdmissionsSpec) -> Callable[[], keras.Variable]:
    """One full-batch epoch as a function to time (`rosetta bench`), returning Dense's kernel."""
    model = build_model(spec.w)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=spec.lr), loss=half_mse)
    # [keras] data converted to backend tensors once: fit() would copy a large X every epoch
    X, y = (ops.convert_to_tensor(array) for array in batch(spec.X, spec.y))

    def epoch() -> keras.Variable:
        # [keras] train_on_batch: one step on one batch, here the whole training set
        model.train_on_batch(X, y)
        return model.layers[0].kernel

    return epoch


def run(spec: AdmissionsSpec) -> dict[str, np.ndarray]:
    """Train, then report the tutorial's figures (shared.reports.admissions)."""
    return reports.admissions(spec, *train(spec), forward)
