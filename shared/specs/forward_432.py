"""forward_432: one forward pass through a 4-3-2 network, from the lesson's random draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly

NETWORK = (
    "forward_432",
    "a forward pass through a 4-3-2 network",
    {"forward": ("hidden", "output")},
)


@dataclass(frozen=True)
class Forward432Spec:
    """A forward pass only, 4-3-2, sigmoid layers, no biases and no target."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("W_input_hidden", "W_hidden_output")
    network: str
    case: str
    X: np.ndarray  # (4,) one record
    y: np.ndarray  # (0,) no target
    W_input_hidden: np.ndarray  # (4, 3)
    W_hidden_output: np.ndarray  # (3, 2)
    lr: float = 0.0
    epochs: int = 1
    loss: str = ""  # forward only
    update_rule: str = ""


def build_spec(case: str, seed: int) -> Forward432Spec:
    np.random.seed(seed)  # the lesson's draws, in its order: X, then W1, then W2
    X = np.random.randn(4)
    W_input_hidden = np.random.normal(0, 0.1, size=(4, 3))
    W_hidden_output = np.random.normal(0, 0.1, size=(3, 2))
    return Forward432Spec(
        network="forward_432",
        case=case,
        X=readonly(X),
        y=readonly(np.empty(0)),
        W_input_hidden=readonly(W_input_hidden),
        W_hidden_output=readonly(W_hidden_output),
    )
