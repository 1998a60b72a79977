"""gender_221: a 2-2-1 classifier with biases, per-sample SGD, and the tutorial's names of
its nine parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs import MEAN_SQUARES, Params
from shared.specs.optimizers import EPS

# The tutorial's names of the nine parameters, and where each sits in the layers.
GENDER_PARAMETERS: dict[str, tuple[str, tuple[int, ...]]] = {
    "w1": ("W_input_hidden", (0, 0)),
    "w2": ("W_input_hidden", (1, 0)),
    "w3": ("W_input_hidden", (0, 1)),
    "w4": ("W_input_hidden", (1, 1)),
    "w5": ("w_hidden_output", (0,)),
    "w6": ("w_hidden_output", (1,)),
    "b1": ("b_hidden", (0,)),
    "b2": ("b_hidden", (1,)),
    "b3": ("b_output", ()),
}

NETWORK = (
    "gender_221",
    "2-2-1 classifier with biases, per-sample SGD",
    {
        "worked_example": (
            "h1",
            "h2",
            "o1",
            "dL_dw1",
            *tuple(f"grad_{p}" for p in GENDER_PARAMETERS),
        ),
        "trained": (
            "loss_history",
            *tuple(f"final_{p}" for p in GENDER_PARAMETERS),
            "emily",
            "frank",
        ),
    },
)


@dataclass(frozen=True)
class Gender221Spec:
    """2-2-1 classifier with biases, per-sample SGD on (y - y_hat)^2.

    The tutorial names its nine parameters w1..w6, b1..b3; in layers:
    W_input_hidden = [[w1, w3], [w2, w4]], b_hidden = [b1, b2],
    w_hidden_output = [w5, w6], b_output = b3.
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = (
        "W_input_hidden",
        "b_hidden",
        "w_hidden_output",
        "b_output",
    )
    network: str
    case: str
    X: np.ndarray  # (2,) one record (worked_example) or (4, 2) the training set
    y: np.ndarray  # () or (4,)
    W_input_hidden: np.ndarray  # (2, 2)
    b_hidden: np.ndarray  # (2,)
    w_hidden_output: np.ndarray  # (2,)
    b_output: np.ndarray  # ()
    lr: float
    epochs: int
    loss_every: int
    names: tuple[str, ...] = ()  # who each row of X is
    X_new: np.ndarray = field(default_factory=lambda: readonly(np.empty((0, 2))))
    names_new: tuple[str, ...] = ()
    loss: str = MEAN_SQUARES
    update_rule: str = "for each record in order: p -= lr * dL/dp for all nine parameters"
    optimizer: str = "sgd"  # one of OPTIMIZERS (`--optimizer`), with its eps (`--eps`)
    eps: float = EPS
    activation: str = "sigmoid"  # of the hidden layers, one of ACTIVATIONS (`--activation`)


def gender_by_tutorial_name(params: Params) -> dict[str, float]:
    """gender_221's layered parameters under the tutorial's names w1..w6, b1..b3."""
    return {name: float(params[layer][index]) for name, (layer, index) in GENDER_PARAMETERS.items()}


def gender_layers(values: dict[str, float]) -> Params:
    """The inverse of gender_by_tutorial_name: nine named values into the four layers."""
    params = {
        "W_input_hidden": np.zeros((2, 2)),
        "b_hidden": np.zeros(2),
        "w_hidden_output": np.zeros(2),
        "b_output": np.zeros(()),
    }
    for name, (layer, index) in GENDER_PARAMETERS.items():
        params[layer][index] = values[name]
    return params


GENDER_X = [[-2, -1], [25, 6], [17, 4], [-15, -6]]  # (weight - 135 lb, height - 66 in)
GENDER_Y = [1, 0, 0, 1]  # 1 = female
GENDER_NAMES = ("Alice", "Bob", "Charlie", "Diana")


def build_spec(case: str, seed: int) -> Gender221Spec:
    if case == "worked_example":
        # all six weights 1, all biases 0, input Alice
        start = {name: 1.0 if name.startswith("w") else 0.0 for name in GENDER_PARAMETERS}
        X, y, names, epochs = GENDER_X[0], GENDER_Y[0], GENDER_NAMES[:1], 1
    else:  # trained: nine normal draws in the order w1..w6, b1..b3
        draws = np.random.default_rng(seed).normal(size=9)
        start = dict(zip(GENDER_PARAMETERS, draws, strict=True))
        X, y, names, epochs = GENDER_X, GENDER_Y, GENDER_NAMES, 1000
    layers = gender_layers(start)
    return Gender221Spec(
        network="gender_221",
        case=case,
        X=readonly(X),
        y=readonly(y),
        **{name: readonly(value) for name, value in layers.items()},
        lr=0.1,
        epochs=epochs,
        loss_every=10,
        names=names,
        X_new=readonly([[-7, -3], [20, 2]]),
        names_new=("Emily", "Frank"),
    )
