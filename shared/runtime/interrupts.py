"""Ctrl-C in `rosetta`: remembered, so that the command stops even where Python lost it.

A SIGINT raises KeyboardInterrupt wherever Python is at that moment. Where that is a
finalizer (a `__del__`, a weakref callback) or an import lock's callback, Python prints the
exception and goes on, and a training of a million epochs would run to its end; a library
may also turn the KeyboardInterrupt into an error of its own (NumPy interrupted while it
loads its C extension raises ImportError). So `handle` records the Ctrl-C before it raises:
`check()`, which shared.reports calls at every recorded loss in every framework, raises it
again, and `seen` tells the command that an error was the interruption. The traceback Python
prints for the lost one ("Exception ignored in ...") is left out: Ctrl-C is one line.

Only the standard library: `rosetta` installs the handler before it loads anything else.
"""

import signal
import sys

seen = False


def handle(signum: int, frame: object) -> None:
    """The SIGINT handler: remember the Ctrl-C, then raise KeyboardInterrupt as Python does."""
    global seen
    seen = True
    raise KeyboardInterrupt


def install() -> object:
    """Handle SIGINT here; returns the handler it replaced (None off the main thread)."""
    if sys.unraisablehook is not _unraisable:
        _unraisable.previous = sys.unraisablehook
        sys.unraisablehook = _unraisable
    try:
        return signal.signal(signal.SIGINT, handle)
    except ValueError:  # signals can be set in the main thread only
        return None


def _unraisable(unraisable: object) -> None:
    """Python's report of an exception it could not raise, but for a Ctrl-C: that one is
    raised again by `check()` or reported by the command."""
    if not (seen and isinstance(unraisable.exc_value, KeyboardInterrupt)):
        _unraisable.previous(unraisable)


_unraisable.previous = sys.unraisablehook


def forget() -> None:
    """A new command (`main` called again in one process) starts with no Ctrl-C seen."""
    global seen
    seen = False


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even if Python lost the first one."""
    if seen:
        raise KeyboardInterrupt
