"""xor_341: the question-and-answer thread's 3-4-1 batch network, in matrix form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs.optimizers import EPS

NETWORK = (
    "xor_341",
    "the Q&A thread's 3-4-1 batch network in matrix form",
    {
        "trained": (
            "output",
            # the thread's final print(a2): the last iteration's forward pass, before its update
            "printed_output",
            "loss_history",
            "grad_W_input_hidden",
            "grad_W_hidden_output",
            "del_W_input_hidden",
            "del_W_hidden_output",
        )
    },
)


@dataclass(frozen=True)
class Xor341Spec:
    """The question-and-answer thread's 3-4-1 batch network, no biases, in matrix form.

    hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ W_hidden_output).
    The thread calls these a1 and a2, and the weights W1 and W2.
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("W_input_hidden", "W_hidden_output")
    network: str
    case: str
    X: np.ndarray  # (4, 3), the third input is a constant 1
    y: np.ndarray  # (4,)
    W_input_hidden: np.ndarray  # (3, 4)  the thread's W1
    W_hidden_output: np.ndarray  # (4, 1)  the thread's W2
    lr: float
    epochs: int
    loss_every: int
    loss: str = "E = 1/2 * sum((y - y_hat)^2)"
    update_rule: str = (
        "W2 += a1.T @ delta2,  W1 += X.T @ delta1,  delta = -dE/dz at each layer (lr = 1)"
    )
    optimizer: str = "sgd"  # one of OPTIMIZERS (`--optimizer`), with its eps (`--eps`)
    eps: float = EPS
    activation: str = "sigmoid"  # of the hidden layers, one of ACTIVATIONS (`--activation`)


def build_spec(case: str, seed: int) -> Xor341Spec:
    np.random.seed(seed)  # the thread's draws: W1, then W2
    W_input_hidden = np.random.random((3, 4))
    W_hidden_output = np.random.random((4, 1))
    return Xor341Spec(
        network="xor_341",
        case=case,
        X=readonly([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]),
        y=readonly([0, 1, 1, 0]),
        W_input_hidden=readonly(W_input_hidden),
        W_hidden_output=readonly(W_hidden_output),
        lr=1.0,
        epochs=1000,
        loss_every=100,
    )
