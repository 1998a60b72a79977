"""chain_rule in PyTorch: the computation graph, differentiated by autograd.

Spec: `shared.specs.chain_rule`. u = a*b, v = u + c, J = 2*(v + b), as in
numpy_impl/chain_rule.py.
Differs from numpy_impl:
- no backward pass is written: `J.backward()` follows every path from each leaf, so b's
  two paths (through u, and directly) are summed into b.grad = 4 without being asked.
"""

import numpy as np
import torch

from shared.specs import Params, start_params
from shared.specs.chain_rule import ChainRuleSpec


def leaves(params: Params) -> dict[str, torch.Tensor]:
    # [torch] requires_grad=True makes a, b, c leaves of the graph: backward() fills .grad
    return {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}


def graph(a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    # lesson begin: the graph forward: u from a and b, v from u and c, then J
    # u = a*b
    u = a * b
    # v = u + c
    v = u + c
    # J = 2*(v + b)
    return 2 * (v + b)
    # lesson end


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return graph(**leaves(params)).numpy()


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return float(forward(params, X))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for p in a, b, c, from autograd."""
    inputs = leaves(params)
    # lesson: backpropagate J: autograd fills each leaf's .grad, adding every path
    graph(**inputs).backward()
    return {name: leaf.grad.numpy() for name, leaf in inputs.items()}


def run(spec: ChainRuleSpec) -> dict[str, np.ndarray]:
    """J and its three partial derivatives (the tutorial's values: spec.claims)."""
    inputs = leaves(start_params(spec))
    J = graph(**inputs)
    # lesson: backpropagate J from the graph just built
    J.backward()
    grads = {f"dJ_d{name}": leaf.grad.numpy() for name, leaf in inputs.items()}
    return {"J": J.detach().numpy()} | grads
