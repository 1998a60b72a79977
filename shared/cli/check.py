"""`rosetta check FILE`: a learner's module (an exercise, or any file with the project's
functions) graded against the NumPy float64 reference, quantity by quantity."""

from __future__ import annotations

import argparse
import json
import math
import os
import textwrap
from pathlib import Path

from shared import specs
from shared.checks import exercises, grading
from shared.cli import messages, options
from shared.cli.exercise import LOOP
from shared.runtime import frameworks

MAX_TIME_LIMIT = 3600.0  # seconds
MAX_MEMORY_LIMIT = 64 * 1024  # MiB


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "check",
        help="grade your module of a network against the NumPy float64 reference",
        description="Run FILE (an exercise from `rosetta exercise`, or any module with the "
        "functions the project's module of the network has) in a child process with a time "
        "and a memory limit, compute every quantity the harness knows for every case of the "
        "network, and compare each with the NumPy float64 reference within the harness's "
        "tolerances. Prints a table in the order of the computation (the forward pass, the "
        "loss, the gradients from the loss backward, the one-step update, the trained "
        "results): each quantity's shape, whether it agrees, differs or is not written yet "
        "(a TODO left), the largest absolute difference and where it is. Then the first "
        "quantity that goes wrong, with the mistake that explains it where rosetta "
        "recognises one. " + LOOP + " Exit status: 0 every quantity agrees; 1 one differs "
        "or is not written; 2 the file cannot be used (not Python, a function missing, "
        "raising on import, over its time or memory limit) or bad arguments.",
    )
    command.add_argument("path", metavar="FILE", type=Path, help="the Python file to grade")
    command.add_argument(
        "--network", choices=list(specs.NETWORKS), metavar="N",
        help=f"the network FILE implements, one of: {', '.join(specs.NETWORKS)} (default: "
        "from its first line, as `rosetta exercise` writes it, or from a path like "
        "torch_impl/gender_221.py)",
    )  # fmt: skip
    command.add_argument(
        "--framework", choices=frameworks.FRAMEWORKS, metavar="F",
        help=f"the framework FILE uses, one of: {', '.join(frameworks.FRAMEWORKS)} (default: "
        "as for --network)",
    )  # fmt: skip
    options.keras_backend_option(
        command, "the backend Keras runs FILE on, in the child process (Keras files only)",
        allow_all=False,
    )  # fmt: skip
    command.add_argument(
        "--time-limit", type=lambda text: options.positive_float(text, MAX_TIME_LIMIT),
        default=grading.TIME_LIMIT, metavar="SECONDS",
        help=f"seconds FILE's code may run, after the framework's import, in CPU time and on "
        f"the clock (default {grading.TIME_LIMIT:g}, at most {MAX_TIME_LIMIT:g})",
    )  # fmt: skip
    command.add_argument(
        "--memory-limit", type=lambda text: options.whole(text, 64, MAX_MEMORY_LIMIT),
        default=grading.MEMORY_LIMIT, metavar="MIB",
        help=f"MiB FILE's code may allocate beyond the framework's own (default "
        f"{grading.MEMORY_LIMIT}, 64..{MAX_MEMORY_LIMIT})",
    )  # fmt: skip
    command.add_argument(
        "--json", action="store_true",
        help='print one JSON object {"ok", "network", "framework", "quantities": [{"quantity", '
        '"status", "shape", "max_abs_diff", "tolerance", "worst_index", "yours", "reference", '
        '"message"}], "first_failure": {"quantity", "status", "hint", "also"} | null}',
    )  # fmt: skip
    command.set_defaults(subparser=command, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    path = args.path
    if not path.is_file():
        return messages.fail("bad argument", f"{str(path)!r} is not a file", 2)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        return messages.fail("unusable file", f"{path}: cannot be read ({error})", 2)
    found = exercises.identify(path, text) or (None, None)
    network, framework = args.network or found[0], args.framework or found[1]
    if network is None or framework is None:
        return messages.fail(
            "bad argument",
            f"{path}: its first line does not name its network and framework (as `rosetta "
            "exercise` writes it); give --network and --framework",
            2,
        )
    if network not in specs.NETWORKS or framework not in frameworks.FRAMEWORKS:
        return messages.fail(
            "bad argument", f"{path}:1 names {network} in {framework}, which rosetta does not "
            f"know; networks: {', '.join(specs.NETWORKS)}; frameworks: "
            f"{', '.join(frameworks.FRAMEWORKS)}", 2,
        )  # fmt: skip
    if frameworks.version(framework) is None:
        return messages.fail(
            "framework unavailable",
            f"{framework} is not installed; install it with: {frameworks.install_hint(framework)}",
            2,
        )
    # the option's default is None (it names the default in its help): Keras' default backend
    args.keras_backend = args.keras_backend or options.KERAS_BACKEND
    if framework == "keras" and not frameworks.keras_backend_installed(args.keras_backend):
        return messages.fail(
            "framework unavailable",
            f"Keras' {args.keras_backend} backend is not installed; install it with: "
            f"{frameworks.install_hint('keras')}",
            2,
        )
    if framework == "keras":
        os.environ["KERAS_BACKEND"] = args.keras_backend  # for the child, which imports Keras
    if not args.json:
        label = f"keras[{args.keras_backend}]" if framework == "keras" else framework
        messages.say(f"Checking {path}: {network} in {label}, against NumPy in float64")
    try:
        report = grading.check(str(path), network, framework, args.time_limit, args.memory_limit)
    except grading.UnusableFileError as error:
        return messages.fail("unusable file", str(error), 2)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(table(report))
    return 0 if report.ok else 1


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return "0" if value == 0 else ("inf" if math.isinf(value) else f"{value:.3g}")


def table(report: grading.Report) -> str:
    """The rows, then the first failure with its hint, then the verdict."""
    rows = [("quantity", "shape", "status", "max |diff|", "worst index")]
    for row in report.rows:
        shown = row.worst_index is not None and row.status != "agree"
        index = str(list(row.worst_index)) if shown else ""
        rows.append((row.quantity, str(row.shape), row.status, _number(row.max_abs_diff), index))
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip()
             for r in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    counts = {}
    for row in report.rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    first = report.first_failure
    if first is not None:
        lines.append("")
        what = {"differ": "differs", "not written": "is not written yet", "raised": "raised"}
        lines.append(f"First to go wrong: {first.quantity} {what.get(first.status, first.status)}")
        if first.status == "differ" and first.worst_index is not None:
            where = list(first.worst_index) if first.worst_index else ""
            lines.append(f"  yours{where}: {first.yours!r}   reference: {first.reference!r}   "
                         f"(tolerance {first.tolerance:g})")  # fmt: skip
        for label, hint in [("hint", report.hint)] + [("also", hint) for hint in report.also]:
            lines += textwrap.wrap(hint, 100, initial_indent=f"  {label}: ",
                                   subsequent_indent=" " * 8, break_on_hyphens=False)  # fmt: skip
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    verdict = "every quantity agrees" if report.ok else summary
    lines += ["", f"{report.path}: {len(report.rows)} quantities: {verdict}"]
    return "\n".join(lines)
