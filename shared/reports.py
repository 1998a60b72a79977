"""What a trained network reports, the same in every framework, so it is written once here.

Each function takes the spec, the parameters and loss history that a framework's `train`
returned, and that framework's `forward`: the numbers are the framework's own.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from shared.runtime import interrupts, progress
from shared.specs import Params, Spec
from shared.specs.admissions import AdmissionsSpec
from shared.specs.admissions_logit import LogitSpec
from shared.specs.backprop_321 import TwoLayerSpec
from shared.specs.gender_221 import Gender221Spec, gender_by_tutorial_name

Forward = Callable[[Params, np.ndarray], np.ndarray]
_LABELS = {"w": "weights"}  # admissions calls its one weight vector "weights"


def admissions(
    spec: AdmissionsSpec | TwoLayerSpec, params: Params, history: list[float], forward: Forward
) -> dict[str, np.ndarray]:
    """Start and final weights, the loss every few epochs, test accuracy and training MSE."""
    names = {name: _LABELS.get(name, name) for name in spec.PARAM_NAMES}
    return (
        {f"initial_{label}": getattr(spec, name) for name, label in names.items()}
        | {"loss_history": np.array(history)}
        | {f"final_{label}": params[name] for name, label in names.items()}
        | test_accuracy(spec, params, forward)
        | {"train_mse": np.mean((forward(params, spec.X) - spec.y) ** 2)}
    )


def test_accuracy(
    spec: AdmissionsSpec | TwoLayerSpec | LogitSpec, params: Params, forward: Forward
) -> dict[str, np.ndarray]:
    """{"test_accuracy": share of test records where (y_hat > 0.5) equals the target}, or
    nothing when every row trained (`--split none`)."""
    if len(spec.y_test) == 0:
        return {}
    return {"test_accuracy": np.mean((forward(params, spec.X_test) > 0.5) == spec.y_test)}


class DivergedError(RuntimeError):
    """The training loss became NaN or infinite: the learning rate is too large."""


def check_finite(spec: Spec, history: list[float]) -> None:
    """Stop training with DivergedError if the loss just recorded is NaN or infinite.

    Every framework calls this after each loss it records (every `spec.loss_every`
    epochs), so all of them stop at the same epoch with the same message; the same call
    moves the progress bar of a long training (shared.runtime.progress), and stops it if Ctrl-C
    was pressed and Python lost the KeyboardInterrupt (shared.runtime.interrupts)."""
    interrupts.check()
    every = getattr(spec, "loss_every", 1) or 1
    progress.recorded(every, history)
    if math.isfinite(history[-1]):
        return
    epoch = (len(history) - 1) * every
    last = f"{history[-2]!r} at epoch {epoch - every}" if len(history) > 1 else "none was recorded"
    advice = "try a smaller --lr"
    if getattr(spec, "eps", None) == 0 and spec.optimizer in ("rmsprop", "adam"):
        # m / sqrt(v) with m = v = 0: a gradient that has been exactly 0 since the start
        advice += (
            f", or an --eps above 0: {spec.optimizer} at eps 0 divides 0 by 0 for a parameter "
            "whose gradient has been exactly 0 so far (a relu unit no record reaches)"
        )
    raise DivergedError(
        f"{spec.network}: training diverged: the loss is {history[-1]} at epoch {epoch} with "
        f"lr {spec.lr:g} (last finite loss: {last}); stopped there: {advice}"
    )


class NotConvergedError(RuntimeError):
    """Training reached its epoch cap with the gradient still above the bound."""


def not_converged(spec: LogitSpec, gradient_norm: float) -> NotConvergedError:
    """The error every framework raises when `spec.epochs` epochs did not converge: where
    each step, lr * |gradient|, is down to the dtype's rounding of weights of order one, the
    gradient's norm stalls there, and no number of epochs would help; otherwise, more epochs
    or another lr may."""
    dtype = np.asarray(spec.X).dtype
    eps = float(np.finfo(dtype).eps)
    if spec.lr * gradient_norm < eps and gradient_norm < 1e3 * spec.gradient_bound:
        return NotConvergedError(
            f"{spec.network}: the gradient's norm stalls at {gradient_norm:.1e} ({spec.epochs} "
            f"epochs): {dtype}'s "
            f"rounding (a step of lr {spec.lr:g} times it leaves weights of order one "
            f"unchanged, at {dtype}'s eps {eps:.1e}); the bound is {spec.gradient_bound:g}, "
            f"which {dtype} cannot reach at any --epochs"
            + (" (float64 does: --dtype float64)" if dtype != np.float64 else "")
        )
    return NotConvergedError(
        f"{spec.network}: the gradient's norm is still {gradient_norm:.3e} after "
        f"{spec.epochs} epochs (bound {spec.gradient_bound:g}, lr {spec.lr:g}); "
        "try more --epochs or another --lr"
    )


def logit(
    spec: LogitSpec, params: Params, history: list[float], epochs_run: int, forward: Forward
) -> dict[str, np.ndarray]:
    """The converged weights and bias, the cross-entropy after every `spec.loss_every`-th
    epoch, how many epochs ran and the test accuracy."""
    return {
        "final_weights": params["w"],
        "bias": params["b"],
        "loss_history": np.array(history),
        "epochs_run": np.int64(epochs_run),
    } | test_accuracy(spec, params, forward)


def gender_trained(
    spec: Gender221Spec, params: Params, history: list[float], forward: Forward
) -> dict[str, np.ndarray]:
    """The loss every few epochs, the nine final parameters by the tutorial's names, and the
    predictions for the two new people (Emily, Frank)."""
    final = {f"final_{name}": np.float64(v) for name, v in gender_by_tutorial_name(params).items()}
    y_new = forward(params, spec.X_new)
    predictions = {name.lower(): y_new[i] for i, name in enumerate(spec.names_new)}
    return {"loss_history": np.array(history)} | final | predictions


def stalled(spec: Spec, quantities: dict[str, np.ndarray], tutorial_lr: float) -> str:
    """One line if a training's loss never moved from its first record to its last (to a
    few ulps): the outputs saturated at 0 or 1 (a learning rate too large), or the steps are
    too small to change anything (too small); "" for a training that moved."""
    history = np.asarray(quantities.get("loss_history", []), dtype=np.float64)
    if len(history) < 3:
        return ""
    first = float(history[0])
    if np.max(np.abs(history - first)) > 4 * np.finfo(history.dtype).eps * max(abs(first), 1e-300):
        return ""
    every = getattr(spec, "loss_every", 1) or 1
    names = [name.lower() for name in getattr(spec, "names_new", ())]
    pinned = [n for n in names if n in quantities and float(quantities[n]) in (0.0, 1.0)]
    outputs = (
        f" (the predictions for {' and '.join(pinned)} are exactly "
        f"{', '.join(sorted({repr(float(quantities[n])) for n in pinned}))})"
        if pinned
        else ""
    )
    if spec.lr > tutorial_lr:
        cause = (
            f"the network saturated: its outputs sit at 0 or 1, where the sigmoid's slope "
            f"rounds to 0; likely cause: the learning rate {spec.lr:g} is too large for "
            f"{spec.network} (the tutorial's: {tutorial_lr:g})"
        )
    else:
        cause = (
            f"the steps are too small to change the loss; likely cause: the learning rate "
            f"{spec.lr:g} is too small for {spec.network} (the tutorial's: {tutorial_lr:g})"
        )
    return (
        f"{spec.network}: the loss stays at {first!r} from epoch 0 to "
        f"{(len(history) - 1) * every}{outputs}: {cause}"
    )
