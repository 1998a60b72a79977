"""chain_rule in Keras: the computation graph in keras.ops, differentiated by the backend.

Spec: `shared.specs.chain_rule`. u = a*b, v = u + c, J = 2*(v + b), as in numpy_impl/chain_rule.py.
Differs from numpy_impl:
- no backward pass is written: the backend's autodiff (keras_impl/autodiff.py) follows every
  path, so b's two paths are summed into dJ/db = 4 without being asked.
"""

import numpy as np

from keras_impl.autodiff import gradient_function
from keras_impl.backend import ops, to_numpy, use_dtype
from shared.specs import Params, start_params
from shared.specs.chain_rule import ChainRuleSpec


def graph(a: object, b: object, c: object) -> object:
    # lesson begin: the graph in keras.ops, for the backend to differentiate: u, then v, then J
    # u = a*b
    u = ops.multiply(a, b)
    # v = u + c
    v = ops.add(u, c)
    # J = 2*(v + b)
    return ops.multiply(2.0, ops.add(v, b))
    # lesson end


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    use_dtype(params["a"].dtype.name)
    return to_numpy(graph(*(ops.convert_to_tensor(params[name]) for name in "abc")))


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    return float(forward(params, X))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for p in a, b, c, from the backend's autodiff."""
    use_dtype(params["a"].dtype.name)
    # lesson: dJ/da, dJ/db, dJ/dc from the backend's autodiff (keras_impl/autodiff.py)
    _, grads = gradient_function(graph)(*(params[name] for name in "abc"))
    return dict(zip("abc", grads, strict=True))


def run(spec: ChainRuleSpec) -> dict[str, np.ndarray]:
    """J and its three partial derivatives (the tutorial's values: spec.claims)."""
    params = start_params(spec)
    grads = gradients(params, spec.X, spec.y)
    return {"J": forward(params, spec.X)} | {f"dJ_d{name}": grads[name] for name in "abc"}
