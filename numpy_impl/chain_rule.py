"""chain_rule: a computation graph differentiated by hand, every path followed.

Spec: `shared.specs.chain_rule`. With a = 1, b = 2, c = 3:
    u = a*b,  v = u + c,  J = 2*(v + b)     (J = 14)
Backward, one link per line. `b` reaches J along two paths, through u and v, and directly,
so dJ/db is the sum over both: dJ/du * du/db + 2 = 2*a + 2 = 4. The tutorial's hand
derivation keeps only the first path and gets 2 (see `rosetta errata`).
There is no data: X and y are empty and ignored, so J stands where a loss stands elsewhere.
There is nothing to train, so there is no `train`.
"""

import numpy as np

from shared.specs import Params, start_params
from shared.specs.chain_rule import ChainRuleSpec


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    a, b, c = params["a"], params["b"], params["c"]
    # lesson begin: the graph forward: u from a and b, v from u and c, then J
    # u = a*b
    u = a * b
    # v = u + c
    v = u + c
    # J = 2*(v + b)
    return 2 * (v + b)
    # lesson end


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    # J itself: the quantity being differentiated
    return float(forward(params, X))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for p in a, b, c, by the chain rule written out."""
    a, b, c = params["a"], params["b"], params["c"]
    # J = 2*(v + b): dJ/dv = 2, and along b's direct path dJ/db = 2   (arrays like c)
    dJ_dv = dJ_db_direct = np.full_like(c, 2)
    # lesson begin: back through v = u + c, then u = a*b: dJ/du, dJ/dc, dJ/da
    # v = u + c: dv/du = 1, dv/dc = 1
    dJ_du = dJ_dv * 1
    dJ_dc = dJ_dv * 1
    # u = a*b: du/da = b, du/db = a
    dJ_da = dJ_du * b
    # lesson end
    # lesson: dJ/db: b reaches J along two paths; the chain rule adds them
    # both paths from b: through u, and directly
    dJ_db = dJ_du * a + dJ_db_direct
    return {"a": dJ_da, "b": dJ_db, "c": dJ_dc}


def run(spec: ChainRuleSpec) -> dict[str, np.ndarray]:
    """J and its three partial derivatives (the tutorial's values: spec.claims)."""
    params = start_params(spec)
    grads = gradients(params, spec.X, spec.y)
    return {"J": forward(params, spec.X)} | {f"dJ_d{name}": grads[name] for name in "abc"}
