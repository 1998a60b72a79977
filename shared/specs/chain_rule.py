"""chain_rule: a computation graph differentiated by hand (the tutorial) and by autograd."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np

from shared.runtime.arrays import readonly

NETWORK = (
    "chain_rule",
    "a computation graph differentiated by hand and by autograd",
    {"graph": ("J", "dJ_da", "dJ_db", "dJ_dc")},
)


@dataclass(frozen=True)
class ChainRuleSpec:
    """A computation graph with no data and no training: u = a*b, v = u + c, J = 2*(v + b).

    X and y are empty: every module's functions take them and ignore them, so the harness
    treats J(a, b, c) like any other loss. `claims` holds the tutorial's hand-derived values.
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("a", "b", "c")
    network: str
    case: str
    X: np.ndarray  # (0,) no data
    y: np.ndarray  # (0,) no data
    a: np.ndarray  # ()
    b: np.ndarray  # ()
    c: np.ndarray  # ()
    claims: MappingProxyType  # quantity -> the tutorial's value
    lr: float = 0.0
    epochs: int = 1
    loss: str = "J = 2*(v + b),  v = u + c,  u = a*b"
    update_rule: str = ""  # differentiation only


def build_spec(case: str) -> ChainRuleSpec:
    return ChainRuleSpec(
        network="chain_rule",
        case=case,
        X=readonly(np.empty(0)),
        y=readonly(np.empty(0)),
        a=readonly(1.0),
        b=readonly(2.0),
        c=readonly(3.0),
        # the tutorial's hand derivation; its dJ/db misses the direct path from b to J
        claims=MappingProxyType({"dJ_da": 4.0, "dJ_db": 2.0, "dJ_dc": 2.0}),
    )
