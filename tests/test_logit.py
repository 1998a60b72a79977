"""admissions_logit is logistic regression: converged, it is the maximum-likelihood fit that
statsmodels computes on the same rows, in every framework."""

from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from numpy_impl import admissions_logit as numpy_logit
from shared.specs import DEFAULT_SPLIT, get_spec
from tests.conftest import FRAMEWORK_PACKAGES, load_implementation, quantities

sm = pytest.importorskip("statsmodels.api", reason="statsmodels is in the dev extra")

SPLITS = {"360_train_rows": DEFAULT_SPLIT, "all_400_rows": None}
PROBABILITIES = 1e-6  # what the issue asks; measured: 8e-8 (360 rows)


@cache
def maximum_likelihood_probabilities(split: float | None) -> np.ndarray:
    """statsmodels' Logit on the training rows, with an intercept."""
    spec = get_spec("admissions_logit", "trained", split)
    # rank_1 .. rank_4 add up to the constant column: without rank_1 the design has full
    # rank and the same column space, so the same fitted probabilities
    design = sm.add_constant(np.delete(spec.X, 2, axis=1), prepend=False)
    fit = sm.Logit(spec.y, design).fit(method="newton", disp=0, maxiter=100)
    assert fit.mle_retvals["converged"]
    return fit.predict(design)


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
def test_converged_fit_is_the_maximum_likelihood_fit(framework, split):
    implementation = load_implementation(framework, "admissions_logit")
    spec = get_spec("admissions_logit", "trained", SPLITS[split])
    got = quantities("admissions_logit", "trained", framework, SPLITS[split])
    params = {"w": got["final_weights"], "b": got["bias"]}
    expected = maximum_likelihood_probabilities(SPLITS[split])
    diff = float(np.max(np.abs(implementation.forward(params, spec.X) - expected)))
    assert diff <= PROBABILITIES, (
        f"admissions_logit ({split}) {framework} predicted probabilities: max |ours - "
        f"statsmodels| = {diff:.3e} > {PROBABILITIES:.0e}"
    )


def test_a_fit_stopped_early_is_caught():
    """The comparison can fail: stopping at |gradient| < 1e-3 leaves the fit visibly off."""
    spec = replace(get_spec("admissions_logit", "trained"), gradient_bound=1e-3)
    params = numpy_logit.train(spec)[0]
    expected = maximum_likelihood_probabilities(DEFAULT_SPLIT)
    diff = np.max(np.abs(numpy_logit.forward(params, spec.X) - expected))
    assert diff > PROBABILITIES


def test_all_rows_train_with_split_none():
    spec = get_spec("admissions_logit", "trained", None)
    assert spec.X.shape == (400, 6) and spec.y_test.shape == (0,)
    assert "test_accuracy" not in quantities("admissions_logit", "trained", "numpy", None)


def test_too_few_epochs_stop_with_a_clear_error():
    spec = replace(get_spec("admissions_logit", "trained"), epochs=10)
    with pytest.raises(
        RuntimeError, match=r"still .* after 10 epochs .* try more --epochs or another --lr"
    ):
        numpy_logit.train(spec)
