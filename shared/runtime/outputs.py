"""Where the commands write files, checked before any work: no file of the user's is lost.

`--plot FILE.png` must name a regular file (or a new name) in an existing, writable
directory; it is probed before training starts, without opening the file itself (a FIFO
would block the open). `rosetta site --out DIR` writes only into a directory that is new,
empty, or one that `rosetta site` wrote before: every site directory holds MARKER, which
lists the files the site wrote, and any other file in it makes the command stop before
anything changes.

Every file is written by `replacing`: into a temporary file in the same folder, renamed
into place once it is whole, so that a full disk, a kill or a Ctrl-C leaves the old file
as it was. A name that is a link, a FIFO or anything else but a regular file is never
written through, nor replaced.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

MARKER = ".rosetta-site"
_MARKER_HEAD = "# written by `rosetta site`; it rewrites only the files listed here\n"
TEMPORARY = ".rosetta-tmp"  # the suffix of a file being written (`replacing`)


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


def kind(mode: int) -> str:
    """What a file of this st_mode is, in words ("a FIFO", "a symbolic link", ...)."""
    kinds = [
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ]
    return next((words for test, words in kinds if test(mode)), "not a regular file")


def _existing(path: Path) -> os.stat_result | None:
    """lstat(path) (a link is not followed), or None if nothing has that name."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # under a file: the directory check reports it


def probe_file(path: Path) -> None:
    """Raise OutputError unless `path` can be written as a file by `replacing`: a new name
    or a writable regular file, in a directory where a file can be created. Opens nothing
    at `path` and leaves nothing behind."""
    found = _existing(path)
    if path.is_dir() and (found is None or stat.S_ISDIR(found.st_mode)):
        raise OutputError(f"{str(path)!r} is a directory; name a file in it")
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise OutputError(
            f"{str(path)!r} is {kind(found.st_mode)}, not a regular file; it is not written "
            "through nor replaced: name another file"
        )
    if not path.parent.is_dir():
        raise OutputError(_blocking_ancestor(path))
    if found is not None and not os.access(path, os.W_OK):
        raise OutputError(f"cannot write {str(path)!r} (Permission denied)")
    try:
        descriptor, trial = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=TEMPORARY)
    except OSError as error:
        raise OutputError(f"cannot write {str(path)!r} ({error.strerror})") from None
    os.close(descriptor)
    os.unlink(trial)


_umask: int | None = None


def _new_file_mode() -> int:
    """The mode a file created by open() gets here: 0o666 less the umask."""
    global _umask
    if _umask is None:
        _umask = os.umask(0o022)
        os.umask(_umask)
    return 0o666 & ~_umask


@contextlib.contextmanager
def replacing(path: Path, mode: str = "w") -> Iterator[IO]:
    """A file open for writing (`mode` "w" or "wb") whose content becomes `path` when the
    block ends without an error: it is written to a temporary file in the same folder,
    flushed to disk and renamed over `path`. On an error (a full disk, a Ctrl-C) the
    temporary file is removed and `path` is as it was. An existing `path` that is not a
    regular file (a link, a FIFO, a directory) is left alone: OSError before anything is
    written. The new file keeps the old one's permissions (a new one: the umask's)."""
    path = Path(path)
    found = _existing(path)
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise OSError(0, f"{kind(found.st_mode)}, not a regular file: not replaced", str(path))
    permissions = stat.S_IMODE(found.st_mode) if found is not None else _new_file_mode()
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name[:100]}.", suffix=TEMPORARY
    )
    try:
        with open(descriptor, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as file:
            yield file
            file.flush()
            os.fchmod(file.fileno(), permissions)
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` through `replacing`."""
    with replacing(path) as file:
        file.write(text)


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
            self._write_marker()
        except OSError as error:
            raise OutputError(f"--out: cannot write into {str(out)!r} ({error.strerror})") from None

    def _write_marker(self) -> None:
        write_text(
            self.out / MARKER, _MARKER_HEAD + "".join(f"{n}\n" for n in sorted(self.written))
        )

    def _ours(self) -> set[str]:
        """The files of an existing directory that an earlier site build wrote; OutputError
        if it holds anything else, or if a name it lists is no longer a regular file (a link
        or a FIFO put in its place). Temporary files of a build that was killed are removed."""
        marker = self.out / MARKER
        found = _existing(marker)
        if found is not None and not stat.S_ISREG(found.st_mode):
            raise OutputError(
                f"--out: {str(marker)!r} is {kind(found.st_mode)}, not the file `rosetta site` "
                "writes; choose a new or empty directory (nothing was changed)"
            )
        listed = set(marker.read_text().splitlines()[1:]) if found is not None else set()
        entries = {p.name: p for p in self.out.iterdir()}
        left = [p for n, p in entries.items() if n.startswith(".") and n.endswith(TEMPORARY)]
        foreign = sorted(
            n for n, p in entries.items() if n not in listed | {MARKER} and p not in left
        )
        if foreign:
            more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
            raise OutputError(
                f"--out: {str(self.out)!r} holds {foreign[0]!r}{more}, which `rosetta site` "
                "did not write; choose a new or empty directory (nothing was changed)"
            )
        for name in sorted(listed & set(entries)):
            mode = os.lstat(entries[name]).st_mode
            if not stat.S_ISREG(mode):
                raise OutputError(
                    f"--out: {str(entries[name])!r} is {kind(mode)}, which `rosetta site` did "
                    "not write; choose a new or empty directory (nothing was changed)"
                )
        for temporary in left:
            with contextlib.suppress(OSError):
                temporary.unlink()
        return listed

    def file(self, name: str) -> Path:
        """The path of the site's file `name`, recorded in MARKER before it is written."""
        if name not in self.written:
            self.written.add(name)
            self._write_marker()
        return self.out / name

    def write_text(self, name: str, text: str) -> None:
        """Write the site's file `name` (recorded first), through `replacing`."""
        write_text(self.file(name), text)


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


# --- the standard streams ------------------------------------------------------------------

# The start of a native INFO line of abseil's log ("I" + date) and abseil's notice before its
# log is set up: what TensorFlow and XLA write at load, before TF_CPP_MIN_LOG_LEVEL applies.
_ABSL_INFO = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\)|I\d{4} ")


@contextlib.contextmanager
def native_info_logs_dropped() -> Iterator[None]:
    """Drops the native INFO lines a C++ library logs through abseil while it loads
    ("oneDNN custom operations are on") from descriptor 2: logged before abseil is set up,
    they ignore TF_CPP_MIN_LOG_LEVEL (abseil/abseil-cpp#1718). Warnings and errors pass, and
    everything passes if TF_CPP_MIN_LOG_LEVEL asks for INFO (0)."""
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")
    if not level.isdigit() or int(level) < 1:
        return (yield)
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            sys.stderr.writelines(line for line in lines if not _ABSL_INFO.match(line))


# What a terminal whose encoding lacks a character gets instead (`rosetta show`'s column
# rules, arrows); anything else falls back to its accent-free letter, else "?".
_ASCII = {"\u2500": "-", "\u2502": "|", "\u253c": "+", "\u21aa": ">", "\u2192": ">",
          "\u2190": "<", "\u2264": "<=", "\u2265": ">=", "\u00b1": "+-", "\u00d7": "x",
          "\u2026": "...", "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
          "\u201c": '"', "\u201d": '"'}  # fmt: skip
_FALLBACK = "rosetta-ascii"


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    import unicodedata

    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    plain = [
        _ASCII.get(c) or unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
        for c in text
    ]
    return "".join(p or "?" for p in plain), error.end


class _Diagnostics:
    """stderr, but a write that fails (a full disk, a reader gone, a terminal hung up) drops
    the diagnostics from then on instead of raising: messages are never worth a traceback,
    and they must not take stdout's results along."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.failed = False

    def _do(self, action: str, *args: object) -> object:
        if not self.failed:
            try:
                return getattr(self._stream, action)(*args)
            except (OSError, ValueError):  # ValueError: the stream was closed
                self.failed = True
                _point_at_devnull(2)  # the interpreter's last flush finds nowhere to fail
        return None

    def write(self, text: str) -> int:
        self._do("write", text)
        return len(text)

    def flush(self) -> None:
        self._do("flush")

    def isatty(self) -> bool:
        return bool(self._do("isatty"))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _point_at_devnull(descriptor: int) -> None:
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        if null != descriptor:
            os.dup2(null, descriptor)
            os.close(null)


def guard_streams() -> set[str]:
    """Make the standard streams safe whatever the user did to them, before any output;
    returns the names of those that were closed ("stdin", "stdout", "stderr").

    - a closed descriptor 0, 1 or 2 is opened on /dev/null first: a file the command opens
      later would otherwise get that number, and a child process would write its output
      into it; Python's print to a missing sys.stderr would land on stdout;
    - stderr drops what it cannot write (`_Diagnostics`): under --json stdout then still
      holds exactly one JSON document;
    - a stream whose encoding lacks a character the command prints (LANG=C with
      PYTHONIOENCODING=ascii, a latin-1 terminal) gets ASCII stand-ins (- | ->) instead of
      a UnicodeEncodeError."""
    import codecs

    try:
        codecs.lookup_error(_FALLBACK)
    except LookupError:
        codecs.register_error(_FALLBACK, _ascii_fallback)
    closed = set()
    for descriptor, name in enumerate(("stdin", "stdout", "stderr")):
        try:
            os.fstat(descriptor)
        except OSError:
            closed.add(name)
            _point_at_devnull(descriptor)
    if sys.stderr is None or "stderr" in closed:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "─│→".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(errors=_FALLBACK)
    if not isinstance(sys.stderr, _Diagnostics):
        sys.stderr = _Diagnostics(sys.stderr)
    return closed
