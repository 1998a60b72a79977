"""`rosetta exercise` and `rosetta check` as a learner runs them: the installed script, whose
check runs the learner's file in a child process with a time and a memory limit.

tests/test_exercises.py grades every exercise and every catalogued mistake in-process; here
each command is run once for what only the processes show: the files written, the exit
statuses, the JSON, and a file that hangs, crashes or allocates without bound being stopped.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.checks import exercises

pytestmark = pytest.mark.subprocesses

ROSETTA = str(Path(sys.executable).with_name("rosetta"))
NUMPY_SINGLE_UNIT = exercises.module_path("single_unit", "numpy")


def rosetta(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ROSETTA, *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def test_exercise_is_written_once_and_overwritten_only_with_force(tmp_path):
    done = rosetta("exercise", "gender_221", "--framework", "numpy", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "exercise_gender_221_numpy.py"
    first = path.read_text().splitlines()[0]
    assert first.startswith("# rosetta exercise: gender_221 in numpy.")
    assert "rosetta check exercise_gender_221_numpy.py" in done.stdout
    path.write_text("# my work\n")
    again = rosetta("exercise", "gender_221", "--framework", "numpy", cwd=tmp_path)
    assert again.returncode == 2
    assert "'exercise_gender_221_numpy.py' exists" in again.stderr and "--force" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert path.read_text() == "# my work\n"
    forced = rosetta("exercise", "gender_221", "--framework", "numpy", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and path.read_text().splitlines()[0] == first


def test_exercise_of_a_network_without_lessons_says_which_have_them(tmp_path):
    done = rosetta("exercise", "admissions_mlp", "--framework", "numpy", "--out",
                   str(tmp_path / "x.py"))  # fmt: skip
    assert done.returncode == 2 and "has no exercise of its own" in done.stderr
    assert "`rosetta exercise backprop_321 --framework numpy` is its exercise" in done.stderr
    assert "single_unit, backprop_321, gender_221" in done.stderr
    assert not (tmp_path / "x.py").exists()


@pytest.mark.parametrize(
    ("network", "framework", "first", "todo"),
    [("backprop_321", "numpy", "step/forward", "TODO: the forward pass"),
     ("gender_221", "jax", "worked_example/h1", "TODO: the loss, a function of params")],
    ids=["backprop_321-numpy", "gender_221-jax"],
)  # fmt: skip
def test_untouched_exercise_checks_as_not_written(network, framework, first, todo, tmp_path):
    out = tmp_path / "mine.py"
    written = rosetta("exercise", network, "--framework", framework, "--out", str(out))
    assert written.returncode == 0, written.stderr
    done = rosetta("check", str(out))
    assert done.returncode == 1, done.stderr
    assert "not written" in done.stdout
    assert f"First to go wrong: {first} is not written yet" in done.stdout
    assert todo in done.stdout


@pytest.mark.parametrize(
    "module",
    ["numpy_impl/single_unit.py", "numpy_impl/backprop_321.py", "numpy_impl/gender_221.py",
     "jax_impl/gender_221.py",
     "keras_impl/chain_rule.py"],  # no --keras-backend: Keras' default, tensorflow
)  # fmt: skip
def test_the_project_module_is_its_own_solution(module):
    root = Path(__file__).resolve().parents[1]
    done = rosetta("check", str(root / module))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every quantity agrees" in done.stdout


def test_a_gradient_with_its_sign_flipped_fails_with_the_sign_named_in_json(tmp_path):
    source = exercises.module_path("gender_221", "torch").read_text()
    right = "    F.mse_loss(model(X), y).backward()\n    return model.params"
    assert source.count(right) == 1
    path = tmp_path / "flipped.py"
    path.write_text(source.replace(right, right.replace("F.mse_loss(model(X), y)",
                                                        "(-F.mse_loss(model(X), y))")))  # fmt: skip
    done = rosetta("check", str(path), "--network", "gender_221", "--framework", "torch", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert {"ok", "network", "framework", "quantities", "first_failure"} <= set(report)
    assert report["ok"] is False and report["network"] == "gender_221"
    row = report["quantities"][0]
    assert {"quantity", "status", "max_abs_diff", "tolerance", "shape", "worst_index"} <= set(row)
    statuses = {row["quantity"]: row["status"] for row in report["quantities"]}
    assert statuses["worked_example/forward"] == "agree"
    assert statuses["worked_example/gradients.b_output"] == "differ"
    assert report["first_failure"]["quantity"] == "worked_example/gradients.b_output"
    assert "sign is flipped" in report["first_failure"]["hint"]


def test_a_file_without_its_network_in_its_first_line_needs_the_options(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(NUMPY_SINGLE_UNIT.read_text())
    done = rosetta("check", str(path))
    assert done.returncode == 2 and "give --network and --framework" in done.stderr
    ok = rosetta("check", str(path), "--network", "single_unit", "--framework", "numpy")
    assert ok.returncode == 0, ok.stdout + ok.stderr


def unusable(tmp_path: Path, name: str, text: str, *options: str) -> subprocess.CompletedProcess:
    """`rosetta check` of `text` as single_unit in NumPy: must exit 2 with one line."""
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    done = rosetta("check", str(path), "--network", "single_unit", "--framework", "numpy",
                   *options)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("rosetta: error:")]
    assert len(errors) == 1 and str(path) in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    return done


FORWARD = 'def forward(params: Params, X: np.ndarray) -> np.ndarray:\n'


def broken_forward(body: str) -> str:
    source = NUMPY_SINGLE_UNIT.read_text()
    assert source.count(FORWARD) == 1
    return source.replace(FORWARD, FORWARD + body)


def test_a_loop_that_never_ends_is_stopped_at_the_time_limit(tmp_path):
    started = time.monotonic()
    done = unusable(tmp_path, "spins", broken_forward("    while True:\n        pass\n"),
                    "--time-limit", "1")  # fmt: skip
    assert "time limit (1 s; --time-limit)" in done.stderr
    assert time.monotonic() - started < 60


def test_a_sleep_that_never_ends_is_stopped_at_the_time_limit(tmp_path):
    done = unusable(tmp_path, "sleeps", broken_forward("    import time\n    time.sleep(10**6)\n"),
                    "--time-limit", "1")  # fmt: skip
    assert "time limit (1 s; --time-limit)" in done.stderr


def test_an_allocation_without_bound_is_stopped_at_the_memory_limit(tmp_path):
    grow = "    grown = []\n    while True:\n        grown.append(np.ones(10**6))\n"
    done = unusable(tmp_path, "grows", broken_forward(grow), "--memory-limit", "256")
    assert "memory limit (256 MiB; --memory-limit)" in done.stderr


def test_pytorchs_own_out_of_memory_error_is_the_memory_limit_too(tmp_path):
    """PyTorch's allocator raises a RuntimeError, not a MemoryError."""
    source = exercises.module_path("single_unit", "torch").read_text()
    head = "def forward(params: Params, X: np.ndarray) -> np.ndarray:\n"
    grow = "    grown = []\n    while True:\n        grown.append(torch.ones(10**6))\n"
    assert source.count(head) == 1
    path = tmp_path / "grows.py"
    path.write_text(source.replace(head, head + grow))
    done = rosetta("check", str(path), "--network", "single_unit", "--framework", "torch",
                   "--memory-limit", "256")  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "memory limit (256 MiB; --memory-limit)" in done.stderr


def test_a_crash_of_the_learners_process_is_one_line(tmp_path):
    done = unusable(tmp_path, "aborts", broken_forward("    import os\n    os.abort()\n"))
    assert "crashed (signal SIGABRT)" in done.stderr


def test_raising_on_import_not_python_and_a_missing_function_name_the_file_and_line(tmp_path):
    raises = unusable(tmp_path, "raises", NUMPY_SINGLE_UNIT.read_text() + "\n1 / 0\n")
    lines = len(NUMPY_SINGLE_UNIT.read_text().splitlines())
    assert f"raises.py:{lines + 2}: ZeroDivisionError" in raises.stderr
    garbled = unusable(tmp_path, "garbled", "def forward(:\n")
    assert "garbled.py:1: not Python: SyntaxError" in garbled.stderr
    source = NUMPY_SINGLE_UNIT.read_text().replace("def train(", "def fit(")
    missing = unusable(tmp_path, "missing", source, "--json")
    assert "no function 'train'" in missing.stderr
    assert json.loads(missing.stdout)["error"] == "unusable file"


def test_the_readmes_try_it_yourself_is_what_the_commands_print(tmp_path):
    """README.md's example: the exercise of single_unit in NumPy, every TODO filled in with
    the module's lines but the error's sign flipped; each line it shows is printed as is."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("## Try it yourself", 1)[1].split("```\n", 2)[1]
    shown = [line for line in block.splitlines() if line != "..." and not line.startswith("$")]
    written = rosetta("exercise", "single_unit", "--framework", "numpy", cwd=tmp_path)
    path = tmp_path / "exercise_single_unit_numpy.py"
    text, found = exercises.exercise("single_unit", "numpy", path.name)
    assert path.read_text() == text
    right = "    error = y - y_hat\n"
    path.write_text(exercises.filled(text, found).replace(right, "    error = y_hat - y\n"))
    checked = rosetta("check", path.name, cwd=tmp_path)
    assert checked.returncode == 1
    printed = (written.stdout + checked.stdout).splitlines()
    missing = [line for line in shown if line not in printed]
    assert not missing, f"README's Try it yourself shows lines no command printed: {missing}"
