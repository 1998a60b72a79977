"""backprop_321: one backprop step through a 3-2-1 network; its TwoLayerSpec is also
admissions_mlp's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs import SUM_SQUARES_HALF
from shared.specs.optimizers import EPS

NETWORK = (
    "backprop_321",
    "one backprop step through a 3-2-1 network",
    {
        "step": (
            "output",
            "error",
            "output_error_term",
            "hidden_error_term",
            "del_w_hidden_output",
            "del_w_input_hidden",
            "grad_w_hidden_output",
            "grad_w_input_hidden",
        )
    },
)


@dataclass(frozen=True)
class TwoLayerSpec:
    """Sigmoid hidden layer, sigmoid output, no biases: backprop_321 and admissions_mlp.

    hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ w_hidden_output).
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("W_input_hidden", "w_hidden_output")
    network: str
    case: str
    X: np.ndarray  # (n_in,) one record, or (n, n_in) the training set
    y: np.ndarray  # () or (n,)
    W_input_hidden: np.ndarray  # (n_in, n_hidden)
    w_hidden_output: np.ndarray  # (n_hidden,)
    lr: float
    epochs: int
    loss: str
    update_rule: str
    loss_every: int = 0  # record the training loss every this many epochs (0: one step only)
    X_test: np.ndarray = field(default_factory=lambda: readonly(np.empty((0, 0))))
    y_test: np.ndarray = field(default_factory=lambda: readonly(np.empty(0)))
    optimizer: str = "sgd"  # one of OPTIMIZERS (`--optimizer`), with its eps (`--eps`)
    eps: float = EPS
    activation: str = "sigmoid"  # of the hidden layers, one of ACTIVATIONS (`--activation`)


def build_spec(case: str) -> TwoLayerSpec:
    return TwoLayerSpec(
        network="backprop_321",
        case=case,
        X=readonly([0.5, 0.1, -0.2]),
        y=readonly(0.6),
        W_input_hidden=readonly([[0.5, -0.6], [0.1, -0.2], [0.1, 0.7]]),
        w_hidden_output=readonly([0.1, -0.3]),
        lr=0.5,
        epochs=1,
        loss=SUM_SQUARES_HALF,
        update_rule="W += lr * (layer input) outer (error term), layer by layer",
    )
