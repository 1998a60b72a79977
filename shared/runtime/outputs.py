"""Where the commands write files, checked before any work: no file of the user's is lost.

`--plot FILE.png` must name a file in an existing, writable directory; it is probed by
opening it for appending (which changes nothing) before training starts. `rosetta site
--out DIR` writes only into a directory that is new, empty, or one that `rosetta site`
wrote before: every site directory holds MARKER, which lists the files the site wrote, and
any other file in it makes the command stop before anything changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

MARKER = ".rosetta-site"
_MARKER_HEAD = "# written by `rosetta site`; it rewrites only the files listed here\n"


class OutputError(ValueError):
    """A place the command cannot or may not write to; the message names it and why."""


def _blocking_ancestor(path: Path) -> str:
    """Why the directory that would hold `path` is unusable: missing, or under a file."""
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                return f"{str(ancestor)!r} is a file, not a directory"
            break
    return f"directory {str(path.parent)!r} does not exist"


def probe_file(path: Path) -> None:
    """Raise OutputError unless `path` can be written as a file; leaves nothing behind."""
    if path.is_dir():
        raise OutputError(f"{str(path)!r} is a directory; name a file in it")
    if not path.parent.is_dir():
        raise OutputError(_blocking_ancestor(path))
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as error:
        raise OutputError(f"cannot write {str(path)!r} ({error.strerror})") from None
    if not existed:
        path.unlink()


class SiteDirectory:
    """A directory the site may write into; `file(name)` records `name` in MARKER first, so
    that an interrupted build can be run again into the same directory."""

    def __init__(self, out: Path) -> None:
        if out.exists() and not out.is_dir():
            raise OutputError(f"--out: {str(out)!r} exists and is not a directory")
        if not out.exists() and "is a file" in (blocked := _blocking_ancestor(out)):
            raise OutputError(f"--out: {blocked}")
        self.out = out
        self.written = self._ours() if out.is_dir() else set()
        try:
            out.mkdir(parents=True, exist_ok=True)
            with open(out / MARKER, "w") as marker:
                marker.write(_MARKER_HEAD + "".join(f"{name}\n" for name in sorted(self.written)))
        except OSError as error:
            raise OutputError(f"--out: cannot write into {str(out)!r} ({error.strerror})") from None

    def _ours(self) -> set[str]:
        """The files of an existing directory that an earlier site build wrote; OutputError
        if it holds anything else."""
        marker = self.out / MARKER
        listed = set(marker.read_text().splitlines()[1:]) if marker.is_file() else set()
        foreign = sorted(p.name for p in self.out.iterdir() if p.name not in listed | {MARKER})
        if foreign:
            more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
            raise OutputError(
                f"--out: {str(self.out)!r} holds {foreign[0]!r}{more}, which `rosetta site` "
                "did not write; choose a new or empty directory (nothing was changed)"
            )
        return listed

    def file(self, name: str) -> Path:
        """The path of the site's file `name`, recorded in MARKER before it is written."""
        if name not in self.written:
            with open(self.out / MARKER, "a") as marker:
                marker.write(f"{name}\n")
            self.written.add(name)
        return self.out / name


def writable_error(error: OSError) -> str:
    """An OSError while writing output, as the end of a one-line message."""
    where = f" {error.filename!r}" if getattr(error, "filename", None) else ""
    return f"cannot write{where}: {error.strerror or error}"


def discard_stdout() -> None:
    """After stdout failed (a full disk), point it at /dev/null so that the interpreter's
    last flush at exit does not fail again with a traceback."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a file (tests capture it): nothing is flushed at exit
