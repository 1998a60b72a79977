"""The usual mistakes, each recognised by making it: the NumPy reference is computed again with
the mistake made, and a mistake is named when that value matches the learner's.

A mistake shows first at one quantity (everything before it agrees, or `rosetta check` would
have stopped earlier), so each is made where it can first show: a sign, a factor or a
derivative in the quantity itself (its inputs agree); a transposed weight, a changed learning
rate (a gradient's sign or scale, in a trained result) or another order of the steps by
running the reference again from the spec with that change.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from types import ModuleType
from unittest import mock

import numpy as np

from shared import specs
from shared.checks import harness
from shared.checks.quantities import (
    ONE_EPOCH,
    Outcome,
    collect_case,
    layer,
    stage,
    trains_in,
)
from shared.specs import Spec, start_params

# How close a mistaken reference must come to the learner's value: the learner's code makes
# the mistake in its own order of operations, and a whole training amplifies that rounding.
MATCH_RELATIVE = 1e-9
PER_RECORD = ("gender_221",)  # networks whose SGD steps once per record (the others: per batch)
MAX_PERMUTED = 6  # records: up to 6! = 720 orders are tried for "shuffled"


@dataclass
class Context:
    network: str
    framework: str
    case: str
    name: str
    spec: Spec
    reference: np.ndarray
    yours: np.ndarray
    module: ModuleType  # numpy_impl's module of the network

    @property
    def stage(self) -> int:
        return stage(self.name, trains_in(self.network, self.case))

    @property
    def records(self) -> int:
        return len(np.atleast_1d(self.spec.y))

    def entry(self) -> str:
        if self.name in ("forward", "loss"):
            return self.name
        if self.name.startswith("gradients."):
            return "gradients"
        return "train" if self.name.startswith(ONE_EPOCH) else "run"

    def rerun(self, spec: Spec | None = None, train: Callable | None = None) -> np.ndarray | None:
        """This quantity of the reference computed from `spec` (default the case's), with
        `train` in place of the module's own."""
        patch = mock.patch.object(self.module, "train", train) if train else nullcontext()
        with patch, np.errstate(all="ignore"):
            found = collect_case(self.module, spec or self.spec, (self.entry(),)).get(self.name)
        return found.value if found is not None and found.status == "value" else None

    def with_lr(self, factor: float) -> np.ndarray | None:
        return self.rerun(replace(self.spec, lr=self.spec.lr * factor))


def close(yours: np.ndarray, candidate: np.ndarray | None, bound: float = 0.0) -> bool:
    if candidate is None or np.shape(candidate) != np.shape(yours):
        return False
    candidate = np.asarray(candidate, dtype=np.float64)
    scale = max(1.0, float(np.max(np.abs(candidate), initial=0.0)))
    diff = float(np.max(np.abs(np.asarray(yours, dtype=np.float64) - candidate), initial=0.0))
    return diff <= max(bound, MATCH_RELATIVE * scale)


def _scaled(ctx: Context, factors: list[float], loss_too: bool = True) -> Iterator:
    """The quantity with its gradient scaled by each factor: the value itself for a loss, a
    gradient or a tutorial's step; a rerun with the learning rate scaled for an update or a
    trained result (a step of SGD is lr times the gradient)."""
    if ctx.stage == 2 or ctx.name.startswith("del_") or (loss_too and ctx.stage == 1):
        yield from (ctx.reference * factor for factor in factors)
    elif ctx.stage >= 3:
        yield from (ctx.with_lr(factor) for factor in factors)


def sign(ctx: Context) -> Iterator:
    yield from _scaled(ctx, [-1.0], loss_too=False)


def factor_two(ctx: Context) -> Iterator:
    yield from _scaled(ctx, [2.0, 0.5])


def sum_mean(ctx: Context) -> Iterator:
    n = ctx.records
    if n > 1 and not (ctx.stage >= 3 and ctx.network in PER_RECORD):
        yield from _scaled(ctx, [float(n), 1.0 / n])


def transposed(ctx: Context) -> Iterator:
    weights = {name: getattr(ctx.spec, name) for name in ctx.spec.PARAM_NAMES}
    square = {name: w.T for name, w in weights.items() if w.ndim == 2 and w.shape[0] == w.shape[1]}
    if square:
        yield ctx.rerun(replace(ctx.spec, **square))


def _activations(ctx: Context) -> np.ndarray | None:
    """The activations of the layer whose error term the quantity carries, shaped to scale
    it: the output (one record), or the hidden units along the quantity's last axis."""
    params = start_params(ctx.spec)
    X = np.atleast_2d(ctx.spec.X)
    where = layer(ctx.name)
    if where == "output":
        return np.asarray(ctx.module.forward(params, X)).reshape(-1)[0]
    if where == "hidden" and "W_input_hidden" in params:
        from numpy_impl.activations import sigmoid

        hidden = sigmoid(X @ params["W_input_hidden"] + params.get("b_hidden", 0.0))[0]
        tutorial = ctx.name.removeprefix("grad_").removeprefix("dL_d")
        if tutorial in specs.gender_221.GENDER_PARAMETERS:
            return hidden[specs.gender_221.GENDER_PARAMETERS[tutorial][1][-1]]
        return hidden
    return None


def _derivative_scaled(ctx: Context, wrong: Callable[[np.ndarray], np.ndarray]) -> Iterator:
    sigmoid = getattr(ctx.spec, "activation", "sigmoid") == "sigmoid"
    if ctx.stage != 2 or ctx.records != 1 or not sigmoid:
        return
    a = _activations(ctx)
    if a is None or ctx.name == "error":
        return
    with np.errstate(all="ignore"):
        yield ctx.reference * wrong(a) / (a * (1 - a))


def derivative_left_out(ctx: Context) -> Iterator:
    yield from _derivative_scaled(ctx, np.ones_like)


def derivative_of_wrong_value(ctx: Context) -> Iterator:
    def sigmoid_prime(v: np.ndarray) -> np.ndarray:
        s = 1 / (1 + np.exp(-v))
        return s * (1 - s)

    yield from _derivative_scaled(ctx, sigmoid_prime)  # sigmoid_prime(output)
    yield from _derivative_scaled(ctx, lambda a: np.log(a / (1 - a)) * (1 - np.log(a / (1 - a))))


def _sgd(module: ModuleType, per_record: bool, accumulate: bool = False,
         order: tuple[int, ...] | None = None) -> Callable:  # fmt: skip
    """A plain-SGD train() of the reference module's gradients, stepping per record (in
    `order`) or per batch, optionally adding each gradient to the ones before (no zero_grad)."""

    def train(spec: Spec) -> tuple[dict, list[float]]:
        params, history, total = start_params(spec), [], None
        X, y = np.atleast_2d(spec.X), np.atleast_1d(spec.y)
        for epoch in range(spec.epochs):
            records = order if order is not None else range(len(y))
            steps = [(X[i : i + 1], y[i : i + 1]) for i in records] if per_record else [(X, y)]
            for X_step, y_step in steps:
                grads = module.gradients(params, X_step, y_step)
                if accumulate:
                    total = grads if total is None else {k: total[k] + grads[k] for k in grads}
                    grads = total
                for name in params:
                    params[name] = params[name] - spec.lr * grads[name]
            if getattr(spec, "loss_every", 0) and epoch % spec.loss_every == 0:
                history.append(module.loss(params, spec.X, spec.y))
        return params, history

    return train


def _trains(ctx: Context) -> bool:
    return ctx.stage >= 3 and ctx.records > 1 and not ctx.name.startswith("del_")


def per_batch(ctx: Context) -> Iterator:
    if _trains(ctx) and ctx.network in PER_RECORD:
        yield ctx.rerun(train=_sgd(ctx.module, per_record=False))


def per_record(ctx: Context) -> Iterator:
    if _trains(ctx) and ctx.network not in PER_RECORD:
        yield ctx.rerun(train=_sgd(ctx.module, per_record=True))


def accumulated(ctx: Context) -> Iterator:
    steps = ctx.records > 1 or ctx.spec.epochs > 1
    if ctx.stage >= 3 and not ctx.name.startswith("del_") and steps:
        yield ctx.rerun(train=_sgd(ctx.module, ctx.network in PER_RECORD, accumulate=True))


def shuffled(ctx: Context) -> Iterator:
    if _trains(ctx) and ctx.network in PER_RECORD and ctx.name.startswith(ONE_EPOCH):
        if ctx.records <= MAX_PERMUTED:
            for order in itertools.permutations(range(ctx.records)):
                if order != tuple(range(ctx.records)):
                    yield ctx.rerun(train=_sgd(ctx.module, True, order=order))


def float32(ctx: Context) -> Iterator:
    if ctx.yours.dtype == np.float32:
        yield ctx.yours
        return
    spec = specs.with_dtype(ctx.spec, "float32")
    bound = harness.tolerance(spec, "float32")
    value = ctx.rerun(spec)
    if value is not None and close(ctx.yours, value, bound):
        yield ctx.yours


@dataclass(frozen=True)
class Mistake:
    key: str
    make: Callable[[Context], Iterator]
    hints: dict[str, str]  # framework (or "any") -> the hint

    def hint(self, framework: str) -> str:
        return self.hints.get(framework, self.hints["any"])


CATALOGUE = (
    Mistake("sign", sign, {
        "any": "the gradient's sign is flipped (gradient ascent): dE/dy_hat = -(y - y_hat), "
        "and the step goes against the gradient, w -= lr * dE/dw (the tutorials' "
        "w += lr * error_term * x, with error = y - y_hat)",
        "jax": "the gradient's sign is flipped (gradient ascent): jax.grad(loss) is dE/dparams "
        "as it is, and optax's update is already the step against it, -lr * dE/dparams, which "
        "optax.apply_updates adds to the parameters: negate neither",
    }),
    Mistake("transposed", transposed, {
        "any": "a weight matrix is transposed: the spec's W_input_hidden is (n_in, n_hidden), "
        "used as X @ W_input_hidden",
        "torch": "a weight matrix is transposed: nn.Linear keeps weight as (out, in), the "
        "transpose of the spec's (in, out): copy W_input_hidden.T into it",
        "keras": "a weight matrix is transposed: Dense keeps its kernel as (in, out), the "
        "spec's own layout: assign W_input_hidden as it is, not its transpose",
    }),
    Mistake("factor 2", factor_two, {
        "any": "off by a factor 2, the squared error's: E = 1/2 * (y - y_hat)^2 has "
        "dE/dy_hat = -(y - y_hat), while mean((y - y_hat)^2) has -2 * (y - y_hat); use the "
        "spec's loss (`rosetta run NETWORK` prints it)",
        "torch": "off by a factor 2, the squared error's: F.mse_loss is mean((y - y_hat)^2), "
        "with no 1/2; the tutorials' E = 1/2 * mean(...) is half of it (and its gradient too)",
        "keras": "off by a factor 2, the squared error's: Keras' \"mse\" is mean((y - y_hat)^2), "
        "with no 1/2; the tutorials' E = 1/2 * mean(...) is half of it",
        "jax": "off by a factor 2, the squared error's: optax.losses.squared_error is "
        "(y_hat - y)^2, with no 1/2, and optax.losses.l2_loss is half of it, the tutorials' "
        "1/2 * (y - y_hat)^2; use the spec's loss (`rosetta run NETWORK` prints it)",
    }),
    Mistake("sum vs mean", sum_mean, {
        "any": "summed over the records where the spec takes the mean (or the other way "
        "round): divide by the number of records, len(y)",
        "torch": "summed over the records where the spec takes the mean (or the other way "
        "round): F.mse_loss's reduction='mean' is the spec's, reduction='sum' is not",
    }),
    Mistake("derivative left out", derivative_left_out, {
        "any": "the sigmoid's derivative is left out: the error term is the error times "
        "sigmoid'(z) = output * (1 - output) (for the hidden layer: hidden * (1 - hidden))",
    }),
    Mistake("derivative of the wrong value", derivative_of_wrong_value, {
        "any": "the sigmoid's derivative is taken of the wrong value: sigmoid'(z) is "
        "s * (1 - s) with s = sigmoid(z), the layer's output: write output * (1 - output), "
        "or sigmoid_prime(z) of the pre-activation z; not sigmoid_prime(output), nor z * (1 - z)",
    }),
    Mistake("step per batch", per_batch, {
        "any": "one step per batch where the spec steps per record: per-sample SGD updates the "
        "weights after each record, in the records' order",
        "torch": "one step per batch where the spec steps per record: loop over the records, "
        "with zero_grad(), backward() and step() for each one",
        "keras": "one step per batch where the spec steps per record: fit(batch_size=1)",
    }),
    Mistake("step per record", per_record, {
        "any": "one step per record where the spec takes one step per batch (full-batch "
        "gradient descent: the gradient of the mean loss over all records)",
        "keras": "one step per record where the spec steps per batch: fit(batch_size=len(X))",
    }),
    Mistake("gradients accumulated", accumulated, {
        "any": "each step adds the new gradient to the old ones: start every step from zero",
        "torch": "the gradients accumulate across steps: backward() adds into each .grad, so "
        "call optimizer.zero_grad() before every backward()",
    }),
    Mistake("records shuffled", shuffled, {
        "any": "the records are taken in another order: the spec steps through them in order",
        "keras": "the records are taken in another order: fit() shuffles by default; "
        "fit(..., shuffle=False) keeps the spec's order",
    }),
    Mistake("float32", float32, {
        "any": "computed in float32: the spec is float64 (np.float64 arrays keep it)",
        "torch": "computed in float32, PyTorch's default: the spec is float64; torch.tensor "
        "of the spec's array keeps float64, and layers need dtype= (nn.Linear(..., "
        "dtype=torch.float64))",
        "keras": "computed in float32, Keras' default: the spec is float64 "
        "(keras_impl.backend.use_dtype sets floatx)",
    }),
)


def diagnose(
    network: str, framework: str, row: object, yours: Outcome, reference: dict[str, Outcome]
) -> list[str]:
    """The hints of every catalogued mistake that, made in the reference, gives the learner's
    value of the first differing quantity (`row`), most likely first."""
    case, name = row.quantity.split("/", 1)
    module = importlib.import_module(f"numpy_impl.{network}")
    ctx = Context(network, framework, case, name, specs.get_spec(network, case),
                  reference[row.quantity].value, yours.value, module)  # fmt: skip
    found = []
    for mistake in CATALOGUE:
        for candidate in mistake.make(ctx):
            if close(ctx.yours, candidate):
                found.append(mistake.hint(framework))
                break
    return found


def unknown(row: object) -> str:
    where = "" if row.worst_index is None else f" at index {list(row.worst_index)}"
    return (
        f"no catalogued mistake gives these numbers: yours {row.yours!r}, the reference's "
        f"{row.reference!r}{where} (docs/exercises.md lists the mistakes rosetta recognises)"
    )
