"""`rosetta compare`: every network in every framework, each quantity against NumPy float64.

Keras fixes its backend when it is imported, so each Keras backend other than the one this
process can use runs in a child process (`rosetta compare --json`), and its rows are merged.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from shared import specs
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
    ok: bool
    # where the framework's optimizer is other math by design (Keras' RMSprop and Adam at
    # eps > 0): that formula; the row then reports the difference it makes and is no failure
    formula: str = ""


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
) -> tuple[list[Row], dict[str, dict[str, float]], Curves]:
    """Rows, timings and the loss histories of the trained cases (with the NumPy
    reference's) for frameworks run in this process. `options` (lr, optimizer, eps,
    activation) apply to the cases that take them (harness.training_options).

    Timings map each network to the seconds each framework took to run all its cases
    ("numpy" is the float64 reference run), and IMPORT to the seconds each framework took
    to import. "keras" runs on the backend KERAS_BACKEND names (set it before calling)."""
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
            started = time.perf_counter()
            reference = harness.run_quantities(network, case, "numpy", "float64", **chosen)
            if "numpy" not in labels:
                timings[network]["numpy"] += time.perf_counter() - started
            bounds = harness.bounds(spec, dtype, reference) if labels else {}
            for framework, label in labels.items():
                started = time.perf_counter()
                got = harness.run_quantities(network, case, framework, dtype, **chosen)
                timings[network][label] += time.perf_counter() - started
                formula = harness.formula_difference(spec, label)
                rows += compare_rows(network, case, label, got, reference, bounds, formula)
                if "loss_history" in got:
                    curve = curves.setdefault(f"{network}/{case}", {})
                    curve.setdefault("numpy", reference["loss_history"].tolist())
                    curve[label] = got["loss_history"].tolist()
        spent = ", ".join(f"{label} {seconds:.2f} s" for label, seconds in timings[network].items())
        progress(f"[{index}/{len(networks)}] {network}: {spent}")
    return rows, timings, curves


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
) -> list[Row]:
    """One row per quantity; `bound` is one for all of them or one per quantity. With a
    `formula` (harness.formula_difference) a difference is reported, never a failure."""
    rows = []
    for quantity, expected in reference.items():
        value = got.get(quantity)
        if value is None or value.shape != expected.shape:
            diff = float("inf")  # missing or misshapen: never ok
        else:
            diff = float(np.max(np.abs(value.astype(np.float64) - expected), initial=0.0))
        limit = bound[quantity] if isinstance(bound, dict) else bound
        ok = diff <= limit or (bool(formula) and math.isfinite(diff))
        rows.append(Row(network, case, quantity, framework, diff, limit, ok, formula))
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
    return {
        "ok": all(row.ok for row in rows),
        "dtype": dtype,
        "reference": "numpy",
        "frameworks": versions,
        "rows": [asdict(row) for row in rows],
        "timings": timings,
        "loss_histories": curves,
    }
