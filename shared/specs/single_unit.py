"""single_unit: one sigmoid unit, no bias, one gradient-descent step (two cases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs import SUM_SQUARES_HALF

NETWORK = (
    "single_unit",
    "one sigmoid unit, one gradient-descent step",
    dict.fromkeys(("example", "quiz"), ("output", "error", "error_term", "del_w", "grad_w")),
)


@dataclass(frozen=True)
class SingleUnitSpec:
    """One sigmoid unit, no bias, one gradient-descent step: y_hat = sigmoid(X @ w)."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("w",)
    network: str
    case: str
    X: np.ndarray  # (n_in,) one record
    y: np.ndarray  # () target
    w: np.ndarray  # (n_in,)
    lr: float
    epochs: int = 1
    loss: str = SUM_SQUARES_HALF
    update_rule: str = "w += lr * error_term * X,  error_term = (y - y_hat) * y_hat * (1 - y_hat)"


def build_spec(case: str) -> SingleUnitSpec:
    if case == "example":
        x, y, w = [0.1, 0.3], 0.2, [-0.8, 0.5]
    else:  # quiz; the tutorial's `np.array([1, 2. 3, 4])` is a typo for [1, 2, 3, 4]
        x, y, w = [1, 2, 3, 4], 0.5, [0.5, -0.5, 0.3, 0.1]
    return SingleUnitSpec(
        network="single_unit", case=case, X=readonly(x), y=readonly(y), w=readonly(w), lr=0.5
    )
