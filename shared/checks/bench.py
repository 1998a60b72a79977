"""`rosetta bench`: what one full-batch epoch of the admissions model costs in each framework.

Each framework's `admissions.epoch_step` (one full-batch gradient step on all rows, data
and model set up beforehand) is timed on synthetic data of 10^3 to 10^6 rows, in a child
process per framework (and per Keras backend), so that imports, memory and threads do not
mix. The benchmark also times the tutorial's record-by-record Python loop against the
vectorized NumPy epoch at the tutorial's 360 rows, and checks that both give the same
weights.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
import timeit
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from shared import specs
from shared.runtime import children, frameworks, interrupts
from shared.specs import AdmissionsSpec

SIZES = (10**3, 10**4, 10**5, 10**6)
SEED = 0
SAME_WEIGHTS = 1e-12  # loop and vectorized epoch: the same sums in another order
GOAL = 1.5  # torch, Keras and JAX per epoch at 10^6 rows, as a multiple of NumPy's


def synthetic(rows: int, seed: int = SEED) -> AdmissionsSpec:
    """`rows` records shaped like the prepared admissions data, from numpy.random.default_rng
    (seed): gre and gpa standard normal (as standardized), rank uniform in 1..4 one-hot
    encoded, admit drawn as Bernoulli(sigmoid(X @ w)) with w the tutorial's starting
    weights, which also start the training."""
    rng = np.random.default_rng(seed)
    start = specs.get_spec("admissions", "trained")
    scores = rng.standard_normal((rows, 2))
    ranks = np.eye(4)[rng.integers(0, 4, size=rows)]
    X = np.ascontiguousarray(np.hstack([scores, ranks]))
    y = (rng.random(rows) < 1 / (1 + np.exp(-(X @ start.w)))).astype(np.float64)
    return replace(start, X=X, y=y, epochs=1, X_test=X[:0], y_test=y[:0])


def _rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


MIN_SECONDS = 0.2  # each measurement repeats the epoch until it has run at least this long


def seconds_per_call(function: object, repeat: int, min_seconds: float) -> float:
    """The best of `repeat` measurements of `function`, each calling it as many times as
    take at least `min_seconds` (timeit's autorange, with a chosen target)."""
    timer, number = timeit.Timer(function), 1
    while timer.timeit(number) < min_seconds:
        number *= 2
    return min(timer.repeat(repeat=repeat, number=number)) / number


def measure(framework: str, sizes: Sequence[int], repeat: int, min_seconds: float) -> dict:
    """Seconds per epoch at each size, and the peak memory above the imported framework.
    Run in a child process of its own."""
    implementation = frameworks.implementation(framework, "admissions")
    baseline = _rss_mb()
    seconds = {}
    for rows in sizes:
        epoch = implementation.epoch_step(synthetic(rows))
        epoch()  # warm-up: tracing, allocations
        seconds[rows] = seconds_per_call(epoch, repeat, min_seconds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10  # KB on Linux
    return {"seconds_per_epoch": seconds, "peak_mb_above_import": max(0.0, peak - baseline)}


def _child(
    framework: str, backend: str, sizes: Sequence[int], repeat: int, min_seconds: float
) -> dict:
    command = children.python("shared.checks.bench", framework, ",".join(map(str, sizes)),
                              str(repeat), str(min_seconds))  # fmt: skip
    child = children.start(command, os.environ | {"KERAS_BACKEND": backend}, capture_stderr=True)
    out, err = child.communicate()
    if child.returncode:
        raise RuntimeError(f"the {framework} benchmark failed: {err.strip()[-500:]}")
    result = json.loads(out)
    result["seconds_per_epoch"] = {int(k): v for k, v in result["seconds_per_epoch"].items()}
    return result


def copy_bandwidth() -> float:
    """This machine's memory bandwidth in GB/s as NumPy sees it: the best of five copies of
    256 MB (read + write)."""
    source = np.ones(2**25)
    target = np.empty_like(source)
    best = min(timeit.repeat(lambda: np.copyto(target, source), number=1, repeat=5))
    return 2 * source.nbytes / best / 1e9


def tutorial_loop_epoch(spec: AdmissionsSpec, w: np.ndarray) -> np.ndarray:
    """One epoch as the tutorial writes it: a Python loop over records accumulating del_w,
    then w += lr * del_w / n. Exists only here, to be timed against the vectorized epoch."""
    del_w = np.zeros_like(w)
    for x, y in zip(spec.X, spec.y, strict=True):
        y_hat = 1 / (1 + np.exp(-(x @ w)))
        error_term = (y - y_hat) * y_hat * (1 - y_hat)
        del_w += error_term * x
    return w + spec.lr * del_w / len(spec.y)


def loop_against_vectorized(repeat: int, min_seconds: float) -> dict:
    """The tutorial's loop and numpy_impl's vectorized epoch on the 360 training rows."""
    from numpy_impl import admissions

    spec = specs.get_spec("admissions", "trained")
    looped = tutorial_loop_epoch(spec, np.array(spec.w))
    vectorized = admissions.train(replace(spec, epochs=1, loss_every=1))[0]["w"]
    difference = float(np.max(np.abs(looped - vectorized)))
    if difference > SAME_WEIGHTS:
        raise AssertionError(f"loop and vectorized epochs differ by {difference:.2e}")
    loop_seconds = seconds_per_call(
        lambda: tutorial_loop_epoch(spec, np.array(spec.w)), repeat, min_seconds
    )
    vectorized_seconds = seconds_per_call(admissions.epoch_step(spec), repeat, min_seconds)
    return {
        "rows": len(spec.y),
        "loop_seconds": loop_seconds,
        "vectorized_seconds": vectorized_seconds,
        "speedup": loop_seconds / vectorized_seconds,
        "max_weight_difference": difference,
    }


def run(
    framework_names: Sequence[str],
    keras_backends: Sequence[str],
    sizes: Sequence[int],
    repeat: int,
    progress: object,
    min_seconds: float = MIN_SECONDS,
) -> dict:
    """Every figure of the benchmark, as `rosetta bench --json` prints it."""
    labels = {"numpy": ("numpy", "tensorflow")}
    for framework in framework_names:
        if framework in ("torch", "jax"):
            labels[framework] = (framework, "tensorflow")
        if framework == "keras":
            labels |= {f"keras[{b}]": ("keras", b) for b in keras_backends}
    results = {}
    for label, (framework, backend) in labels.items():
        progress(f"timing {label} at {', '.join(f'{n:,}' for n in sizes)} rows ...")
        results[label] = _child(framework, backend, sizes, repeat, min_seconds)
    numpy = results["numpy"]["seconds_per_epoch"]
    largest = max(sizes)
    bytes_per_epoch = 2 * largest * 6 * 8  # X read twice: X @ w, then X.T @ error_term
    bandwidth = copy_bandwidth()
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "copy_bandwidth_gb_s": bandwidth,
        },
        "versions": {
            "numpy": np.__version__,
            **{f: frameworks.version(f) for f in framework_names if f != "numpy"},
        },
        "data": f"synthetic, numpy.random.default_rng({SEED}); "
        "see shared/checks/bench.py synthetic()",
        "sizes": list(sizes),
        "seconds_per_epoch": {label: r["seconds_per_epoch"] for label, r in results.items()},
        "ratio_to_numpy": {
            label: {n: r["seconds_per_epoch"][n] / numpy[n] for n in sizes}
            for label, r in results.items()
        },
        "peak_mb_above_import": {label: r["peak_mb_above_import"] for label, r in results.items()},
        "bandwidth_at_largest": {
            label: {
                "gb_s": bytes_per_epoch / r["seconds_per_epoch"][largest] / 1e9,
                "share_of_copy_bandwidth": bytes_per_epoch
                / r["seconds_per_epoch"][largest]
                / 1e9
                / bandwidth,
            }
            for label, r in results.items()
        },
        "loop_against_vectorized": loop_against_vectorized(repeat, min_seconds),
    }


def _main() -> int:
    """The child: python -m shared.checks.bench FRAMEWORK SIZES REPEAT MIN. Ended by its
    parent (SIGTERM), it stops quietly, its exit handlers run."""
    interrupts.install()
    started = time.perf_counter()
    try:
        name, sizes_text, repeat_text, min_text = sys.argv[1:5]
        sizes = [int(n) for n in sizes_text.split(",")]
        result = measure(name, sizes, int(repeat_text), float(min_text))
        print(json.dumps(result | {"child_seconds": time.perf_counter() - started}))
    except KeyboardInterrupt:
        interrupts.ignore()
        return interrupts.status()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
