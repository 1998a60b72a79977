"""admissions_mlp in Keras: backprop_321.py's network, trained on the admissions data.

Spec: `shared.specs.admissions_mlp`. The model, its loss, its gradients and its full-batch
training loop are backprop_321's, imported from there; what is new is the report.
"""

import numpy as np

from keras_impl.backprop_321 import forward, gradients, loss, train
from shared.specs import TwoLayerSpec

__all__ = ["forward", "gradients", "loss", "run", "train"]


def run(spec: TwoLayerSpec) -> dict[str, np.ndarray]:
    """Train, then report the tutorial's figures: loss every few epochs, test accuracy."""
    params, history = train(spec)
    return {
        "initial_W_input_hidden": spec.W_input_hidden,
        "initial_w_hidden_output": spec.w_hidden_output,
        "loss_history": np.array(history),
        "final_W_input_hidden": params["W_input_hidden"],
        "final_w_hidden_output": params["w_hidden_output"],
        # accuracy: share of test records where (y_hat > 0.5) equals the target
        "test_accuracy": np.mean((forward(params, spec.X_test) > 0.5) == spec.y_test),
        "train_mse": np.mean((forward(params, spec.X) - spec.y) ** 2),
    }
