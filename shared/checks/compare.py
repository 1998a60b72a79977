"""`rosetta compare`: every network in every framework, each quantity against NumPy float64.

Keras fixes its backend when it is imported, so each Keras backend other than the one this
process can use runs in a child process (`rosetta compare --json`), and its rows are merged;
beside other frameworks, Keras runs in a child on any backend, so that the cores share the
work (shared/cli/compare.py).
"""

from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from shared import reports, specs
from shared.checks import harness
from shared.runtime import children, frameworks


@dataclass(frozen=True)
class Row:
    network: str
    case: str
    quantity: str
    framework: str
    max_abs_diff: float
    tolerance: float
    ok: bool  # the verdict is agree (or a difference the formula explains)
    # where the framework's optimizer is other math by design (Keras' RMSprop and Adam at
    # eps > 0): that formula; the row then reports the difference it makes and is no failure
    formula: str = ""
    # harness.AGREE, DIFFER or CANNOT_TELL; or, for a run that could not finish (quantity
    # TRAINING, max_abs_diff None), NOT_CONVERGED or DIVERGED, with the error in `detail`
    verdict: str = ""
    # the bound float64's rounding alone explains, relative to the quantity's size (0 where
    # the tutorials' measured tolerances apply): above harness.NO_POWER, cannot tell
    sensitivity: float = 0.0
    # a row of the longest tellable prefix of a chaotic training: its epochs (else None)
    epochs: int | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        if not self.verdict:  # a row made from a difference and its bound alone
            object.__setattr__(self, "verdict", harness.AGREE if self.ok else harness.DIFFER)

    @property
    def failed(self) -> bool:
        """A difference no formula explains, or a run that could not finish: the exit status
        fails on these, and only these."""
        return self.verdict in (harness.DIFFER, *ERRORS) and not (
            self.formula and self.verdict == harness.DIFFER
        )


NOT_CONVERGED, DIVERGED = "not converged", "diverged"
ERRORS = (NOT_CONVERGED, DIVERGED)
TRAINING = "(training)"  # the quantity of a row whose run did not finish
REFERENCE = "numpy float64"  # the label of the reference's row, when it did not finish


def keras_label(backend: str) -> str:
    return f"keras[{backend}]"


Curves = dict[str, dict[str, list[float]]]  # "network/case" -> framework -> loss history


IMPORT = "(import)"  # the timings row of the frameworks' import, paid once per process


def compare_in_process(
    networks: Sequence[str],
    framework_names: Sequence[str],
    dtype: str,
    progress: Callable[[str], None],
    options: dict | None = None,
    reference_shown: bool = True,
) -> tuple[list[Row], dict[str, dict[str, float]], Curves]:
    """Rows, timings and the loss histories of the trained cases (with the NumPy
    reference's) for frameworks run in this process. `options` (lr, optimizer, eps,
    activation) apply to the cases that take them (harness.training_options).

    A run that cannot finish (not converged, diverged) is a row of its own, and the others
    are still compared. Where a quantity's check cannot tell (a chaotic training), the
    longest prefix of the training that can is compared too, as rows with its `epochs`.

    Timings map each network to the seconds each framework took to run all its cases
    ("numpy" is the float64 reference run), and IMPORT to the seconds each framework took
    to import. "keras" runs on the backend KERAS_BACKEND names (set it before calling).
    `reference_shown` False leaves the reference's seconds out of the progress lines (in a
    child, whose parent shows its own)."""
    rows, curves = [], {}
    labels = {
        f: keras_label(os.environ["KERAS_BACKEND"]) if f == "keras" else f
        for f in framework_names
        if not (f == "numpy" and dtype == "float64")  # the reference itself
    }
    timings = {IMPORT: {label: _import_seconds(f) for f, label in labels.items()}}
    for index, network in enumerate(networks, 1):
        timings[network] = dict.fromkeys(("numpy", *labels.values()), 0.0)
        for case in specs.cases(network):
            chosen = harness.training_options(network, case, **(options or {}))
            spec = specs.override(specs.get_spec(network, case), **chosen)
            case_rows, case_curves = _compare_case(spec, labels, dtype, chosen, timings[network])
            rows += case_rows
            if case_curves:
                curves[f"{network}/{case}"] = case_curves
            if any(row.verdict == harness.CANNOT_TELL for row in case_rows):
                rows += compare_prefix(spec, labels, dtype, chosen)
        spent = ", ".join(
            f"{label} {seconds:.2f} s"
            for label, seconds in timings[network].items()
            if reference_shown or label != "numpy"
        )
        progress(f"[{index}/{len(networks)}] {network}: {spent}")
    return rows, timings, curves


def _compare_case(
    spec: specs.Spec, labels: dict[str, str], dtype: str, chosen: dict, spent: dict[str, float]
) -> tuple[list[Row], dict[str, list[float]]]:
    """The rows of one network/case in every framework of `labels`, and its loss curves."""
    network, case = spec.network, spec.case
    started = time.perf_counter()
    reference, failure = _run(network, case, "numpy", "float64", chosen, REFERENCE)
    if "numpy" not in labels:
        spent["numpy"] += time.perf_counter() - started
    if not labels:
        return [], {}
    rows, curves = [], {}
    limits, sensitivities = {}, {}
    if failure is not None:  # no reference: each framework's own outcome is its row
        rows.append(failure)
    else:
        limits, sensitivities = harness.check_bounds(spec, dtype, reference)
    for framework, label in labels.items():
        started = time.perf_counter()
        got, failed = _run(network, case, framework, dtype, chosen, label)
        spent[label] += time.perf_counter() - started
        if failed is not None:
            rows.append(failed)
        elif failure is not None:
            rows.append(_error_row(spec, label, "", "the NumPy reference did not finish"))
        else:
            formula = harness.formula_difference(spec, label)
            rows += compare_rows(
                network, case, label, got, reference, limits, formula, sensitivities, dtype
            )
        if got is not None and "loss_history" in got:
            if reference is not None:
                curves.setdefault("numpy", reference["loss_history"].tolist())
            curves[label] = got["loss_history"].tolist()
    return rows, curves


def compare_prefix(spec: specs.Spec, labels: dict[str, str], dtype: str, chosen: dict) -> list[Row]:
    """The rows of the longest prefix of a chaotic training that the check can tell
    (harness.tellable_prefix), at that prefix's bounds; none if there is no such prefix."""
    epochs = harness.tellable_prefix(spec)
    if epochs is None:
        return []
    prefix = specs.override(spec, epochs=epochs)
    spent = dict.fromkeys(("numpy", *labels.values()), 0.0)
    rows, _ = _compare_case(prefix, labels, dtype, chosen | {"epochs": epochs}, spent)
    return [replace(row, epochs=epochs) for row in rows]


def _run(
    network: str, case: str, framework: str, dtype: str, chosen: dict, label: str | None = None
) -> tuple[dict[str, np.ndarray] | None, Row | None]:
    """The quantities of one run, or the row of its error (not converged, diverged)."""
    try:
        return harness.run_quantities(network, case, framework, dtype, **chosen), None
    except reports.NotConvergedError as error:
        kind = NOT_CONVERGED
        detail = str(error)
    except reports.DivergedError as error:
        kind = DIVERGED
        detail = str(error)
    spec = specs.override(specs.get_spec(network, case), **chosen)
    return None, _error_row(spec, label or framework, kind, detail)


def _error_row(spec: specs.Spec, label: str, kind: str, detail: str) -> Row:
    """The row of a run that did not finish; kind "" for a run that finished with nothing
    to compare it with (the reference did not finish): it cannot tell."""
    verdict = kind or harness.CANNOT_TELL
    return Row(
        spec.network, spec.case, TRAINING, label, None, None, False,
        verdict=verdict, detail=detail,
    )  # fmt: skip


def _import_seconds(framework: str) -> float:
    """Seconds to import the framework with its implementation package (0 if done already)."""
    started = time.perf_counter()
    frameworks.start(framework)  # FrameworkUnavailableError if it cannot start here
    importlib.import_module(f"{framework}_impl")
    importlib.import_module("keras_impl.backend" if framework == "keras" else framework)
    if framework == "torch":  # torch.optim imports torch._dynamo at its first step (~1 s)
        importlib.import_module("torch._dynamo")
    return time.perf_counter() - started


def compare_rows(
    network: str,
    case: str,
    framework: str,
    got: dict[str, np.ndarray],
    reference: dict[str, np.ndarray],
    bound: float | dict[str, float],
    formula: str = "",
    sensitivities: dict[str, float] | None = None,
    dtype: str = "float64",
) -> list[Row]:
    """One row per quantity; `bound` is one for all of them or one per quantity, and
    `sensitivities` (harness.check_bounds) decide where the check cannot tell. With a
    `formula` (harness.formula_difference) a difference is reported, never a failure."""
    rows = []
    for quantity, expected in reference.items():
        value = got.get(quantity)
        if value is None or value.shape != expected.shape:
            diff = float("inf")  # missing or misshapen: never ok
        else:
            diff = float(np.max(np.abs(value.astype(np.float64) - expected), initial=0.0))
        limit = bound[quantity] if isinstance(bound, dict) else bound
        sensitivity = (sensitivities or {}).get(quantity, 0.0)
        verdict = harness.verdict(diff, limit, sensitivity, dtype)
        if not math.isfinite(diff):
            verdict = harness.DIFFER
        ok = verdict == harness.AGREE or (bool(formula) and math.isfinite(diff))
        rows.append(
            Row(network, case, quantity, framework, diff, limit, ok, formula, verdict, sensitivity)
        )
    return rows


def compare_keras_in_child(
    networks: Sequence[str], backend: str, dtype: str, options: dict | None = None
) -> subprocess.Popen:
    """Start `rosetta compare --frameworks keras --keras-backend B --json` in a child process,
    passing `options` (lr, optimizer, eps, activation) on as the same flags."""
    flags = [f"--{name}={value}" for name, value in (options or {}).items() if value is not None]
    command = children.python(
        "shared.cli",
        "compare",
        *networks,
        "--frameworks",
        "keras",
        "--keras-backend",
        backend,
        "--dtype",
        dtype,
        *flags,
        "--json",
    )
    return children.start(command, os.environ | {"KERAS_BACKEND": backend}, capture_stderr=False)


def collect_child(child: subprocess.Popen, backend: str) -> tuple[list[Row], dict, Curves]:
    """The rows, timings and loss histories a child started by compare_keras_in_child
    printed."""
    out, _ = child.communicate()
    if child.returncode not in (0, 1):
        why = f"exit {child.returncode}"
        try:  # under --json the child's one-line error is a JSON object on its stdout
            why = json.loads(out)["detail"]
        except (ValueError, KeyError, TypeError):
            pass
        raise RuntimeError(f"the Keras {backend} comparison failed: {why}")
    report = json.loads(out)
    return [Row(**row) for row in report["rows"]], report["timings"], report["loss_histories"]


def framework_versions(
    framework_names: Sequence[str], keras_backends: Sequence[str]
) -> dict[str, str]:
    versions = {"numpy": frameworks.version("numpy")}
    for framework in framework_names:
        if framework == "torch":
            versions["torch"] = frameworks.version("torch")
        if framework == "keras":
            for backend in keras_backends:
                versions[keras_label(backend)] = f"keras {frameworks.version('keras')}"
    return versions


def report(
    rows: list[Row], dtype: str, versions: dict[str, str], timings: dict, curves: Curves
) -> dict:
    counts = {verdict: 0 for verdict in (*harness.VERDICTS, *ERRORS)}
    for row in rows:
        counts[row.verdict] += 1
    return {
        # every row agrees (or differs by a formula); "verdict" says what else: differ if a
        # row fails (the exit status 1), else cannot tell if a row cannot, else agree
        "ok": all(row.ok for row in rows),
        "verdict": overall(rows),
        "counts": counts,
        "dtype": dtype,
        "reference": "numpy",
        "frameworks": versions,
        "rows": [asdict(row) for row in rows],
        "timings": timings,
        "loss_histories": curves,
    }


def overall(rows: list[Row]) -> str:
    """differ if some row fails (a difference, a run that did not finish), else cannot tell
    if some row cannot, else agree."""
    if any(row.failed for row in rows):
        return harness.DIFFER
    if any(row.verdict == harness.CANNOT_TELL for row in rows):
        return harness.CANNOT_TELL
    return harness.AGREE
