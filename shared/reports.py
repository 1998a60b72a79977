"""What a trained network reports, the same in every framework, so it is written once here.

Each function takes the spec, the parameters and loss history that a framework's `train`
returned, and that framework's `forward`: the numbers are the framework's own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from shared.specs import (
    AdmissionsSpec,
    Gender221Spec,
    Params,
    TwoLayerSpec,
    gender_by_tutorial_name,
)

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
        | {
            # accuracy: share of test records where (y_hat > 0.5) equals the target
            "test_accuracy": np.mean((forward(params, spec.X_test) > 0.5) == spec.y_test),
            "train_mse": np.mean((forward(params, spec.X) - spec.y) ** 2),
        }
    )


def gender_trained(
    spec: Gender221Spec, params: Params, history: list[float], forward: Forward
) -> dict[str, np.ndarray]:
    """The loss every few epochs, the nine final parameters by the tutorial's names, and the
    predictions for the two new people (Emily, Frank)."""
    final = {f"final_{name}": np.float64(v) for name, v in gender_by_tutorial_name(params).items()}
    y_new = forward(params, spec.X_new)
    predictions = {name.lower(): y_new[i] for i, name in enumerate(spec.names_new)}
    return {"loss_history": np.array(history)} | final | predictions
