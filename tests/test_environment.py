"""What the user's surroundings do to a command: its streams (closed, full, a reader that
leaves, an encoding without the box-drawing characters), its current directory (holding a
`shared/` package of the user's, or deleted) and the environment the frameworks read. Each
case ends in the command's result or in one line with its exit status, never a traceback.
These run the installed `rosetta`, as a user does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROSETTA = str(Path(sys.executable).with_name("rosetta"))


def shell(script: str, **kwargs: object) -> subprocess.CompletedProcess:
    """`script` in sh, with $ROSETTA the installed command (redirections as a user types them)."""
    env = os.environ | {"ROSETTA": ROSETTA} | kwargs.pop("env", {})
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=120,
                          env=env, **kwargs)  # fmt: skip


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]


# stdout and stderr

COMMANDS = {
    "list": "list",
    "errata": "errata",
    "show": "show xor_341",
    "run": "run admissions --epochs 20000",
}


@pytest.mark.subprocesses
@pytest.mark.parametrize("command", COMMANDS)
def test_a_closed_stdout_is_one_line_and_a_reader_that_leaves_ends_quietly(command):
    closed = shell(f"exec $ROSETTA {COMMANDS[command]} >&-")
    assert closed.returncode == 1, closed.stderr
    assert closed.stderr.splitlines() == [
        "rosetta: error: the output could not be written: stdout is closed"
    ], closed.stderr  # it used to be a traceback: 'NoneType' object has no attribute 'flush'
    left = shell(f"$ROSETTA {COMMANDS[command]} | head -c 1 > /dev/null; echo $?")
    no_traceback(left)


JSON_RUNS = {
    "run": ("run single_unit --json", 0, "quantities"),
    "error": ("run no_such_network --json", 2, "error"),
    "compare": ("compare single_unit --frameworks numpy --dtype float32 --json", 0, "rows"),
}


@pytest.mark.subprocesses
@pytest.mark.parametrize("stderr", ["closed", "full"])
@pytest.mark.parametrize("run", JSON_RUNS)
def test_under_json_stdout_holds_one_json_document_whatever_stderr_is(run, stderr):
    """With stderr closed, Python's print(file=sys.stderr) printed on stdout (sys.stderr is
    None): the progress lines joined the JSON; with stderr full the JSON vanished."""
    if stderr == "full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    args, status, key = JSON_RUNS[run]
    result = shell(f"exec $ROSETTA {args} " + ("2>&-" if stderr == "closed" else "2>/dev/full"))
    assert result.returncode == status, result.stdout[-2000:]
    document = json.loads(result.stdout)  # exactly one document: anything else fails here
    assert key in document, sorted(document)


@pytest.mark.subprocesses
def test_an_encoding_without_box_drawing_characters_gets_ascii():
    result = shell("$ROSETTA show xor_341 --width 200", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    no_traceback(result)
    assert result.stdout.isascii() and " | " in result.stdout  # the columns' rule


# the current directory


@pytest.mark.subprocesses
def test_children_run_the_project_not_a_shared_package_in_the_users_directory(tmp_path):
    """`python -m shared...` in a child put the current directory first on sys.path: a
    user's own shared/ package ran instead (and the parent read a JSONDecodeError)."""
    mine = tmp_path / "shared"
    mine.mkdir()
    (mine / "__init__.py").write_text("raise SystemExit('the user's shared package ran')\n")
    for name in ("cli", "bench", "checks"):
        (mine / f"{name}.py").write_text("print('not JSON')\n")
    result = subprocess.run(
        [ROSETTA, "bench", "--rows", "50", "--repeat", "1", "--min-time", "0.01",
         "--frameworks", "numpy", "--json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "numpy" in json.loads(result.stdout)["seconds_per_epoch"]


@pytest.mark.subprocesses
def test_a_deleted_current_directory(tmp_path):
    """PyTorch's oneMKL cannot load in a deleted directory ("Intel oneMKL FATAL ERROR" on
    stdout, exit 2): the command runs from / instead, its children from the project's
    folder; a relative path, which could only name a place in the deleted directory, is a
    usage error."""
    gone = tmp_path / "gone"
    enter = f"mkdir {gone} && cd {gone} && rmdir {gone} && exec $ROSETTA"
    run = shell(f"{enter} run gender_221 --case trained --framework torch --epochs 10")
    assert run.returncode == 0 and "oneMKL" not in run.stdout, run.stdout + run.stderr
    # a command whose work is done in a child (children.start, as bench and compare start
    # theirs): the learner's file checked in NumPy, by its absolute path
    solution = Path(__file__).resolve().parents[1] / "numpy_impl" / "single_unit.py"
    check = shell(f"{enter} check {solution}")
    assert check.returncode == 0 and "every quantity agrees" in check.stdout, (
        check.stdout + check.stderr
    )
    relative = shell(f"{enter} site --out site")
    assert relative.returncode == 2
    assert relative.stderr.splitlines() == [
        "rosetta site: error: the current directory was deleted: a relative path cannot be "
        "used (give an absolute one, or cd to a directory that exists) (see rosetta site --help)"
    ]


# the environment the frameworks read


@pytest.mark.subprocesses
def test_an_environment_a_framework_cannot_start_in_is_one_line_naming_it():
    """JAX_PLATFORMS=cuda on a machine without CUDA: jax fails at its first operation, deep
    in a Keras model's build, with a traceback of 50 lines."""
    result = shell(
        "$ROSETTA run single_unit --framework keras --keras-backend jax",
        env={"JAX_PLATFORMS": "cuda"},
    )
    assert result.returncode == 2, result.stderr[-2000:]
    [line] = result.stderr.splitlines()
    assert line.startswith("rosetta: error: jax could not start: ") and (
        "the environment sets JAX_PLATFORMS='cuda', which jax reads" in line
    ), line
