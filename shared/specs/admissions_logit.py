"""admissions_logit: logistic regression on the admissions data, trained to convergence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs import CROSS_ENTROPY
from shared.specs.admissions import load_data, start_weights
from shared.specs.optimizers import EPS

NETWORK = (
    "admissions_logit",
    "logistic regression: a sigmoid unit with bias, cross-entropy, to convergence",
    {"trained": ("final_weights", "bias", "loss_history", "epochs_run", "test_accuracy")},
)


@dataclass(frozen=True)
class LogitSpec:
    """One sigmoid unit *with* a bias on the admissions data, cross-entropy, full-batch
    gradient descent until the gradient's norm is below `gradient_bound`: logistic
    regression. `epochs` is the most it may take."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("w", "b")
    network: str
    case: str
    X: np.ndarray  # (n_train, 6)
    y: np.ndarray  # (n_train,)
    w: np.ndarray  # (6,)
    b: np.ndarray  # ()
    lr: float
    epochs: int
    gradient_bound: float
    X_test: np.ndarray
    y_test: np.ndarray
    loss_every: int = 50
    loss: str = CROSS_ENTROPY
    update_rule: str = "w -= lr * dJ/dw, b -= lr * dJ/db, while |(dJ/dw, dJ/db)| >= bound"
    optimizer: str = "sgd"  # one of OPTIMIZERS (`--optimizer`), with its eps (`--eps`)
    eps: float = EPS


def build_spec(case: str, split: float | None, seed: int, data: str | None) -> LogitSpec:
    data = load_data(split, data)
    return LogitSpec(
        network="admissions_logit",
        case=case,
        X=data.X_train,
        y=data.y_train,
        # the admissions start, and a bias that starts at 0
        w=readonly(start_weights(data.X_train.shape[1], seed)),
        b=readonly(0.0),
        lr=0.5,
        # 360 rows converge in about 1000 epochs; the cap only stops a run that never would
        epochs=5000,
        # |gradient| < 1e-8 puts every predicted probability within ~1e-7 of the
        # maximum-likelihood fit (measured: 8e-8 against statsmodels on the 360 rows)
        gradient_bound=1e-8,
        X_test=data.X_test,
        y_test=data.y_test,
    )
