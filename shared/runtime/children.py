"""Child processes of a command (`compare --keras-backend all`, `bench`), ended with it.

Each child runs in a session of its own, so a Ctrl-C typed at the terminal (or the SIGHUP of
a terminal that closes) reaches only the `rosetta` that the user started; that process ends
every child it started (`end_all`) and prints one line, instead of each child printing its
own KeyboardInterrupt traceback. SIGTERM and SIGHUP take the same path (shared.runtime.interrupts).

A child runs the project's own modules, whatever the user's directory holds: Python starts
with -P (no current directory first on sys.path, where a user's own `shared/` package would
shadow the project's) in the project's folder (so that a deleted current directory, which
oneMKL cannot start in, does not matter either). Its environment carries
interrupts.CHILD, so that it ends without a line of its own.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import shared
from shared.runtime import interrupts

PROJECT = Path(shared.__file__).resolve().parent.parent  # the folder holding `shared`

_started: list[subprocess.Popen] = []


def python(module: str, *args: str) -> list[str]:
    """The command that runs `python -m module args` in a child, safe from the user's cwd."""
    return [sys.executable, "-P", "-m", module, *args]


def start(command: Sequence[str], env: dict[str, str], capture_stderr: bool) -> subprocess.Popen:
    """Start `command` with its stdout (and stderr if `capture_stderr`) piped as text."""
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if capture_stderr else None,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env | {interrupts.CHILD: "1"},
        cwd=PROJECT,
        start_new_session=True,
    )
    _started.append(child)
    return child


def end_all(grace_seconds: float = 5.0) -> None:
    """Terminate every child still running, wait for it, and kill one that lingers. A child
    ended by SIGTERM runs its exit handlers (TensorFlow removes its temporary files)."""
    for child in _started:
        if child.poll() is None:
            child.terminate()
    for child in _started:
        try:
            child.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    _started.clear()
