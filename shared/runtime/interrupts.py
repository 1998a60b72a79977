"""Ctrl-C, SIGTERM and SIGHUP in `rosetta`: remembered, so that the command stops even where
Python lost it, and ends the same clean way for all three (children ended, one line, exit
128 + the signal's number: 130, 143, 129).

A SIGINT raises KeyboardInterrupt wherever Python is at that moment. Where that is a
finalizer (a `__del__`, a weakref callback) or an import lock's callback, Python prints the
exception and goes on, and a training of a million epochs would run to its end; a library
may also turn the KeyboardInterrupt into an error of its own (NumPy interrupted while it
loads its C extension raises ImportError). So `handle` records the Ctrl-C before it raises:
`check()`, which shared.reports calls at every recorded loss in every framework, raises it
again, and `seen` tells the command that an error was the interruption. The traceback Python
prints for the lost one ("Exception ignored in ...") is left out: Ctrl-C is one line.

SIGTERM (`kill`, a service manager, a CI timeout) and SIGHUP (the terminal closed) take the
same path as SIGINT, raised as KeyboardInterrupt, so that every `finally` runs: the child
processes are ended (not left running with parent 1), temporary files are removed and
TensorFlow's exit handlers run. A child process of `rosetta` (CHILD set in its environment)
ends the same way, without its own line: the parent reports.

Only the standard library: `rosetta` installs the handler before it loads anything else.
"""

import os
import signal
import sys

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CHILD = "ROSETTA_CHILD"  # set in the environment of the processes `rosetta` starts
seen = False
received: int | None = None  # the first of SIGNALS that came


def handle(signum: int, frame: object) -> None:
    """The handler of SIGNALS: remember the signal, then raise KeyboardInterrupt as Python
    does for SIGINT."""
    global seen, received
    seen = True
    if received is None:
        received = signum
    raise KeyboardInterrupt


def install() -> object:
    """Handle SIGNALS here; returns the SIGINT handler it replaced (None off the main thread).
    The others' previous handlers are kept for `restore`."""
    if sys.unraisablehook is not _unraisable:
        _unraisable.previous = sys.unraisablehook
        sys.unraisablehook = _unraisable
    try:
        previous = {number: signal.signal(number, handle) for number in SIGNALS}
    except ValueError:  # signals can be set in the main thread only
        return None
    _previous.update({k: v for k, v in previous.items() if v is not handle})
    return previous[signal.SIGINT]


_previous: dict[int, object] = {}


def restore() -> None:
    """Put back the handlers that `install` replaced (main() called in a process that goes
    on, as the tests do)."""
    for number, handler in _previous.items():
        if handler is not None:
            signal.signal(number, handler)
    _previous.clear()


def ignore() -> None:
    """Ignore SIGNALS from now on: the command is cleaning up, or done."""
    for number in SIGNALS:
        try:
            signal.signal(number, signal.SIG_IGN)
        except ValueError:
            return


def status() -> int:
    """The exit status of a command ended by the signal received: 128 + its number."""
    return 128 + (received or signal.SIGINT)


def message() -> str:
    """The one line that says how the command ended (none in a child: the parent says it)."""
    if os.environ.get(CHILD):
        return ""
    if received in (None, signal.SIGINT):
        return "rosetta: interrupted"
    return f"rosetta: interrupted by {signal.Signals(received).name}"


def _unraisable(unraisable: object) -> None:
    """Python's report of an exception it could not raise, but for a Ctrl-C: that one is
    raised again by `check()` or reported by the command."""
    if not (seen and isinstance(unraisable.exc_value, KeyboardInterrupt)):
        _unraisable.previous(unraisable)


_unraisable.previous = sys.unraisablehook


def forget() -> None:
    """A new command (`main` called again in one process) starts with no Ctrl-C seen."""
    global seen, received
    seen = False
    received = None


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even if Python lost the first one."""
    if seen:
        raise KeyboardInterrupt
