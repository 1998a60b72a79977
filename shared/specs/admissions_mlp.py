"""admissions_mlp: 6-2-1 backprop on the admissions data, full batch (backprop_321's
TwoLayerSpec)."""

from __future__ import annotations

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs import MEAN_SQUARES_HALF
from shared.specs.admissions import ACCURACY, load_data
from shared.specs.backprop_321 import TwoLayerSpec

NETWORK = (
    "admissions_mlp",
    "6-2-1 backprop on the admissions data, full batch",
    {
        "trained": (
            "initial_W_input_hidden",
            "initial_w_hidden_output",
            "loss_history",
            "final_W_input_hidden",
            "final_w_hidden_output",
            *ACCURACY,
        )
    },
)


def build_spec(case: str, split: float | None, seed: int, data: str | None) -> TwoLayerSpec:
    data = load_data(split, data)
    n_features, n_hidden = data.X_train.shape[1], 2
    np.random.seed(seed)
    scale = 1 / n_features**0.5
    W_input_hidden = np.random.normal(scale=scale, size=(n_features, n_hidden))
    w_hidden_output = np.random.normal(scale=scale, size=n_hidden)
    return TwoLayerSpec(
        network="admissions_mlp",
        case=case,
        X=data.X_train,
        y=data.y_train,
        W_input_hidden=readonly(W_input_hidden),
        w_hidden_output=readonly(w_hidden_output),
        lr=0.005,
        epochs=900,
        loss=MEAN_SQUARES_HALF,
        update_rule="W += lr * mean_over_records((layer input) outer (error term))",
        loss_every=90,  # the tutorial prints epochs / 10 times
        X_test=data.X_test,
        y_test=data.y_test,
    )
