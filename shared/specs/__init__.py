"""Every network, written once: data, starting weights, learning rate, epochs, loss, update rule.

One module per network, named as in numpy_impl/, torch_impl/ and keras_impl/
(`shared/specs/gender_221.py` next to `numpy_impl/gender_221.py`), each with its frozen
dataclass and its `build_spec`. This package holds what they share and the registry.

Specs hold read-only float64 NumPy arrays. Weights are in math layout `(n_in, n_out)`, used
as `X @ W`; a layer with one output keeps the tutorial's vector `(n_in,)`. Random starting
weights are drawn here, once, with the tutorials' seeds and draw order; no implementation
draws its own (each framework's random generator would give other numbers).

Every spec has the fields `network`, `case`, `X`, `y`, `lr`, `epochs`, `loss`, `update_rule`
and the class attribute `PARAM_NAMES`; `start_params(spec)` gives a fresh, writable copy
of the starting parameters as a dict.

The layer: the specs, the admissions data they load (admissions_data, reading data/binary.csv)
and the optimizers' hyperparameters every framework is configured to (optimizers). It
imports only runtime/; everything else in shared/ and every framework package reads it.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, fields, replace
from functools import cache

import numpy as np

from shared.runtime.arrays import readonly
from shared.specs import admissions_data
from shared.specs.optimizers import ACTIVATIONS, OPTIMIZERS

Params = dict[str, np.ndarray]

SUM_SQUARES_HALF = "E = 1/2 * (y - y_hat)^2"
MEAN_SQUARES_HALF = "E = 1/2 * mean((y - y_hat)^2)"
MEAN_SQUARES = "L = mean((y - y_hat)^2), one record per step, so L = (y - y_hat)^2"
CROSS_ENTROPY = "J = -mean(y * log(y_hat) + (1 - y) * log(1 - y_hat))"
DEFAULT_SPLIT = admissions_data.DEFAULT_SPLIT


def start_params(spec: Spec) -> Params:
    """A writable copy of the spec's starting parameters (in the spec's dtype), keyed by
    PARAM_NAMES."""
    return {name: np.array(getattr(spec, name)) for name in spec.PARAM_NAMES}


DTYPES = {"float64": np.float64, "float32": np.float32}


def with_dtype(spec: Spec, dtype: str) -> Spec:
    """The same spec with every array cast to `dtype` ("float64" or "float32").

    float64 is what the cross-checks use; float32 shows the drift readers meet with the
    frameworks' defaults.
    """
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; choose from: {', '.join(DTYPES)}")
    arrays = {
        f.name: readonly(getattr(spec, f.name), DTYPES[dtype])
        for f in fields(spec)
        if isinstance(getattr(spec, f.name), np.ndarray)
    }
    return replace(spec, **arrays)


# loss_every: `rosetta run --plot` records the loss after every epoch, for a smooth curve
OVERRIDABLE = ("lr", "epochs", "optimizer", "eps", "activation", "loss_every")


def override(spec: Spec, **changes: float | str) -> Spec:
    """The same spec with some of its OVERRIDABLE fields changed (None: keep the spec's).

    This is how a reader explores (`rosetta run --lr 0.5`) and still compares frameworks:
    every framework reads the changed spec. A network without a field (an optimizer for a
    network that does not train, an activation for one without a hidden layer) cannot take it.
    """
    changes = {name: value for name, value in changes.items() if value is not None}
    unknown = sorted(set(changes) - set(OVERRIDABLE))
    if unknown:
        raise ValueError(f"cannot override {unknown[0]!r}; only: {', '.join(OVERRIDABLE)}")
    for name in ("optimizer", "eps", "activation"):
        if name in changes and not hasattr(spec, name):
            raise ValueError(f"{spec.network}/{spec.case} has no {name} to choose")
    for name, choices in (("optimizer", OPTIMIZERS), ("activation", ACTIVATIONS)):
        if name in changes and changes[name] not in choices:
            raise ValueError(
                f"unknown {name} {changes[name]!r}; choose from: {', '.join(choices)}"
            )
    if "eps" in changes and not (np.isfinite(changes["eps"]) and changes["eps"] >= 0):
        raise ValueError(f"eps must be a finite number of at least 0, got {changes['eps']}")
    if "lr" in changes and not (np.isfinite(changes["lr"]) and changes["lr"] > 0):
        raise ValueError(f"lr must be a positive finite number, got {changes['lr']}")
    if "epochs" in changes:
        if int(changes["epochs"]) != changes["epochs"] or changes["epochs"] < 1:
            raise ValueError(
                f"epochs must be a whole number of at least 1, got {changes['epochs']}"
            )
        changes["epochs"] = int(changes["epochs"])
    return replace(spec, **changes)


# The network modules import the pieces above from this package: they come after them.
from shared.specs import (  # noqa: E402
    admissions,
    admissions_logit,
    admissions_mlp,
    backprop_321,
    chain_rule,
    forward_432,
    gender_221,
    single_unit,
    xor_341,
)
from shared.specs.admissions import AdmissionsSpec  # noqa: E402
from shared.specs.admissions_logit import LogitSpec  # noqa: E402
from shared.specs.backprop_321 import TwoLayerSpec  # noqa: E402
from shared.specs.chain_rule import ChainRuleSpec  # noqa: E402
from shared.specs.forward_432 import Forward432Spec  # noqa: E402
from shared.specs.gender_221 import Gender221Spec  # noqa: E402
from shared.specs.single_unit import SingleUnitSpec  # noqa: E402
from shared.specs.xor_341 import Xor341Spec  # noqa: E402

Spec = (
    SingleUnitSpec
    | TwoLayerSpec
    | AdmissionsSpec
    | Gender221Spec
    | ChainRuleSpec
    | Forward432Spec
    | Xor341Spec
    | LogitSpec
)


@dataclass(frozen=True)
class Network:
    """A network's entry in the catalogue: what it teaches, its cases and, per case, the
    names of the quantities `run` reports (stable: the cross-check compares by these)."""

    name: str
    description: str
    quantities: dict[str, tuple[str, ...]]

    @property
    def cases(self) -> tuple[str, ...]:
        return tuple(self.quantities)


# Each network module's NETWORK entry, in the catalogue's order
_MODULES = (
    single_unit,
    backprop_321,
    gender_221,
    admissions,
    admissions_mlp,
    admissions_logit,
    chain_rule,
    forward_432,
    xor_341,
)
NETWORKS: dict[str, Network] = {module.NETWORK[0]: Network(*module.NETWORK) for module in _MODULES}
_BUILDERS = {name: module.build_spec for name, module in zip(NETWORKS, _MODULES, strict=True)}
# The networks trained on the admissions table take a split: the share of rows that train.
DATA_NETWORKS = ("admissions", "admissions_mlp", "admissions_logit")
# The cases whose start is a random draw, and the tutorials' seed for it (`--seed` changes it;
# the admissions split keeps its own seed, 42, so that the data stay the tutorial's).
SEEDS = {
    ("gender_221", "trained"): 0,
    ("admissions", "trained"): 42,
    ("admissions_mlp", "trained"): 21,
    ("admissions_logit", "trained"): 42,
    ("forward_432", "forward"): 42,
    ("xor_341", "trained"): 1,
}


@cache
def spec_fields(network: str) -> frozenset[str]:
    """The fields of `network`'s spec, read from the class its builder returns: nothing is
    built, so no data is read (every `rosetta` command's help names the networks by these)."""
    spec_type = inspect.signature(_BUILDERS[network], eval_str=True).return_annotation
    return frozenset(field.name for field in fields(spec_type))


def cases(network: str) -> tuple[str, ...]:
    """The cases of `network`; ValueError lists the valid networks if it is unknown."""
    if network not in NETWORKS:
        raise ValueError(f"unknown network {network!r}; choose from: {', '.join(NETWORKS)}")
    return NETWORKS[network].cases


@cache
def get_spec(
    network: str,
    case: str | None = None,
    split: float | None = DEFAULT_SPLIT,
    seed: int | None = None,
    data: str | None = None,
) -> Spec:
    """The spec of `network`/`case` (case defaults to the network's first).

    For the networks in DATA_NETWORKS: `split` is the share of the admissions rows that
    train (None: all of them, no test set) and `data` a CSV file to read instead of the
    shipped table. `seed` replaces the tutorial's seed of a random start (SEEDS).
    """
    valid = cases(network)
    case = valid[0] if case is None else case
    if case not in valid:
        raise ValueError(
            f"unknown case {case!r} for network {network!r}; choose from: {', '.join(valid)}"
        )
    if (split != DEFAULT_SPLIT or data is not None) and network not in DATA_NETWORKS:
        raise ValueError(
            f"{network} has no data to split or replace; a split and a data file apply to: "
            f"{', '.join(DATA_NETWORKS)}"
        )
    if seed is not None and (network, case) not in SEEDS:
        seeded = ", ".join("/".join(pair) for pair in SEEDS)
        raise ValueError(
            f"{network}/{case} starts from fixed weights, not a random draw; a seed applies "
            f"to: {seeded}"
        )
    seed = SEEDS.get((network, case)) if seed is None else seed
    if network in DATA_NETWORKS:
        return _BUILDERS[network](case, split, seed, data)
    if network in {drawn for drawn, _ in SEEDS}:
        return _BUILDERS[network](case, seed)
    return _BUILDERS[network](case)
