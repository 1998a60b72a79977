"""Every network, written once: data, starting weights, learning rate, epochs, loss, update rule.

One frozen dataclass per network, holding read-only float64 NumPy arrays. Weights are in
math layout `(n_in, n_out)`, used as `X @ W`; a layer with one output keeps the
tutorial's vector `(n_in,)`. Random starting weights are drawn here, once, with the
tutorials' seeds and draw order; no implementation draws its own (each framework's
random generator would give other numbers).

Every spec has the fields `network`, `case`, `X`, `y`, `lr`, `epochs`, `loss`, `update_rule`
and the class attribute `PARAM_NAMES`; `start_params(spec)` gives a fresh, writable copy
of the starting parameters as a dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cache, lru_cache
from types import MappingProxyType
from typing import ClassVar

import numpy as np

from shared import admissions_data
from shared.arrays import readonly

Params = dict[str, np.ndarray]

SUM_SQUARES_HALF = "E = 1/2 * (y - y_hat)^2"
MEAN_SQUARES_HALF = "E = 1/2 * mean((y - y_hat)^2)"
MEAN_SQUARES = "L = mean((y - y_hat)^2), one record per step, so L = (y - y_hat)^2"
CROSS_ENTROPY = "J = -mean(y * log(y_hat) + (1 - y) * log(1 - y_hat))"


@dataclass(frozen=True)
class SingleUnitSpec:
    """One sigmoid unit, no bias, one gradient-descent step: y_hat = sigmoid(X @ w)."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("w",)
    network: str
    case: str
    X: np.ndarray  # (n_in,) one record
    y: np.ndarray  # () target
    w: np.ndarray  # (n_in,)
    lr: float
    epochs: int = 1
    loss: str = SUM_SQUARES_HALF
    update_rule: str = "w += lr * error_term * X,  error_term = (y - y_hat) * y_hat * (1 - y_hat)"


@dataclass(frozen=True)
class TwoLayerSpec:
    """Sigmoid hidden layer, sigmoid output, no biases: backprop_321 and admissions_mlp.

    hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ w_hidden_output).
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("W_input_hidden", "w_hidden_output")
    network: str
    case: str
    X: np.ndarray  # (n_in,) one record, or (n, n_in) the training set
    y: np.ndarray  # () or (n,)
    W_input_hidden: np.ndarray  # (n_in, n_hidden)
    w_hidden_output: np.ndarray  # (n_hidden,)
    lr: float
    epochs: int
    loss: str
    update_rule: str
    loss_every: int = 0  # record the training loss every this many epochs (0: one step only)
    X_test: np.ndarray = field(default_factory=lambda: readonly(np.empty((0, 0))))
    y_test: np.ndarray = field(default_factory=lambda: readonly(np.empty(0)))


@dataclass(frozen=True)
class AdmissionsSpec:
    """One sigmoid unit, no bias, full-batch gradient descent on the admissions data."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("w",)
    network: str
    case: str
    X: np.ndarray  # (n_train, 6)
    y: np.ndarray  # (n_train,)
    w: np.ndarray  # (6,)
    lr: float
    epochs: int
    loss_every: int
    X_test: np.ndarray
    y_test: np.ndarray
    loss: str = MEAN_SQUARES_HALF
    update_rule: str = "w += lr * mean_over_records(error_term * x)"


@dataclass(frozen=True)
class Gender221Spec:
    """2-2-1 classifier with biases, per-sample SGD on (y - y_hat)^2.

    The tutorial names its nine parameters w1..w6, b1..b3; in layers:
    W_input_hidden = [[w1, w3], [w2, w4]], b_hidden = [b1, b2],
    w_hidden_output = [w5, w6], b_output = b3.
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = (
        "W_input_hidden",
        "b_hidden",
        "w_hidden_output",
        "b_output",
    )
    network: str
    case: str
    X: np.ndarray  # (2,) one record (worked_example) or (4, 2) the training set
    y: np.ndarray  # () or (4,)
    W_input_hidden: np.ndarray  # (2, 2)
    b_hidden: np.ndarray  # (2,)
    w_hidden_output: np.ndarray  # (2,)
    b_output: np.ndarray  # ()
    lr: float
    epochs: int
    loss_every: int
    names: tuple[str, ...] = ()  # who each row of X is
    X_new: np.ndarray = field(default_factory=lambda: readonly(np.empty((0, 2))))
    names_new: tuple[str, ...] = ()
    loss: str = MEAN_SQUARES
    update_rule: str = "for each record in order: p -= lr * dL/dp for all nine parameters"


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


@dataclass(frozen=True)
class Forward432Spec:
    """A forward pass only, 4-3-2, sigmoid layers, no biases and no target."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("W_input_hidden", "W_hidden_output")
    network: str
    case: str
    X: np.ndarray  # (4,) one record
    y: np.ndarray  # (0,) no target
    W_input_hidden: np.ndarray  # (4, 3)
    W_hidden_output: np.ndarray  # (3, 2)
    lr: float = 0.0
    epochs: int = 1
    loss: str = ""  # forward only
    update_rule: str = ""


@dataclass(frozen=True)
class Xor341Spec:
    """The question-and-answer thread's 3-4-1 batch network, no biases, in matrix form.

    hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ W_hidden_output).
    The thread calls these a1 and a2, and the weights W1 and W2.
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("W_input_hidden", "W_hidden_output")
    network: str
    case: str
    X: np.ndarray  # (4, 3), the third input is a constant 1
    y: np.ndarray  # (4,)
    W_input_hidden: np.ndarray  # (3, 4)  the thread's W1
    W_hidden_output: np.ndarray  # (4, 1)  the thread's W2
    lr: float
    epochs: int
    loss_every: int
    loss: str = "E = 1/2 * sum((y - y_hat)^2)"
    update_rule: str = (
        "W2 += a1.T @ delta2,  W1 += X.T @ delta1,  delta = -dE/dz at each layer (lr = 1)"
    )


@dataclass(frozen=True)
class LogitSpec:
    """One sigmoid unit *with* a bias on the admissions data, cross-entropy, full-batch
    gradient descent until the gradient's norm is below `gradient_bound`: logistic
    regression. `epochs` is the most it may take."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("w", "b")
    network: str
    case: str
    X: np.ndarray  # (n_train, 6)
    y: np.ndarray  # (n_train,)
    w: np.ndarray  # (6,)
    b: np.ndarray  # ()
    lr: float
    epochs: int
    gradient_bound: float
    X_test: np.ndarray
    y_test: np.ndarray
    loss_every: int = 50
    loss: str = CROSS_ENTROPY
    update_rule: str = "w -= lr * dJ/dw, b -= lr * dJ/db, while |(dJ/dw, dJ/db)| >= bound"

    def curvature_bound(self) -> float:
        """L, a bound on J's curvature: its Hessian lies between 0 and L * I."""
        # J's Hessian is X1.T @ diag(y_hat * (1 - y_hat)) @ X1 / n, X1 = [X, 1], and
        # y_hat (1 - y_hat) <= 1/4: L = largest eigenvalue of X1.T @ X1 / (4 n)
        X1 = np.column_stack([self.X, np.ones(len(self.X))])
        return float(np.linalg.eigvalsh(X1.T @ X1 / (4 * len(X1)))[-1])

    def gradient_norm_never_rises(self) -> bool:
        """Whether, at this lr, no step can make the gradient's norm larger than it was.

        Then the first epoch with |gradient| < gradient_bound can be found by checking every
        few epochs and searching back from the first check that passes (keras_impl does)."""
        # A step takes the gradient g to (I - lr * A) g for some A between 0 and L * I (the mean
        # Hessian along the step), and that matrix's eigenvalues lie in [1 - lr * L, 1]: with
        # lr <= 2 / L none exceeds 1 in size, so |g| cannot grow.
        return self.lr * self.curvature_bound() <= 2


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

# The tutorial's names of gender_221's nine parameters, and where each sits in the layers.
GENDER_PARAMETERS: dict[str, tuple[str, tuple[int, ...]]] = {
    "w1": ("W_input_hidden", (0, 0)),
    "w2": ("W_input_hidden", (1, 0)),
    "w3": ("W_input_hidden", (0, 1)),
    "w4": ("W_input_hidden", (1, 1)),
    "w5": ("w_hidden_output", (0,)),
    "w6": ("w_hidden_output", (1,)),
    "b1": ("b_hidden", (0,)),
    "b2": ("b_hidden", (1,)),
    "b3": ("b_output", ()),
}


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


OVERRIDABLE = ("lr", "epochs")


def override(spec: Spec, **changes: float) -> Spec:
    """The same spec with some of its OVERRIDABLE fields changed (None: keep the spec's).

    This is how a reader explores (`rosetta run --lr 0.5`) and still compares frameworks:
    every framework reads the changed spec.
    """
    changes = {name: value for name, value in changes.items() if value is not None}
    unknown = sorted(set(changes) - set(OVERRIDABLE))
    if unknown:
        raise ValueError(f"cannot override {unknown[0]!r}; only: {', '.join(OVERRIDABLE)}")
    if "lr" in changes and not (np.isfinite(changes["lr"]) and changes["lr"] > 0):
        raise ValueError(f"lr must be a positive finite number, got {changes['lr']}")
    if "epochs" in changes:
        if int(changes["epochs"]) != changes["epochs"] or changes["epochs"] < 1:
            raise ValueError(
                f"epochs must be a whole number of at least 1, got {changes['epochs']}"
            )
        changes["epochs"] = int(changes["epochs"])
    return replace(spec, **changes)


def gender_by_tutorial_name(params: Params) -> dict[str, float]:
    """gender_221's layered parameters under the tutorial's names w1..w6, b1..b3."""
    return {name: float(params[layer][index]) for name, (layer, index) in GENDER_PARAMETERS.items()}


def gender_layers(values: dict[str, float]) -> Params:
    """The inverse of gender_by_tutorial_name: nine named values into the four layers."""
    params = {
        "W_input_hidden": np.zeros((2, 2)),
        "b_hidden": np.zeros(2),
        "w_hidden_output": np.zeros(2),
        "b_output": np.zeros(()),
    }
    for name, (layer, index) in GENDER_PARAMETERS.items():
        params[layer][index] = values[name]
    return params


# --- the networks --------------------------------------------------------------------------


def single_unit(case: str) -> SingleUnitSpec:
    if case == "example":
        x, y, w = [0.1, 0.3], 0.2, [-0.8, 0.5]
    else:  # quiz; the tutorial's `np.array([1, 2. 3, 4])` is a typo for [1, 2, 3, 4]
        x, y, w = [1, 2, 3, 4], 0.5, [0.5, -0.5, 0.3, 0.1]
    return SingleUnitSpec(
        network="single_unit", case=case, X=readonly(x), y=readonly(y), w=readonly(w), lr=0.5
    )


def backprop_321(case: str) -> TwoLayerSpec:
    return TwoLayerSpec(
        network="backprop_321",
        case=case,
        X=readonly([0.5, 0.1, -0.2]),
        y=readonly(0.6),
        W_input_hidden=readonly([[0.5, -0.6], [0.1, -0.2], [0.1, 0.7]]),
        w_hidden_output=readonly([0.1, -0.3]),
        lr=0.5,
        epochs=1,
        loss=SUM_SQUARES_HALF,
        update_rule="W += lr * (layer input) outer (error term), layer by layer",
    )


GENDER_X = [[-2, -1], [25, 6], [17, 4], [-15, -6]]  # (weight - 135 lb, height - 66 in)
GENDER_Y = [1, 0, 0, 1]  # 1 = female
GENDER_NAMES = ("Alice", "Bob", "Charlie", "Diana")


def gender_221(case: str, seed: int) -> Gender221Spec:
    if case == "worked_example":
        # all six weights 1, all biases 0, input Alice
        start = {name: 1.0 if name.startswith("w") else 0.0 for name in GENDER_PARAMETERS}
        X, y, names, epochs = GENDER_X[0], GENDER_Y[0], GENDER_NAMES[:1], 1
    else:  # trained: nine normal draws in the order w1..w6, b1..b3
        draws = np.random.default_rng(seed).normal(size=9)
        start = dict(zip(GENDER_PARAMETERS, draws, strict=True))
        X, y, names, epochs = GENDER_X, GENDER_Y, GENDER_NAMES, 1000
    layers = gender_layers(start)
    return Gender221Spec(
        network="gender_221",
        case=case,
        X=readonly(X),
        y=readonly(y),
        **{name: readonly(value) for name, value in layers.items()},
        lr=0.1,
        epochs=epochs,
        loss_every=10,
        names=names,
        X_new=readonly([[-7, -3], [20, 2]]),
        names_new=("Emily", "Frank"),
    )


@lru_cache(maxsize=8)
def _admissions(split: float | None, data: str | None) -> admissions_data.AdmissionsData:
    return admissions_data.load(split, data)


def _admissions_weights(n_features: int, seed: int) -> np.ndarray:
    """The admissions tutorial's start: np.random.seed(42), normal with scale 1/sqrt(n)."""
    np.random.seed(seed)
    return np.random.normal(scale=1 / n_features**0.5, size=n_features)


def admissions(case: str, split: float | None, seed: int, data: str | None) -> AdmissionsSpec:
    data = _admissions(split, data)
    w = _admissions_weights(data.X_train.shape[1], seed)
    return AdmissionsSpec(
        network="admissions",
        case=case,
        X=data.X_train,
        y=data.y_train,
        w=readonly(w),
        lr=0.5,
        epochs=1000,
        loss_every=100,
        X_test=data.X_test,
        y_test=data.y_test,
    )


def admissions_mlp(case: str, split: float | None, seed: int, data: str | None) -> TwoLayerSpec:
    data = _admissions(split, data)
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


def admissions_logit(case: str, split: float | None, seed: int, data: str | None) -> LogitSpec:
    data = _admissions(split, data)
    return LogitSpec(
        network="admissions_logit",
        case=case,
        X=data.X_train,
        y=data.y_train,
        # the admissions start, and a bias that starts at 0
        w=readonly(_admissions_weights(data.X_train.shape[1], seed)),
        b=readonly(0.0),
        lr=0.5,
        # 360 rows converge in about 1000 epochs; the cap only stops a run that never would
        epochs=5000,
        # |gradient| < 1e-8 puts every predicted probability within ~1e-7 of the
        # maximum-likelihood fit (measured: 8e-8 against statsmodels on the 360 rows)
        gradient_bound=1e-8,
        X_test=data.X_test,
        y_test=data.y_test,
    )


def chain_rule(case: str) -> ChainRuleSpec:
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


def forward_432(case: str, seed: int) -> Forward432Spec:
    np.random.seed(seed)  # the lesson's draws, in its order: X, then W1, then W2
    X = np.random.randn(4)
    W_input_hidden = np.random.normal(0, 0.1, size=(4, 3))
    W_hidden_output = np.random.normal(0, 0.1, size=(3, 2))
    return Forward432Spec(
        network="forward_432",
        case=case,
        X=readonly(X),
        y=readonly(np.empty(0)),
        W_input_hidden=readonly(W_input_hidden),
        W_hidden_output=readonly(W_hidden_output),
    )


def xor_341(case: str, seed: int) -> Xor341Spec:
    np.random.seed(seed)  # the thread's draws: W1, then W2
    W_input_hidden = np.random.random((3, 4))
    W_hidden_output = np.random.random((4, 1))
    return Xor341Spec(
        network="xor_341",
        case=case,
        X=readonly([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]),
        y=readonly([0, 1, 1, 0]),
        W_input_hidden=readonly(W_input_hidden),
        W_hidden_output=readonly(W_hidden_output),
        lr=1.0,
        epochs=1000,
        loss_every=100,
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


_GENDER_NAMES = tuple(GENDER_PARAMETERS)
_ACCURACY = ("test_accuracy", "train_mse")

NETWORKS: dict[str, Network] = {
    n.name: n
    for n in (
        Network(
            "single_unit",
            "one sigmoid unit, one gradient-descent step",
            dict.fromkeys(
                ("example", "quiz"), ("output", "error", "error_term", "del_w", "grad_w")
            ),
        ),
        Network(
            "backprop_321",
            "one backprop step through a 3-2-1 network",
            {
                "step": (
                    "output",
                    "error",
                    "output_error_term",
                    "hidden_error_term",
                    "del_w_hidden_output",
                    "del_w_input_hidden",
                    "grad_w_hidden_output",
                    "grad_w_input_hidden",
                )
            },
        ),
        Network(
            "gender_221",
            "2-2-1 classifier with biases, per-sample SGD",
            {
                "worked_example": (
                    "h1",
                    "h2",
                    "o1",
                    "dL_dw1",
                    *tuple(f"grad_{p}" for p in _GENDER_NAMES),
                ),
                "trained": (
                    "loss_history",
                    *tuple(f"final_{p}" for p in _GENDER_NAMES),
                    "emily",
                    "frank",
                ),
            },
        ),
        Network(
            "admissions",
            "one sigmoid unit on the admissions data, full-batch gradient descent",
            {"trained": ("initial_weights", "loss_history", "final_weights", *_ACCURACY)},
        ),
        Network(
            "admissions_mlp",
            "6-2-1 backprop on the admissions data, full batch",
            {
                "trained": (
                    "initial_W_input_hidden",
                    "initial_w_hidden_output",
                    "loss_history",
                    "final_W_input_hidden",
                    "final_w_hidden_output",
                    *_ACCURACY,
                )
            },
        ),
        Network(
            "admissions_logit",
            "logistic regression: a sigmoid unit with bias, cross-entropy, to convergence",
            {"trained": ("final_weights", "bias", "loss_history", "epochs_run", "test_accuracy")},
        ),
        Network(
            "chain_rule",
            "a computation graph differentiated by hand and by autograd",
            {"graph": ("J", "dJ_da", "dJ_db", "dJ_dc")},
        ),
        Network(
            "forward_432",
            "a forward pass through a 4-3-2 network",
            {"forward": ("hidden", "output")},
        ),
        Network(
            "xor_341",
            "the Q&A thread's 3-4-1 batch network in matrix form",
            {
                "trained": (
                    "output",
                    "loss_history",
                    "grad_W_input_hidden",
                    "grad_W_hidden_output",
                    "del_W_input_hidden",
                    "del_W_hidden_output",
                )
            },
        ),
    )
}

_BUILDERS = {
    "single_unit": single_unit,
    "backprop_321": backprop_321,
    "gender_221": gender_221,
    "chain_rule": chain_rule,
    "forward_432": forward_432,
    "xor_341": xor_341,
}
# The networks trained on the admissions table take a split: the share of rows that train.
_DATA_BUILDERS = {
    "admissions": admissions,
    "admissions_mlp": admissions_mlp,
    "admissions_logit": admissions_logit,
}
DATA_NETWORKS = tuple(_DATA_BUILDERS)
DEFAULT_SPLIT = admissions_data.DEFAULT_SPLIT
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
    if (split != DEFAULT_SPLIT or data is not None) and network not in _DATA_BUILDERS:
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
    if network in _DATA_BUILDERS:
        return _DATA_BUILDERS[network](case, split, seed, data)
    if network in {drawn for drawn, _ in SEEDS}:
        return _BUILDERS[network](case, seed)
    return _BUILDERS[network](case)
