"""Only NumPy installed: `rosetta list` and `rosetta run` work for numpy, every torch,
Keras or JAX command says which extra to install, `rosetta compare` skips what is missing (exit
3), and the tests skip with that reason instead of failing to import.

"Not installed" is simulated in child processes: a sitecustomize module on PYTHONPATH
puts a finder first on sys.meta_path that answers ModuleNotFoundError for torch, keras,
tensorflow and jax, as Python does for a package that is not there.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared import cli
from shared.runtime import frameworks

ROOT = Path(__file__).resolve().parent.parent
ROSETTA = str(Path(sys.executable).with_name("rosetta"))
HIDDEN = ("torch", "keras", "tensorflow", "jax", "jaxlib")


@pytest.fixture(scope="module")
def numpy_only(tmp_path_factory) -> dict[str, str]:
    """The environment of a process that finds neither torch nor Keras."""
    directory = tmp_path_factory.mktemp("numpy_only")
    (directory / "sitecustomize.py").write_text(
        "import importlib.abc, sys\n"
        "class Hidden(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.partition('.')[0] in {HIDDEN!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Hidden())\n"
    )
    return os.environ | {"PYTHONPATH": str(directory)}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=300, env=env, cwd=ROOT, check=False
    )


@pytest.mark.subprocesses
def test_list_names_the_extra_for_each_missing_framework(numpy_only):
    result = run(numpy_only, ROSETTA, "list")
    assert result.returncode == 0, result.stderr
    for framework in ("torch", "keras", "jax"):
        line = next(x for x in result.stdout.splitlines() if x.strip().startswith(framework))
        assert "not installed" in line and f"[{framework}]" in line, line


@pytest.mark.subprocesses
def test_numpy_run_works_without_the_frameworks(numpy_only):
    result = run(numpy_only, ROSETTA, "run", "admissions", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["quantities"]["test_accuracy"] == 0.725


@pytest.mark.subprocesses
@pytest.mark.parametrize("framework", ["torch", "keras", "jax"])
def test_run_in_a_missing_framework_says_which_extra(numpy_only, framework):
    result = run(numpy_only, ROSETTA, "run", "single_unit", "--framework", framework)
    assert result.returncode == 2
    assert f"{framework} is not installed" in result.stderr
    assert f"pip install -c constraints.txt -e '.[{framework}]'" in result.stderr


@pytest.mark.subprocesses
def test_compare_skips_missing_frameworks_with_exit_3(numpy_only):
    result = run(numpy_only, ROSETTA, "compare", "single_unit", "--json")
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert set(report["skipped"]) == {"torch", "keras", "jax"} and report["rows"] == []
    assert "skipping torch: not installed" in result.stderr


@pytest.mark.subprocesses
def test_tests_skip_with_the_reason(numpy_only):
    result = run(
        numpy_only,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
        "tests/test_golden.py",
        "tests/test_keras_setup.py",
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "torch is not installed; see `rosetta list`" in result.stdout
    assert "keras" in result.stdout and "is not installed" in result.stdout
    assert "jax is not installed; see `rosetta list`" in result.stdout
    assert " passed" in result.stdout  # the numpy tests still run


def test_compare_skips_a_missing_keras_backend(monkeypatch, capsys):
    """A Keras backend whose package is missing is skipped, and the rest still compares."""
    monkeypatch.setattr(frameworks, "keras_backend_installed", lambda backend: backend != "jax")
    status = cli.main(["compare", "chain_rule", "--frameworks", "numpy,keras", "--keras-backend",
                       "jax", "--json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert status == 3 and report["skipped"] == {"keras[jax]": "the jax package is not installed",
                                                  "keras": "none of the chosen Keras backends is "
                                                  "installed"}  # fmt: skip
