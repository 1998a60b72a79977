"""notebooks/<network>.ipynb: current with the code, clean, and reproduced by running them.

`make notebooks` (shared.views.notebooks) builds each notebook from the files it shows and runs
it. A notebook whose cells no longer match those files is stale; running it again in a
fresh kernel must give the same file, byte for byte, on any CPU (figures are printed to
ten significant digits, well inside what BLAS kernels change).
"""

import json
import re

import pytest

pytest.importorskip("nbformat", reason="nbformat is in the dev extra")
pytest.importorskip("nbclient", reason="nbclient is in the dev extra")

from shared.specs import NETWORKS
from shared.views import notebook_cells, notebooks, show
from tests.kernels import SETTINGS, forked_kernels

# the notebooks run in kernels: processes of their own (tests/kernels.py)
pytestmark = pytest.mark.subprocesses

# The most significant digits a printed figure may have (shared.views.tables.TEN_DIGITS)
MOST_DIGITS = 10
# A number in an output: its digits, without sign, leading zeros or exponent
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def outputs_text(network: str) -> str:
    """Every stream and text/plain output of the notebook checked in, as one text."""
    cells = json.loads(notebooks.path(network).read_text())["cells"]
    parts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            parts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_there_is_one_notebook_per_network():
    found = sorted(p.stem for p in notebooks.NOTEBOOKS.glob("*.ipynb"))
    assert found == sorted(NETWORKS), (
        f"notebooks/ holds {found}, expected one per network: {sorted(NETWORKS)}; "
        "run `make notebooks` (and delete notebooks of networks that are gone)"
    )


@pytest.mark.parametrize("network", list(NETWORKS))
def test_notebook_is_current_with_the_code(network):
    stale = notebooks.differences(notebooks.read(network), notebooks.build(network), outputs=False)
    assert not stale, (
        f"notebooks/{network}.ipynb is stale against the code: {'; '.join(stale)}; "
        "run `make notebooks`"
    )


@pytest.mark.parametrize("network", list(NETWORKS))
def test_notebook_shows_each_implementation_file_whole(network):
    code = [
        cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for cell in json.loads(notebooks.path(network).read_text())["cells"]
        if cell["cell_type"] == "code"
    ]
    for framework in ("numpy", "torch", "keras"):
        path = show.source_path(framework, network)
        assert path.read_text().rstrip() in code, (
            f"notebooks/{network}.ipynb: no code cell is {path.parent.name}/{path.name} as it is"
        )


@pytest.mark.parametrize("network", list(NETWORKS))
def test_notebook_holds_no_path_address_timing_or_long_figure(network):
    raw = notebooks.path(network).read_text()
    for pattern, what in [
        (str(notebooks.ROOT), "a path of this machine"),
        (r"/home/|/tmp/|/usr/", "an absolute path"),
        (r"\b0x[0-9a-f]{6,}", "a memory address"),
        (r'"(execution|iopub\.\w+|shell\.\w+)"', "execution timing metadata"),
    ]:
        found = re.search(pattern, raw)
        assert found is None, f"notebooks/{network}.ipynb holds {what}: {found.group(0)!r}"
    for number in NUMBER.findall(outputs_text(network)):
        digits = number.split("e")[0].replace(".", "").lstrip("0")
        assert len(digits) <= MOST_DIGITS, (
            f"notebooks/{network}.ipynb prints {number}: {len(digits)} significant digits, more "
            f"than {MOST_DIGITS}; the last ones can differ between CPUs"
        )


@pytest.fixture(scope="module")
def kernels():
    """Fresh kernels, forked from one process that imported the libraries once
    (tests/kernels.py): each notebook's kernel starts in a second instead of six."""
    first = next(text for kind, text in notebook_cells.cells("single_unit") if kind == "code")
    backend = f'os.environ["KERAS_BACKEND"] = "{SETTINGS["KERAS_BACKEND"]}"'
    assert backend in first, f"the notebooks no longer set {backend}: update tests/kernels.py"
    with forked_kernels() as directory:
        yield directory


@pytest.mark.parametrize("network", list(NETWORKS))
def test_notebook_runs_clean_and_reproduces_itself(network, kernels):
    try:
        ran = notebooks.execute(notebooks.build(network), kernels=kernels)
    except notebooks.NotebookOutputError as error:
        pytest.fail(f"notebooks/{network}.ipynb does not run clean: {error}")
    if notebooks.text(ran) != notebooks.path(network).read_text():
        changed = notebooks.differences(notebooks.read(network), ran) or ["in formatting"]
        pytest.fail(
            f"notebooks/{network}.ipynb changes when it runs again: {'; '.join(changed)}; "
            "if the code changed on purpose, run `make notebooks`"
        )


def test_a_forked_kernel_is_a_fresh_one(kernels):
    """tests/kernels.py: each kernel is a new process, in notebooks/, with an empty namespace,
    and a cell that fails or writes to stderr fails the run, as with Jupyter's own kernel."""
    import nbformat

    def run(source: str) -> str:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        return notebooks.execute(notebook, kernels=kernels).cells[0].outputs[0].text

    first = run("import os\nleft_behind = 1\nprint(os.getpid())")
    second = run("import os\nprint(os.getpid(), 'left_behind' in dir(), os.getcwd())")
    pid, seen, directory = second.split()
    assert pid != first.strip() and seen == "False", second
    assert directory == str(notebooks.NOTEBOOKS), second
    for failing in ("1 / 0", "import sys\nprint('oops', file=sys.stderr)"):
        with pytest.raises(notebooks.NotebookOutputError):
            run(failing)
