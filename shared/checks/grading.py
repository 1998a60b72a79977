"""`rosetta check FILE`: a learner's module graded by the harness, row by row, with a diagnosis.

The learner's file runs in a child process (`python -m shared.checks.grading --child ...`)
under a CPU-time, a wall-clock and a memory limit, set after the framework is imported: a
loop that never ends, a crash or an allocation without bound ends the child, and rosetta says
so in one line. The child computes every quantity of shared.checks.quantities and writes them
as JSON; rosetta compares each with the NumPy float64 reference, in the order of the
computation, within the harness's tolerances. The first quantity that differs is diagnosed
with shared.checks.mistakes.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from shared import specs
from shared.checks import harness, mistakes
from shared.checks.exercises import module_path
from shared.checks.quantities import Outcome, collect, out_of_memory, where
from shared.runtime import children

TIME_LIMIT = 120.0  # seconds of the learner's code (after the framework's import), by default
MEMORY_LIMIT = 2048  # MiB the learner's code may allocate beyond what the framework took
IMPORT_ALLOWANCE = 120.0  # seconds the child may take to import the framework (Keras: ~5 s)
# Exit statuses of the child, read by the parent
_UNUSABLE, _MEMORY = 3, 4


class UnusableFileError(RuntimeError):
    """The file cannot be graded: not Python, a function missing, raising on import, over its
    time or memory. The message is one line naming the file (and line)."""


@dataclass
class Row:
    quantity: str  # "case/name"
    status: str  # "agree", "differ", "not written", "raised"
    shape: tuple[int, ...]
    max_abs_diff: float | None
    tolerance: float
    worst_index: tuple[int, ...] | None = None
    yours: float | None = None  # the learner's value at worst_index
    reference: float | None = None  # the reference's value there
    message: str = ""  # not written: the stub's hint; raised: file:line: error; shape


@dataclass
class Report:
    path: str
    network: str
    framework: str
    rows: list[Row]
    first_failure: Row | None = None
    hint: str = ""
    also: list[str] = field(default_factory=list)  # other mistakes that fit the numbers too

    @property
    def ok(self) -> bool:
        return all(row.status == "agree" for row in self.rows)

    def to_json(self) -> dict:
        def row(r: Row) -> dict:
            entry = asdict(r)
            entry["shape"] = list(r.shape)
            worst = r.worst_index
            entry["worst_index"] = None if worst is None else [int(i) for i in worst]
            for name in ("max_abs_diff", "yours", "reference"):  # strict JSON: no Infinity, NaN
                if entry[name] is not None and not math.isfinite(entry[name]):
                    entry[name] = None
            return entry

        first = None
        if self.first_failure is not None:
            first = {"quantity": self.first_failure.quantity, "status": self.first_failure.status,
                     "hint": self.hint, "also": self.also}  # fmt: skip
        return {
            "ok": self.ok,
            "path": self.path,
            "network": self.network,
            "framework": self.framework,
            "reference": "numpy float64",
            "quantities": [row(r) for r in self.rows],
            "first_failure": first,
        }


def required_functions(network: str, framework: str) -> list[str]:
    """The public functions of the project's module, which a learner's file must keep."""
    tree = ast.parse(module_path(network, framework).read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


# ---- the child --------------------------------------------------------------------------


def _vm_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit(time_limit: float, memory_mib: int) -> None:
    """CPU time and address space from now on: the learner's share, beyond the imports'."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + time_limit) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    space = _vm_bytes() + memory_mib * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (space, resource.RLIM_INFINITY))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # wall clock: a sleep that never ends
    signal.alarm(int(time_limit) + 1)


def _load(path: str) -> object:
    """The learner's file as a module; UnusableFileError (one line) if it cannot be loaded."""
    source = Path(path).read_text()
    try:
        code = compile(source, path, "exec")
    except SyntaxError as error:
        raise UnusableFileError(
            f"{path}:{error.lineno}: not Python: SyntaxError: {error.msg}"
        ) from None
    spec = importlib.util.spec_from_loader("rosetta_exercise", loader=None, origin=path)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = path
    sys.modules["rosetta_exercise"] = module
    try:
        exec(code, module.__dict__)
    except MemoryError:
        raise
    except BaseException as error:
        if out_of_memory(error):
            raise MemoryError from None
        raise UnusableFileError(f"raises on import: {where(error, path)}") from None
    return module


def child_main(argv: list[str]) -> int:
    path, network, framework, result, time_limit, memory_mib = argv
    # the framework first, under no limit: its import is not the learner's time or memory
    importlib.import_module("keras_impl.backend" if framework == "keras" else framework)
    importlib.import_module(f"{framework}_impl.{network}")
    os.dup2(2, 1)  # whatever the learner prints goes to stderr, never into the result
    _limit(float(time_limit), int(memory_mib))
    try:
        module = _load(path)
        missing = [name for name in required_functions(network, framework)
                   if not callable(getattr(module, name, None))]  # fmt: skip
        if missing:
            raise UnusableFileError(
                f"{path}: no function {missing[0]!r} ({framework}_impl/{network}.py defines "
                f"{', '.join(required_functions(network, framework))}: keep their names)"
            )
        outcomes = collect(module, network, path)
    except UnusableFileError as error:
        Path(result).write_text(json.dumps({"unusable": str(error)}))
        return _UNUSABLE
    except MemoryError:
        outcomes = None  # the traceback, and what the learner's frames held, are freed below
    if outcomes is None:
        signal.alarm(0)
        Path(result).write_text(json.dumps({"memory": True}))
        return _MEMORY
    Path(result).write_text(json.dumps({key: o.to_json() for key, o in outcomes.items()}))
    return 0


# ---- the parent -------------------------------------------------------------------------


def run_child(
    path: str, network: str, framework: str, time_limit: float, memory_mib: int
) -> dict[str, Outcome]:
    """The learner's quantities, from a child process under limits; UnusableFileError says
    in one line why there are none."""
    with tempfile.TemporaryDirectory(prefix="rosetta-check-") as folder:
        result = Path(folder) / "result.json"
        # the path made absolute: the child runs in the project's folder, not the cwd
        command = [sys.executable, "-m", "shared.checks.grading", "--child", os.path.abspath(path),
                   network, framework, str(result), str(time_limit), str(memory_mib)]  # fmt: skip
        env = os.environ | {"OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_root()), env.get("PYTHONPATH")]))
        child = children.start(command, env, capture_stderr=True)
        started = time.monotonic()
        try:
            _, err = child.communicate(timeout=time_limit + IMPORT_ALLOWANCE)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise UnusableFileError(
                f"{path}: stopped after {time.monotonic() - started:.0f} s, over its time limit "
                f"({time_limit:g} s; --time-limit): a loop that never ends?"
            ) from None
        status = child.returncode
        report = json.loads(result.read_text()) if result.exists() else None
    if status in (-signal.SIGXCPU, -signal.SIGALRM, -signal.SIGKILL) and report is None:
        raise UnusableFileError(
            f"{path}: stopped, over its time limit ({time_limit:g} s; --time-limit): a loop "
            "that never ends, or a training far longer than the spec's?"
        )
    if status == _MEMORY or (report or {}).get("memory"):
        raise UnusableFileError(
            f"{path}: stopped, over its memory limit ({memory_mib} MiB; --memory-limit): an "
            "array or a list that grows without bound?"
        )
    if status == _UNUSABLE and report:
        raise UnusableFileError(report["unusable"])
    if status != 0 or report is None:
        last = (err or "").strip().splitlines()[-1:] or [""]
        how = f"signal {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
        raise UnusableFileError(f"{path}: the check's process crashed ({how}) {last[0]}".strip())
    return {key: Outcome.from_json(entry) for key, entry in report.items()}


def _root() -> Path:
    return Path(__file__).resolve().parents[2]


@cache
def reference(network: str) -> dict[str, Outcome]:
    """The NumPy float64 reference: the same quantities, from numpy_impl (computed once per
    process; not to be changed)."""
    module = importlib.import_module(f"numpy_impl.{network}")
    return {key: o for key, o in collect(module, network).items() if o.status == "value"}


def tolerance_of(network: str, key: str) -> float:
    case, name = key.split("/", 1)
    spec = specs.get_spec(network, case)
    # the quantities of forward, loss, gradients and one epoch of train are one-step ones
    one_step = name in ("forward", "loss") or name.startswith(("gradients.", "one_epoch."))
    one_step = one_step or spec.epochs == 1
    return harness.ONE_STEP if one_step else harness.TRAINING


def compare_row(key: str, yours: Outcome | None, ref: np.ndarray, bound: float) -> Row:
    shape = tuple(ref.shape)
    if yours is None:
        return Row(key, "raised", shape, None, bound, message="not computed")
    if yours.status != "value":
        return Row(key, yours.status, shape, None, bound, message=yours.message)
    value = yours.value
    if value.shape != ref.shape:  # never ok, as in the harness: (1,) is not ()
        return Row(key, "differ", shape, float("inf"), bound,
                   message=f"yours has shape {value.shape}, the reference {shape}")  # fmt: skip
    diff = np.abs(value.astype(np.float64) - ref)
    diff = np.where(np.isnan(diff) & ~(np.isnan(value) & np.isnan(ref)), np.inf, diff)
    diff = np.nan_to_num(diff, nan=0.0)
    worst = None
    if diff.size:
        worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), shape))
    largest = float(diff[worst]) if diff.size else 0.0
    row = Row(key, "agree" if largest <= bound else "differ", shape, largest, bound, worst)
    if worst is not None:
        row.yours, row.reference = float(value[worst]), float(ref[worst])
    return row


def check(
    path: str,
    network: str,
    framework: str,
    time_limit: float = TIME_LIMIT,
    memory_mib: int = MEMORY_LIMIT,
) -> Report:
    """Grade the learner's file in a child process; UnusableFileError if it cannot be."""
    return grade(path, network, framework, run_child(path, network, framework, time_limit,
                                                     memory_mib))  # fmt: skip


def grade(path: str, network: str, framework: str, yours: dict[str, Outcome]) -> Report:
    """The report on the learner's quantities `yours` (shared.checks.quantities.collect of
    their file) against the NumPy float64 reference."""
    ref = reference(network)
    rows = [
        compare_row(key, yours.get(key), outcome.value, tolerance_of(network, key))
        for key, outcome in ref.items()
    ]
    report = Report(path, network, framework, rows)
    failing = [r for r in rows if r.status in ("differ", "raised")] or [
        r for r in rows if r.status != "agree"
    ]
    if failing:
        first = failing[0]
        report.first_failure = first
        if first.status == "differ" and first.message:  # of another shape
            report.hint = (
                f"{first.message}: return NumPy arrays shaped as the project's module does "
                "(`rosetta run NETWORK --json` prints them)"
            )
        elif first.status == "differ":
            found = mistakes.diagnose(network, framework, first, yours[first.quantity], ref)
            report.hint, report.also = (found[0], found[1:]) if found else (
                mistakes.unknown(first), [])  # fmt: skip
        elif first.status == "not written":
            report.hint = f"not written yet: {first.message}"
        else:
            report.hint = first.message
    return report


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    sys.exit(child_main(sys.argv[2:]))
