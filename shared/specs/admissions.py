"""admissions: one sigmoid unit on the admissions data; its data loading and starting
weights are also admissions_mlp's and admissions_logit's."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs import MEAN_SQUARES_HALF, admissions_data
from shared.specs.optimizers import EPS

ACCURACY = ("test_accuracy", "train_mse")
NETWORK = (
    "admissions",
    "one sigmoid unit on the admissions data, full-batch gradient descent",
    {"trained": ("initial_weights", "loss_history", "final_weights", *ACCURACY)},
)


@dataclass(frozen=True)
class AdmissionsSpec:
    """One sigmoid unit, no bias, full-batch gradient descent on the admissions data."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("w",)
    network: str
    case: str
    X: np.ndarray  # (n_train, 6)
    y: np.ndarray  # (n_train,)
    w: np.ndarray  # (6,)
    lr: float
    epochs: int
    loss_every: int
    X_test: np.ndarray
    y_test: np.ndarray
    loss: str = MEAN_SQUARES_HALF
    update_rule: str = "w += lr * mean_over_records(error_term * x)"
    optimizer: str = "sgd"  # one of OPTIMIZERS (`--optimizer`), with its eps (`--eps`)
    eps: float = EPS


@lru_cache(maxsize=8)
def load_data(split: float | None, data: str | None) -> admissions_data.AdmissionsData:
    return admissions_data.load(split, data)


def start_weights(n_features: int, seed: int) -> np.ndarray:
    """The admissions tutorial's start: np.random.seed(42), normal with scale 1/sqrt(n)."""
    np.random.seed(seed)
    return np.random.normal(scale=1 / n_features**0.5, size=n_features)


def build_spec(case: str, split: float | None, seed: int, data: str | None) -> AdmissionsSpec:
    data = load_data(split, data)
    w = start_weights(data.X_train.shape[1], seed)
    return AdmissionsSpec(
        network="admissions",
        case=case,
        X=data.X_train,
        y=data.y_train,
        w=readonly(w),
        lr=0.5,
        epochs=1000,
        loss_every=100,
        X_test=data.X_test,
        y_test=data.y_test,
    )
