"""Child processes of a command (`compare --keras-backend all`, `bench`), ended with it.

Each child runs in a session of its own, so a Ctrl-C typed at the terminal reaches only the
`rosetta` that the user started; that process ends every child it started (`end_all`) and
prints one line, instead of each child printing its own KeyboardInterrupt traceback.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

_started: list[subprocess.Popen] = []


def start(command: Sequence[str], env: dict[str, str], capture_stderr: bool) -> subprocess.Popen:
    """Start `command` with its stdout (and stderr if `capture_stderr`) piped as text."""
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if capture_stderr else None,
        text=True,
        env=env,
        start_new_session=True,
    )
    _started.append(child)
    return child


def end_all(grace_seconds: float = 2.0) -> None:
    """Terminate every child still running, wait for it, and kill one that lingers."""
    for child in _started:
        if child.poll() is None:
            child.terminate()
    for child in _started:
        try:
            child.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    _started.clear()
