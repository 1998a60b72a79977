"""What the commands say besides their results: an error in one line (and, under --json, as
a JSON object on stdout), a progress line, the warnings a run recorded."""

from __future__ import annotations

import json
import os
import sys
import warnings

from shared.runtime import interrupts, outputs

json_errors = False  # set by main() when --json is on the command line


def fail(kind: str, detail: str, status: int, prog: str = "rosetta") -> int:
    """Report an error: one line on stderr and, under --json, a JSON object on stdout (a
    child of `rosetta` under --json leaves the line to its parent, which reads the object)."""
    if not (json_errors and os.environ.get(interrupts.CHILD)):
        print(f"{prog}: error: {detail}", file=sys.stderr)
    if json_errors:
        print(json.dumps({"error": kind, "detail": detail}))
    return status


def write_failed(what: str, error: OSError) -> int:
    """A file of the run's output could not be written: one line, exit 1. (Under --json the
    results are already on stdout, so no second JSON object follows.)"""
    print(f"rosetta: error: {what}: {outputs.writable_error(error)}", file=sys.stderr)
    return 1


def say(line: str) -> None:
    """A progress line on stderr."""
    print(line, file=sys.stderr, flush=True)


def print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Each warning recorded (NumPy's `RuntimeWarning: overflow encountered`, a framework's
    UserWarning) as one `rosetta: warning:` line, without the source path, each text once.
    Deprecation warnings are about a library's own code, not the run: Python hides them by
    default, and so does this (Keras calls np.array on its tensors the way NumPy 2 deprecates)."""
    deprecations = (DeprecationWarning, PendingDeprecationWarning)
    shown = [w for w in caught if not issubclass(w.category, deprecations)]
    for text in dict.fromkeys(str(w.message) for w in shown):
        print(f"rosetta: warning: {text}", file=sys.stderr)
