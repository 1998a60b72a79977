"""The cross-checks every implementation must pass, and the tolerances they use.

Tolerances are written here once, each with the reason for its value. Checks take an
implementation module (any of numpy_impl, torch_impl, keras_impl) and treat it only
through its public functions, so one check serves all three frameworks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from types import ModuleType

import numpy as np

from shared import reports
from shared.runtime.arrays import readonly
from shared.runtime.frameworks import implementation
from shared.specs import (
    DEFAULT_SPLIT,
    NETWORKS,
    Params,
    Spec,
    get_spec,
    override,
    start_params,
    with_dtype,
)
from shared.specs.optimizers import RULES

# Figures NETWORKS.md gives in full were recomputed there in float64 with NumPy; a correct
# float64 implementation reproduces them to within a few units in the last place.
GOLDEN_FULL = 1e-12
# The fourth-order central difference below has truncation error ~h^4 and rounding error
# ~eps * |loss| / h; with h = 1e-4 both are far below 1e-7 of any gradient these networks
# have at the spec's weights or at random weights of order one.
FINITE_DIFFERENCE_RELATIVE = 1e-7
FINITE_DIFFERENCE_STEP = 1e-4

# Cross-framework agreement with the NumPy float64 reference, measured on this machine:
# one-step quantities differ by at most 1.1e-16 (torch, Keras on tensorflow, torch and jax:
# the same arithmetic in another order), so 1e-15 leaves headroom of ten ulps of a number
# near 1 and nothing more.
ONE_STEP = 1e-15
# Whole trainings (1000 epochs, 4000 per-sample SGD steps) amplify those differences; the
# worst measured is 8.9e-16 (gender_221 final weights, Keras on tensorflow). 1e-14 is ten
# times that, still five orders of magnitude inside the 1e-9 the project promises.
TRAINING = 1e-14
# --dtype float32 is a report of the drift readers see with framework defaults, not a
# check at float64 precision. Measured drift against the float64 reference, every framework
# and Keras backend: one-step quantities at most 5.4e-8 (float32's eps is 6e-8), whole
# trainings at most 4.7e-6. The bounds are ten times those.
FLOAT32_ONE_STEP = 5e-7
FLOAT32_TRAINING = 5e-5


# `--optimizer` and `--activation`: a rule other than SGD on sigmoid layers may amplify
# rounding far more than the tutorials' trainings do. RMSprop and Adam divide each gradient by
# the root of its mean square: where a gradient is nearly 0, its rounding noise becomes a step
# of about lr (admissions' Adam-trained weights move by 2.8e-2 when the same NumPy code runs
# in extended precision, while its loss history moves by 3e-17). There float64 itself cannot
# say more, and the bound of each quantity is derived from the reference: SENSITIVITY times
# how far float64's rounding moves that quantity of the NumPy run, never below the spec's own
# bound. How far is measured twice: against the same run in extended precision (np.longdouble,
# 64-bit mantissa on x86), and against runs from a start nudged by one ulp up and down (which
# also works where longdouble is float64). Measured over five networks, four optimizers at
# eps 0 and two activations, the largest difference of torch or Keras (every backend) from
# NumPy was under 3 times that.
SENSITIVITY = 10
# Keras writes momentum, Nesterov and Adam in forms that are equal to torch's only in exact
# arithmetic (its velocity is -lr times torch's; its Adam folds both bias corrections into one
# step size): every step rounds differently. Over gender_221's 4000 per-sample steps the
# largest such difference measured was 1.5e-14 (Nesterov, Keras on the torch backend), where
# float64's rounding moves NumPy's own result by 1e-15. An optimizer other than SGD is held to
# OTHER_OPTIMIZER at least, about seven times that.
OTHER_OPTIMIZER = 1e-13


def tolerance(spec: Spec, dtype: str) -> float:
    """The bound for every quantity of `spec` run in `dtype`, against NumPy in float64."""
    one_step = spec.epochs == 1
    if dtype == "float32":
        return FLOAT32_ONE_STEP if one_step else FLOAT32_TRAINING
    return ONE_STEP if one_step else TRAINING


LossFn = Callable[[Params, np.ndarray, np.ndarray], float]


def finite_difference_gradients(
    loss: LossFn, params: Params, X: np.ndarray, y: np.ndarray, h: float = FINITE_DIFFERENCE_STEP
) -> Params:
    """dE/dp for every element of every parameter, by a fourth-order central difference:
    (8 * (E(p + h) - E(p - h)) - (E(p + 2h) - E(p - 2h))) / (12 h)."""
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value, dtype=np.float64)
        for index in np.ndindex(value.shape):

            def shifted(step: float, name: str = name, index: tuple = index) -> float:
                moved = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
                moved[name][index] += step
                return loss(moved, X, y)

            near = shifted(h) - shifted(-h)
            far = shifted(2 * h) - shifted(-2 * h)
            grad[index] = (8 * near - far) / (12 * h)
        grads[name] = grad
    return grads


def relative_errors(computed: Params, reference: Params) -> dict[str, float]:
    """Largest elementwise |a - b| / max(|a|, |b|) per parameter (0 where both are 0)."""
    errors = {}
    for name, ref in reference.items():
        a, b = np.asarray(computed[name], dtype=np.float64), np.asarray(ref, dtype=np.float64)
        scale = np.maximum(np.abs(a), np.abs(b))
        ratio = np.divide(np.abs(a - b), scale, out=np.zeros_like(scale), where=scale > 0)
        errors[name] = float(ratio.max(initial=0.0))
    return errors


def gradient_check(
    implementation: ModuleType, params: Params, X: np.ndarray, y: np.ndarray
) -> dict[str, float]:
    """Relative error of the implementation's gradients against finite differences of its
    own loss, per parameter."""
    computed = implementation.gradients(params, X, y)
    if set(computed) != set(params):
        raise AssertionError(f"gradients returned {sorted(computed)}, expected {sorted(params)}")
    return relative_errors(computed, finite_difference_gradients(implementation.loss, params, X, y))


def random_params(spec: Spec, seed: int = 0) -> Params:
    """Standard-normal parameters shaped like the spec's start: a second point to check at."""
    rng = np.random.default_rng(seed)
    return {name: rng.normal(size=np.shape(v)) for name, v in start_params(spec).items()}


def run_quantities(
    network: str,
    case: str,
    framework: str,
    dtype: str = "float64",
    split: float | None = DEFAULT_SPLIT,
    seed: int | None = None,
    data: str | None = None,
    **overrides: float,
) -> dict[str, np.ndarray]:
    """Run one network/case in one framework and return its named quantities as NumPy arrays.

    `split`, `seed` and `data` choose the spec (shared.specs.get_spec); `overrides`
    replace spec fields such as lr or epochs (shared.specs.override)."""
    spec = get_spec(network, case, split, seed, data)
    spec = with_dtype(override(spec, **overrides), dtype)
    try:
        results = implementation(framework, network).run(spec)
    except (reports.DivergedError, reports.NotConvergedError):
        raise
    except RuntimeError as error:
        # torch turns a Python-number step that overflows the dtype into this error (Adam's
        # lr / (1 - b1^t) at --lr 1e38 in float32), where the others find an infinite loss
        if "without overflow" not in str(error):
            raise
        raise reports.DivergedError(
            f"{network}: training diverged: a step overflowed {dtype} in {framework} "
            f"({error}) with lr {spec.lr:g}; stopped there: try a smaller --lr"
        ) from None
    return {name: np.asarray(value) for name, value in results.items()}


def is_tutorial_rule(spec: Spec) -> bool:
    """True if the spec trains with the tutorials' SGD on sigmoid layers (or not at all)."""
    return getattr(spec, "optimizer", "sgd") == "sgd" and (
        getattr(spec, "activation", "sigmoid") == "sigmoid"
    )


def nudged(spec: Spec, direction: float = np.inf) -> Spec:
    """The same spec with every starting parameter one ulp larger (or, direction=-inf,
    smaller)."""
    return replace(
        spec,
        **{name: np.nextafter(getattr(spec, name), direction) for name in spec.PARAM_NAMES},
    )


def extended(spec: Spec) -> Spec:
    """The same spec with every array in np.longdouble, the widest float NumPy computes in."""
    arrays = {
        f.name: readonly(getattr(spec, f.name), np.longdouble)
        for f in fields(spec)
        if isinstance(getattr(spec, f.name), np.ndarray)
    }
    return replace(spec, **arrays)


def bounds(spec: Spec, dtype: str, reference: dict[str, np.ndarray]) -> dict[str, float]:
    """The bound of each quantity of `spec` against `reference`, NumPy's float64 run of it
    (check_bounds without the sensitivities)."""
    return check_bounds(spec, dtype, reference)[0]


# The three verdicts of a comparison. A difference within its bound agrees, one beyond it
# differs; where float64's rounding alone moves a quantity by more than NO_POWER relative to
# its size (with SENSITIVITY's margin), the configuration is chaotic and the bound is as wide
# as the effect of a formula error would be: the check cannot tell (docs/numerics.md).
AGREE, DIFFER, CANNOT_TELL = "agree", "differ", "cannot tell"
VERDICTS = (AGREE, DIFFER, CANNOT_TELL)
NO_POWER = 1e-6
# float32's own bounds (FLOAT32_TRAINING) already exceed 1e-6 of a quantity near 1, so in
# float32 the check cannot tell where its rounding-derived bound exceeds a thousandth of the
# quantity: twenty times its fixed bound, too wide to see even a 0.1% error. A float64
# sensitivity above NO_POWER is about 500 in float32 (FLOAT32_OVER_FLOAT64 times it).
NO_POWER_FLOAT32 = 1e-3


def no_power(dtype: str) -> float:
    """The sensitivity above which a check in `dtype` cannot tell."""
    return NO_POWER_FLOAT32 if dtype == "float32" else NO_POWER


# A chaotic configuration is also checked over the longest prefix of its training whose
# sensitivity stays under TELLABLE: there its bound is tight again (tellable_prefix).
TELLABLE = 1e-12
# Where cannot tell is a property of the configuration; float32's rounding is about 2^29
# times float64's, and a configuration's derived float32 bound scales by that (in the linear
# regime a configuration is in wherever the check can tell).
FLOAT32_OVER_FLOAT64 = float(np.finfo(np.float32).eps / np.finfo(np.float64).eps)

WHY_CANNOT_TELL = (
    "rounding alone (a one-ulp nudge of the start, or extended precision, in float64) moves "
    "these results by more than {limit:g} of their size: the training is chaotic there, so a "
    "bound wide enough for rounding is as wide as a formula error's effect, and the check has "
    "no power"
)


def _rounding_derived(spec: Spec) -> bool:
    """True where the fixed, measured tolerances do not cover the spec: an optimizer or
    activation other than the tutorials', or a learning rate or epochs other than the
    tutorial's."""
    if not is_tutorial_rule(spec):
        return True
    trains = "loss_history" in NETWORKS[spec.network].quantities.get(spec.case, ())
    tutorial = get_spec(spec.network, spec.case)
    return trains and (spec.lr, spec.epochs) != (tutorial.lr, tutorial.epochs)


def rounding_moves(spec: Spec, reference: dict[str, np.ndarray]) -> dict[str, float]:
    """How far float64's rounding moves each quantity of NumPy's float64 run of `spec`: the
    largest difference from `reference` of the runs from a start nudged one ulp up and down
    and of the run in extended precision (np.longdouble)."""
    run = implementation("numpy", spec.network).run
    spec = with_dtype(spec, "float64")
    others = [run(nudged(spec, np.inf)), run(nudged(spec, -np.inf)), run(extended(spec))]

    def moved(name: str, value: np.ndarray) -> float:
        value = np.asarray(value, dtype=np.longdouble)
        return max(float(np.max(np.abs(other[name] - value), initial=0.0)) for other in others)

    return {name: moved(name, value) for name, value in reference.items()}


def _size(value: np.ndarray) -> float:
    return float(np.max(np.abs(np.asarray(value, dtype=np.float64)), initial=0.0))


def check_bounds(
    spec: Spec, dtype: str, reference: dict[str, np.ndarray]
) -> tuple[dict[str, float], dict[str, float]]:
    """The bound of each quantity of `spec` against `reference`, NumPy's float64 run of it,
    and its sensitivity.

    The bound is tolerance(spec, dtype) (at least OTHER_OPTIMIZER for an optimizer other than
    SGD), or, if larger, SENSITIVITY times how far float64's rounding moves the quantity
    (rounding_moves; in float32, times FLOAT32_OVER_FLOAT64). The sensitivity is that
    rounding-derived bound relative to the quantity's size (its largest |element|): above
    no_power(dtype) the check cannot tell. Where the tutorials' measured tolerances cover the
    spec, nothing is derived and every sensitivity is 0."""
    bound = tolerance(spec, dtype)
    if not _rounding_derived(spec):
        return dict.fromkeys(reference, bound), dict.fromkeys(reference, 0.0)
    if getattr(spec, "optimizer", "sgd") != "sgd":
        bound = max(bound, OTHER_OPTIMIZER)
    scale = FLOAT32_OVER_FLOAT64 if dtype == "float32" else 1.0
    moves = rounding_moves(spec, reference)
    limits, sensitivities = {}, {}
    for name, moved in moves.items():
        derived = SENSITIVITY * moved * scale
        limits[name] = max(bound, derived)
        # a quantity that is 0 yet moved has a huge sensitivity, finite (a JSON number)
        size = max(_size(reference[name]), float(np.finfo(np.float64).tiny))
        sensitivities[name] = min(derived / size, float(np.finfo(np.float64).max))
    return limits, sensitivities


def verdict(diff: float, limit: float, sensitivity: float, dtype: str = "float64") -> str:
    """agree, differ or cannot tell, for a difference `diff` against its bound."""
    if sensitivity > no_power(dtype):
        return CANNOT_TELL
    return AGREE if diff <= limit else DIFFER


def tellable_prefix(spec: Spec) -> int | None:
    """The longest prefix of `spec`'s training, in epochs, over which every quantity's
    sensitivity stays under TELLABLE (found by bisection, the sensitivity growing with the
    epochs), or None: none does, or the spec's epochs are a cap rather than a length
    (admissions_logit trains to convergence, so a shorter run is no prefix of it)."""
    if hasattr(spec, "gradient_bound") or spec.epochs <= 1:
        return None
    run = implementation("numpy", spec.network).run

    def tellable(epochs: int) -> bool:
        prefix = with_dtype(override(spec, epochs=epochs), "float64")
        _, sensitivities = check_bounds(prefix, "float64", run(prefix))
        return max(sensitivities.values(), default=0.0) < TELLABLE

    if not tellable(1):
        return None
    low, high = 1, spec.epochs  # tellable(low); the whole training (high) is not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if tellable(middle) else (low, middle)
    return low


def formula_difference(spec: Spec, framework: str) -> str:
    """The formula by which `framework`'s optimizer differs from the NumPy reference's (and
    torch's) by design at the spec's eps, or "" where the two are the same math."""
    # a spec that does not train (single_unit's one step, chain_rule) has no optimizer field
    optimizer, eps = getattr(spec, "optimizer", "sgd"), getattr(spec, "eps", 0.0)
    rule = RULES[optimizer]
    if not framework.startswith("keras") or not rule.differs_by_design(eps):
        return ""
    return f"{optimizer}: keras {rule.keras}; numpy and torch {rule.torch}"


def training_options(network: str, case: str, **options: float | str | None) -> dict:
    """The options (lr, optimizer, eps, activation) that apply to `network`/`case`: the ones
    given, for a case that trains (has a loss history) and whose spec has the field."""
    if "loss_history" not in NETWORKS[network].quantities[case]:
        return {}
    spec = get_spec(network, case)
    return {
        name: value for name, value in options.items() if value is not None and hasattr(spec, name)
    }
