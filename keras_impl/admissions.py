"""admissions in Keras: single_unit.py's sigmoid unit, trained on the admissions data.

Spec: `shared.specs.admissions`. The model, its loss E = 1/2 * mean((y - y_hat)^2) and its
gradient are single_unit's, imported from there; what is new is full-batch training.
Differs from numpy_impl:
- training is `model.compile` + `model.fit` with keras.optimizers.SGD, one batch of all
  the training records per step, many epochs per fit() call; the loss history comes from
  a callback.
- `--optimizer` is keras_impl/optimizers.py's keras.optimizers.* in `compile`.
"""

from collections.abc import Callable

import numpy as np

from keras_impl import optimizers
from keras_impl.backend import keras, ops, to_numpy
from keras_impl.callbacks import LossHistory, repeats_per_fit
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
    model.compile(optimizer=optimizers.make(spec), loss=half_mse)
    history = LossHistory(spec, mse, X, y, spec.loss_every)
    # [keras] many epochs of repeated records per fit() call (keras_impl/callbacks.py)
    for repeats in repeats_per_fit(spec.epochs, len(X)):
        # [keras] fit() shuffles by default: shuffle=False keeps the records' order
        X_repeated, y_repeated = np.tile(X, (repeats, 1)), np.tile(y, (repeats, 1))
        model.fit(X_repeated, y_repeated, batch_size=len(X), shuffle=False, verbose=0,
                  callbacks=[history])  # fmt: skip
    return {"w": to_numpy(model.layers[0].kernel).reshape(-1)}, history.history


def epoch_step(spec: AdmissionsSpec) -> Callable[[], keras.Variable]:
    """One full-batch epoch as a function to time (`rosetta bench`); set-up happens here.
    Each call returns the weights it updated (Dense's kernel, shape (n_in, 1))."""
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
