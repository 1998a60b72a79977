"""What the commands write, and how they stop: no file of the user's lost, no traceback.

Every place a command writes (a `--plot` file, the `site --out` directory, stdout) either
works or ends in one line on stderr with exit 2 (a bad place, found before any work) or 1
(a failure while writing, after the results were printed). Ctrl-C (SIGINT) ends every
command with the one line "rosetta: interrupted", exit 130, and no child process left.
The signal tests run the installed script, as a user does; the rest run in-process.
"""

import contextlib
import errno
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shared.runtime import interrupts, outputs, progress
from shared.views import plots
from tests.conftest import KERAS_BACKEND
from tests.test_cli import in_process

ROSETTA = str(Path(sys.executable).with_name("rosetta"))
PNG = b"\x89PNG\r\n\x1a\n"


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under root with its content (a directory, link or FIFO: its lstat)."""
    def content(path: Path) -> bytes | str:
        if path.is_symlink():
            return f"link to {os.readlink(path)}"
        return path.read_bytes() if path.is_file() else oct(path.lstat().st_mode)

    return {str(path.relative_to(root)): content(path) for path in sorted(root.rglob("*"))}


def place(tmp_path: Path, seed: int) -> tuple[str, str]:
    """A --plot path built by `seed` from the kinds of places users name: fine, a directory,
    a path under a file, a missing directory, a read-only or unwritable system place."""
    rng = random.Random(seed)
    (tmp_path / "dir.png").mkdir(exist_ok=True)
    (tmp_path / "file.txt").write_text("the user's file")
    (tmp_path / "old.png").write_bytes(b"the user's old plot")
    kind = rng.choice(["fine", "fine-spaces", "overwrite", "directory", "under-file",
                       "under-file-deep", "missing-dir", "proc", "sys", "trailing-slash",
                       "not-png"])  # fmt: skip
    name = f"{rng.choice(['loss', 'curve é', 'a b'])}.png"
    path = {
        "fine": tmp_path / name,
        "fine-spaces": tmp_path / "dir.png" / name,
        "overwrite": tmp_path / "old.png",
        "directory": tmp_path / "dir.png",
        "under-file": tmp_path / "file.txt" / name,
        "under-file-deep": tmp_path / "file.txt" / "sub" / name,
        "missing-dir": tmp_path / "nowhere" / name,
        "proc": Path("/proc") / name,
        "sys": Path("/sys") / name,
        "trailing-slash": Path(f"{tmp_path / name}/"),
        "not-png": tmp_path / "loss.jpg",
    }[kind]
    return kind, str(path) + ("/" if kind == "trailing-slash" else "")


def test_fuzz_plot_paths_write_a_png_or_refuse_in_one_line_touching_nothing(tmp_path, capsys):
    """`rosetta run xor_341 --plot PATH` for many PATHs: exit 0 with a PNG at PATH, or exit 2
    with one line before training, and no file anywhere created or changed."""
    outcomes = {0: 0, 2: 0}
    for seed in range(40):
        kind, path = place(tmp_path, seed)
        before = tree(tmp_path)
        result = in_process(capsys, "run", "xor_341", "--plot", path)
        assert result.returncode in (0, 2), f"seed {seed} ({kind}): {result.stderr}"
        outcomes[result.returncode] += 1
        if result.returncode == 2:
            [line] = result.stderr.strip().splitlines()
            assert "--plot" in line and "Traceback" not in line, f"seed {seed} ({kind}): {line}"
            assert result.stdout == "", f"seed {seed} ({kind}): trained before refusing"
            assert tree(tmp_path) == before, f"seed {seed} ({kind}): files changed"
        else:
            assert kind in ("fine", "fine-spaces", "overwrite"), f"seed {seed}: {kind} accepted"
            assert Path(path).read_bytes()[:8] == PNG, f"seed {seed} ({kind})"
            after = tree(tmp_path)
            changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
            assert changed <= {str(Path(path).relative_to(tmp_path))}, changed
        if kind == "overwrite":
            (tmp_path / "old.png").write_bytes(b"the user's old plot")
    assert outcomes[0] >= 5 and outcomes[2] >= 10, outcomes  # both paths taken


RUN = (["run", "xor_341"], "loss_curves")
COMPARE = (["compare", "admissions", "--frameworks", "torch"], "loss_curves")
BENCH = (["bench", "--rows", "50", "--repeat", "1", "--min-time", "0.01", "--frameworks",
          "numpy"], "scaling")  # fmt: skip


@pytest.mark.parametrize(
    ("command", "broken", "error"),
    [
        (*RUN, errno.ENOSPC),
        (*RUN, errno.EACCES),
        (*RUN, errno.EROFS),
        (*COMPARE, errno.ENOSPC),
        (*BENCH, errno.EROFS),
    ],
    ids=["run-full", "run-denied", "run-read-only", "compare-full", "bench-read-only"],
)
def test_a_plot_that_fails_while_writing_comes_after_the_results(
    tmp_path, capsys, monkeypatch, command, broken, error
):
    """A disk that fills up (or turns read-only) while the plot is saved: the results are
    already printed, and the failure is one line, exit 1."""
    path = tmp_path / "plot.png"

    def fail(*args: object) -> None:
        raise OSError(error, os.strerror(error), str(path))

    monkeypatch.setattr(plots, broken, fail)
    result = in_process(capsys, *command, "--plot", str(path))
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip(), "the results were not printed before the plot"
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"rosetta: error: --plot: cannot write {str(path)!r}: {os.strerror(error)}"
    assert "Traceback" not in result.stderr


@pytest.mark.subprocesses
@pytest.mark.parametrize(
    "args",
    [["list"], ["errata", "--json"], ["run", "single_unit", "--json"], ["show", "xor_341"],
     ["run", "--help"], []],
    ids=["list", "errata", "run", "show", "help", "bare"],  # argparse hid the error of --help
)
def test_a_full_disk_on_stdout_is_one_line_and_exit_1(args):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        result = subprocess.run([ROSETTA, *args], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "rosetta: error: the output could not be written: No space left on device"
    ]


# files are replaced whole, never written through a link or into a FIFO


@pytest.mark.subprocesses
def test_a_plot_or_data_path_that_is_a_fifo_is_refused_without_waiting(tmp_path):
    """open() of a FIFO with no writer (or no reader) waits forever: the path is refused
    for what it is, before anything opens it."""
    fifo = tmp_path / "plot.png"
    os.mkfifo(fifo)
    os.mkfifo(tmp_path / "table.csv")
    for args, words in (
        (["--plot", str(fifo)], f"argument --plot: {str(fifo)!r} is a FIFO, not a regular file"),
        (["--data", str(tmp_path / "table.csv")], "table.csv: a FIFO (a pipe), not a regular"),
    ):
        result = subprocess.run([ROSETTA, "run", "admissions", *args], capture_output=True,
                                text=True, timeout=60)  # fmt: skip
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.splitlines()
        assert words in line, line


def test_a_plot_path_that_is_a_link_is_refused_and_the_link_kept(tmp_path, capsys):
    (tmp_path / "theirs.png").write_bytes(b"the user's file")
    (tmp_path / "link.png").symlink_to(tmp_path / "theirs.png")
    before = tree(tmp_path)
    result = in_process(capsys, "run", "xor_341", "--plot", str(tmp_path / "link.png"))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "is a symbolic link, not a regular file" in line, line
    assert tree(tmp_path) == before and (tmp_path / "link.png").is_symlink()


def test_a_plot_cut_short_while_written_leaves_the_old_file_whole(tmp_path, capsys, monkeypatch):
    """A full disk in the middle of the PNG (it truncated a good admissions.png): the plot
    goes to a temporary file in the same folder, renamed into place only when whole."""
    from matplotlib.figure import Figure

    path = tmp_path / "loss.png"
    path.write_bytes(PNG + b" the user's good plot")
    path.chmod(0o640)

    def half_then_full(self: object, file: object, **kwargs: object) -> None:
        file.write(PNG)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(Figure, "savefig", half_then_full)
    result = in_process(capsys, "run", "xor_341", "--plot", str(path))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1].endswith("No space left on device")
    assert path.read_bytes() == PNG + b" the user's good plot"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.png"]  # no temporary left
    monkeypatch.undo()
    assert in_process(capsys, "run", "xor_341", "--plot", str(path)).returncode == 0
    assert path.read_bytes()[:8] == PNG and len(path.read_bytes()) > 1000
    assert oct(path.stat().st_mode & 0o777) == "0o640"  # the replaced file's permissions kept


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_replacing_leaves_what_is_not_a_regular_file_alone(tmp_path, kind):
    target, path = tmp_path / "target", tmp_path / "out.html"
    target.write_text("the user's")
    {"symlink": lambda: path.symlink_to(target), "fifo": lambda: os.mkfifo(path),
     "directory": path.mkdir}[kind]()  # fmt: skip
    before = tree(tmp_path)
    with pytest.raises(OSError, match="not a regular file: not replaced"):
        outputs.write_text(path, "page")
    assert tree(tmp_path) == before


def test_a_site_file_replaced_by_a_link_is_refused_and_a_killed_builds_temporary_removed(
    tmp_path,
):
    out = tmp_path / "site"
    outputs.SiteDirectory(out).write_text("index.html", "page")
    (out / f".index.html.x1{outputs.TEMPORARY}").write_text("half a page")  # a build killed
    outputs.SiteDirectory(out)
    assert sorted(p.name for p in out.iterdir()) == [outputs.MARKER, "index.html"]
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(outputs.OutputError, match=r"index\.html' is a symbolic link"):
        outputs.SiteDirectory(out)


# rosetta site --out: only a new or empty directory, or one an earlier build wrote


@pytest.mark.parametrize(
    ("setup", "out", "words"),
    [
        ({"s/index.html": "mine", "s/style.css": "mine"}, "s", ["'index.html'", "1 more"]),
        ({"s/notes.txt": "mine", "s/.rosetta-site": "# header\nindex.html\n"}, "s", ["notes"]),
        ({"s/sub/deep.txt": "mine"}, "s", ["'sub'"]),
        ({"f": "mine"}, "f", ["not a directory"]),
        ({"f": "mine"}, "f/site", ["'f' is a file"]),
        ({}, "/proc/site", ["cannot write"]),
    ],
    ids=["user-files", "files-not-listed", "subdirectory", "a-file", "under-a-file", "proc"],
)
def test_site_refuses_a_place_it_may_not_write_and_changes_nothing(
    tmp_path, capsys, monkeypatch, setup, out, words
):
    monkeypatch.chdir(tmp_path)
    for name, text in setup.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    before = tree(tmp_path)
    result = in_process(capsys, "site", "--out", out)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rosetta: error: --out") and all(w in line for w in words), line
    assert tree(tmp_path) == before


def test_a_site_directory_is_reused_only_while_it_holds_the_sites_files(tmp_path):
    """A new directory, then the same one again (an earlier build, or one cut short after
    some files: each is listed before it is written); a user's file added later stops it."""
    out = tmp_path / "site"
    first = outputs.SiteDirectory(out)
    first.file("index.html").write_text("page")
    first.file("style.css")  # listed, then the build was interrupted before writing it
    again = outputs.SiteDirectory(out)
    assert again.written == {"index.html", "style.css"}
    (tmp_path / "empty").mkdir()
    outputs.SiteDirectory(tmp_path / "empty")
    (out / "mine.txt").write_text("the user's")
    with pytest.raises(outputs.OutputError, match=r"'mine\.txt'"):
        outputs.SiteDirectory(out)
    assert (out / "index.html").read_text() == "page"


# Ctrl-C


def running_with(token: str) -> list[int]:
    """Pids of processes whose environment carries `token` (the command and its children)."""
    pids = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if token.encode() in environ.read_bytes():
                pids.append(int(environ.parent.name))
        except OSError:
            continue
    return pids


def wait_for_numpy(pid: int) -> None:
    """Wait until the process has loaded NumPy: rosetta's own code is running. (A SIGINT in
    the interpreter's first tens of milliseconds, while Python itself starts, meets no code
    of the project: Python reports it.)"""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text():
                return
        except OSError:
            return  # it ended already
        time.sleep(0.01)


def interrupt(
    args: list[str],
    after: str | None,
    delay: float,
    signum: int = signal.SIGINT,
    program: tuple[str, ...] = (ROSETTA,),
    env: dict[str, str] | None = None,
) -> tuple[int | None, str, list]:
    """Start `rosetta ARGS` (or `program ARGS`), wait until it loads NumPy, then for a stderr
    line starting with `after` (if given), then `delay` seconds, and send `signum` (SIGINT);
    returns the exit status (None if it ran on, and was killed), stderr and the processes
    left. `after` "CHILD": wait until a child process runs."""
    token = f"ROSETTA_TEST_{uuid.uuid4().hex}"
    env = (env or os.environ) | {token: "1", "PYTHONUNBUFFERED": "1"}
    command = subprocess.Popen([*program, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    wait_for_numpy(command.pid)
    seen = []
    if after == "CHILD":
        while len(running_with(token)) < 2 and command.poll() is None:
            time.sleep(0.05)
    elif after is not None:
        for line in command.stderr:
            seen.append(line)
            if line.startswith(after):
                break
    time.sleep(delay)
    command.send_signal(signum)
    try:
        _, rest = command.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # it ran on: end it, and its children, for the report
        left = running_with(token)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        rest = command.communicate()[1] + "\n(still running 60 s after the SIGINT: killed)"
        return None, "".join(seen) + rest, left
    time.sleep(0.2)
    return command.returncode, "".join(seen) + rest, running_with(token)


LONG = ["--epochs", "1000000"]
MOMENTS = {
    "loading-libraries": (["run", "admissions", *LONG], None, 0),
    "numpy-training": (["run", "admissions", *LONG], "training", 0.5),
    "torch-training": (["run", "gender_221", "--case", "trained", "--framework", "torch",
                        *LONG], "training", 0.5),
    "tensorflow-training": (["run", "xor_341", "--framework", "keras", "--epochs", "200000"],
                            "training", 1),
    "compare-every-backend": (["compare", "xor_341", "--frameworks", "keras",
                               "--keras-backend", "all"], "CHILD", 0.5),
    "bench-child": (["bench", "--rows", "1000", "--frameworks", "numpy", "--min-time", "5"],
                    "CHILD", 0.2),
    "site-building": (["site", "--out", "SITE"], "[1/", 0.5),
}  # fmt: skip


@pytest.mark.subprocesses
def test_ctrl_c_at_any_moment_is_one_line_exit_130_and_no_child_left(tmp_path):
    """Every command, interrupted while it loads, trains, waits for its children (compare's
    Keras backends, bench's frameworks) or writes the site; all at once, to save time."""

    def one(name: str) -> tuple[str, int, str, list[int]]:
        args, after, delay = MOMENTS[name]
        args = [str(tmp_path / "site") if a == "SITE" else a for a in args]
        return (name, *interrupt(args, after, delay))

    with ThreadPoolExecutor(len(MOMENTS)) as pool:
        results = list(pool.map(one, MOMENTS))
    for name, status, stderr, left in results:
        assert status == 130, f"{name}: exit {status}: {stderr[-2000:]}"
        assert stderr.splitlines()[-1] == "rosetta: interrupted", f"{name}: {stderr[-2000:]}"
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, name
        assert not left, f"{name}: processes left running: {left}"
    assert (tmp_path / "site" / outputs.MARKER).exists()
    outputs.SiteDirectory(tmp_path / "site")  # an interrupted site can be built again there


@pytest.mark.subprocesses
def test_fuzz_ctrl_c_at_random_moments_never_prints_a_traceback():
    """SIGINT at random moments of a short run: it finishes (exit 0) or stops (exit 130)
    with one line; nothing else."""
    rng = random.Random(12)
    delays = [rng.uniform(0, 2.5) for _ in range(6)]
    args = ["run", "admissions", "--epochs", "20000", "--json"]
    with ThreadPoolExecutor(len(delays)) as pool:
        results = list(pool.map(lambda delay: interrupt(args, None, delay), delays))
    for delay, (status, stderr, left) in zip(delays, results, strict=True):
        assert status in (0, 130), f"SIGINT after {delay:.2f} s: exit {status}: {stderr}"
        if status == 130:
            assert stderr.splitlines()[-1] == "rosetta: interrupted", stderr
        assert "Traceback" not in stderr and not left, f"after {delay:.2f} s: {stderr}"


@pytest.mark.subprocesses
def test_sigterm_and_sighup_end_every_command_as_ctrl_c_does(tmp_path):
    """SIGTERM (kill, a CI timeout) and SIGHUP (the terminal closed) take Ctrl-C's path: the
    children ended (they used to run on with parent 1), one line, exit 128 + the signal's
    number, TensorFlow's and torch's temporary files gone with them (TMPDIR is the test's:
    only torch's compile cache, which a finished run leaves too, may stay). The notebook
    build used to end in nbclient's AssertionError, status 1."""
    notebooks = (sys.executable, "-m", "shared.views.notebooks")
    moments = {
        "compare-every-backend": (["compare", "xor_341", "--frameworks", "keras",
                                   "--keras-backend", "all"], "CHILD", 1.5, signal.SIGTERM),
        "bench-child": (["bench", "--rows", "100000", "--repeat", "100", "--frameworks",
                         "numpy"], "CHILD", 0.5, signal.SIGHUP),
        "site-building": (["site", "--out", str(tmp_path / "site")], "[1/", 0.5, signal.SIGTERM),
        "notebook-kernel": (["xor_341", "--check"], "CHILD", 1, signal.SIGTERM),
    }  # fmt: skip
    (tmp_path / "tmp").mkdir()
    env = os.environ | {"TMPDIR": str(tmp_path / "tmp")}

    def one(name: str) -> tuple[str, int, int | None, str, list[int]]:
        args, after, delay, signum = moments[name]
        program = notebooks if name.startswith("notebook") else (ROSETTA,)
        return (name, signum, *interrupt(args, after, delay, signum, program, env))

    with ThreadPoolExecutor(len(moments)) as pool:
        results = list(pool.map(one, moments))
    for name, signum, status, stderr, left in results:
        word = signal.Signals(signum).name
        assert status == 128 + signum, f"{name}, {word}: exit {status}: {stderr[-2000:]}"
        assert stderr.splitlines()[-1] == f"rosetta: interrupted by {word}", f"{name}: {stderr}"
        assert "Traceback" not in stderr and "Error" not in stderr, f"{name}: {stderr[-2000:]}"
        assert not left, f"{name}: processes left running: {left}"
    left = [p.name for p in (tmp_path / "tmp").iterdir() if not p.name.startswith("torchinductor")]
    assert not left, f"temporary files left: {left}"
    outputs.SiteDirectory(tmp_path / "site")  # the site can be built again there
    assert not list((tmp_path / "site").glob(f"*{outputs.TEMPORARY}"))


# progress


def test_long_training_shows_progress_on_a_terminal_and_nothing_otherwise(capsys, monkeypatch):
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.0)  # the 3 s wait, shortened for the test
    quiet = in_process(capsys, "run", "admissions", "--epochs", "20000")
    assert quiet.returncode == 0
    assert quiet.stderr.splitlines() == [
        "training admissions/trained with numpy (20000 epochs, lr 0.5) ..."
    ]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    shown = in_process(capsys, "run", "admissions", "--epochs", "20000")
    assert shown.returncode == 0
    frames = shown.stderr.replace("\r", "\n").splitlines()
    bars = [frame for frame in frames if "epoch " in frame and "/20000" in frame]
    assert bars, shown.stderr
    last = bars[-1]
    for part in ("epoch/s", "loss 0.19", "<"):  # the rate, the loss, elapsed<time left
        assert part in last, f"{part!r} missing from the progress line {last!r}"
    assert shown.stdout.splitlines()[1:] == quiet.stdout.splitlines()[1:]  # the same report


class _Finalizer:
    """An object whose finalizer is running when SIGINT arrives: Python prints the
    KeyboardInterrupt raised there ("Exception ignored in") and goes on."""

    def __del__(self) -> None:
        interrupts.handle(signal.SIGINT, None)


@pytest.mark.parametrize("framework", ["numpy", "torch", "keras"])
def test_a_ctrl_c_that_python_lost_still_stops_the_training_in_one_line(
    capsys, monkeypatch, framework
):
    """make test once saw a million-epoch run go on after its Ctrl-C: the KeyboardInterrupt
    was raised in a finalizer. The training stops at its next recorded loss all the same."""
    recorded = progress.recorded

    def ctrl_c_in_a_finalizer(every: int, history: list[float]) -> None:
        _Finalizer()  # made and dropped: its __del__ runs now, and its exception is lost
        recorded(every, history)

    monkeypatch.setattr(progress, "recorded", ctrl_c_in_a_finalizer)
    # long enough to tell: without the check it runs to the end and exits 0
    backend = ["--keras-backend", KERAS_BACKEND] if framework == "keras" else []
    args = ["--case", "trained", "--framework", framework, *backend, "--epochs", "3000"]
    result = in_process(capsys, "run", "gender_221", *args)
    assert result.returncode == 130, f"{framework}: exit {result.returncode}: {result.stderr}"
    assert result.stderr.splitlines()[-1] == "rosetta: interrupted", result.stderr
    for unwanted in ("Traceback", "Exception ignored", "KeyboardInterrupt"):
        assert unwanted not in result.stderr, f"{framework}: {result.stderr}"
    assert not interrupts.seen, "the Ctrl-C outlived its command: later trainings would stop"


@pytest.mark.parametrize("level", ["2", "0"], ids=["TF_CPP_MIN_LOG_LEVEL=2", "=0"])
def test_native_info_filter_drops_only_absl_info_lines(capfd, monkeypatch, level):
    """TensorFlow's native INFO lines at load ("oneDNN custom operations are on") ignore
    TF_CPP_MIN_LOG_LEVEL; keras_impl.backend imports TensorFlow through this filter, which
    drops them and only them, unless the level asks for INFO (test_cli checks that a
    command's stderr has none)."""
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", level)
    lines = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        "I0000 00:00:1795378477.4 8602 port.cc:153] oneDNN custom operations are on.\n",
        "W0000 00:00:1795378477.4 8602 op.cc:1] a warning\n",
        "E1122 20:11:28.4 8602 op.cc:2] an error\n",
        "plain text\n",
    ]
    with outputs.native_info_logs_dropped():
        for line in lines:
            os.write(2, line.encode())
    kept = lines if level == "0" else lines[2:]
    assert capfd.readouterr().err == "".join(kept), f"TF_CPP_MIN_LOG_LEVEL={level}"
