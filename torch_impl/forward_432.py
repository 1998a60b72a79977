"""forward_432 in PyTorch: one forward pass through a 4-3-2 sigmoid network, no biases.

Spec: `shared.specs.forward_432`. hidden = sigmoid(X @ W_input_hidden),
output = sigmoid(hidden @ W_hidden_output), as in numpy_impl/forward_432.py. The same
two layers, trained, are xor_341's network.
Differs from numpy_impl:
- the layers are nn.Linear(bias=False), which keep their weights as (out, in);
- nothing is differentiated, so the pass runs under torch.inference_mode().
"""

import numpy as np
import torch
from torch import nn

from shared.specs import Params
from shared.specs.forward_432 import Forward432Spec
from torch_impl.activations import ACTIVATIONS


class SigmoidLayers(nn.Module):
    """Two sigmoid layers without biases; forward returns both layers' activations.
    xor_341's `--activation` replaces the hidden layer's sigmoid."""

    def __init__(
        self, W_input_hidden: np.ndarray, W_hidden_output: np.ndarray, activation: str = "sigmoid"
    ) -> None:
        super().__init__()
        self.activation = ACTIVATIONS[activation]
        # [torch] torch.tensor copies; torch.from_numpy would share the spec's memory
        W_input_hidden, W_hidden_output = (
            torch.tensor(W_input_hidden),
            torch.tensor(W_hidden_output),
        )
        dtype = W_input_hidden.dtype
        self.hidden = nn.Linear(*W_input_hidden.shape, bias=False, dtype=dtype)
        self.output = nn.Linear(*W_hidden_output.shape, bias=False, dtype=dtype)
        # lesson begin: copy the starting weights into the two nn.Linear, in their layout
        # [torch] nn.Linear keeps weight as (out, in): transpose the spec's (in, out)
        assert self.hidden.weight.shape == W_input_hidden.T.shape
        assert self.output.weight.shape == W_hidden_output.T.shape
        with torch.no_grad():
            self.hidden.weight.copy_(W_input_hidden.T)
            self.output.weight.copy_(W_hidden_output.T)
        # lesson end

    def forward(self, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # lesson begin: the module's forward: both layers' activations, (hidden, output)
        # hidden = sigmoid(X @ W_input_hidden)   (..., 3)
        hidden = self.activation(self.hidden(X))
        # output = sigmoid(hidden @ W_hidden_output)   (..., 2)
        return hidden, torch.sigmoid(self.output(hidden))
        # lesson end

    def params(self, grad: bool = False) -> Params:
        """Weights (or their gradients) in the spec's (in, out) layout, as NumPy arrays."""
        hidden, output = self.hidden.weight, self.output.weight
        if grad:
            hidden, output = hidden.grad, output.grad
        return {
            "W_input_hidden": hidden.detach().T.numpy().copy(),
            "W_hidden_output": output.detach().T.numpy().copy(),
        }


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    # [torch] inference_mode: no graph is recorded, nothing will call backward()
    with torch.inference_mode():
        return SigmoidLayers(**params)(torch.tensor(X))[1].numpy()


def run(spec: Forward432Spec) -> dict[str, np.ndarray]:
    """The lesson's two printed vectors: the hidden layer and the output."""
    model = SigmoidLayers(spec.W_input_hidden, spec.W_hidden_output)
    with torch.inference_mode():
        hidden, output = model(torch.tensor(spec.X))
    return {"hidden": hidden.numpy(), "output": output.numpy()}
