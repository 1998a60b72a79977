"""chain_rule in JAX: the computation graph, differentiated by jax.grad.

Spec: `shared.specs.chain_rule`. u = a*b, v = u + c, J = 2*(v + b), as in
numpy_impl/chain_rule.py.
Differs from numpy_impl:
- no backward pass is written: `jax.grad(graph, argnums=(0, 1, 2))` differentiates J with
  respect to a, b and c, following every path from each, so b's two paths (through u, and
  directly) are summed into dJ/db = 4 without being asked.
"""

import jax
import numpy as np

from jax_impl.arrays import to_numpy
from shared.specs import Params
from shared.specs.chain_rule import ChainRuleSpec


# [jax] jit: traced once per shape and dtype of a, b and c, compiled by XLA into one program
@jax.jit
def graph(a: jax.Array, b: jax.Array, c: jax.Array) -> jax.Array:
    # lesson begin: the graph, as a function jax.grad can differentiate: u, then v, then J
    # u = a*b
    u = a * b
    # v = u + c
    v = u + c
    # J = 2*(v + b)
    return 2 * (v + b)
    # lesson end


# lesson: J and dJ/da, dJ/db, dJ/dc in one function: jax.value_and_grad of the graph, jitted
# [jax] value_and_grad: J and its gradients in one call; argnums: which arguments to
# differentiate, one gradient for each (jit compiles the backward pass with the forward)
graph_value_and_gradients = jax.jit(jax.value_and_grad(graph, argnums=(0, 1, 2)))


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    return to_numpy(graph(**params), params["a"].dtype)


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return float(forward(params, X))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for p in a, b, c, from jax.grad."""
    _, grads = graph_value_and_gradients(params["a"], params["b"], params["c"])
    return to_numpy(dict(zip("abc", grads, strict=True)), params["a"].dtype)


def run(spec: ChainRuleSpec) -> dict[str, np.ndarray]:
    """J and its three partial derivatives (the tutorial's values: spec.claims)."""
    J, grads = graph_value_and_gradients(spec.a, spec.b, spec.c)
    quantities = {"J": J} | {f"dJ_d{name}": grad for name, grad in zip("abc", grads, strict=True)}
    return to_numpy(quantities, spec.a.dtype)
