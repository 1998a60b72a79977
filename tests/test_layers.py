"""The layers of shared/ stay true: no module imports from a layer above its own.

A module's layer is read off its path (its folder under shared/, a loose module's own name,
or "impl" for the framework packages); the order is shared.LAYERS. Every import statement
is read from the source (the lazy ones inside functions too), so a layer cannot be skipped
by importing late."""

import ast
from pathlib import Path

import pytest

import shared

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "shared"


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name of the project, None for any other module."""
    parts = module.split(".")
    if parts[0] in shared.IMPLEMENTATIONS:
        return "impl"
    if parts[0] != "shared" or len(parts) == 1:
        return None
    return parts[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module) of every import in `source`, the text of `module`; relative imports
    resolved, and each name of `from package import name` as the module package.name."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], base]).strip(".")
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def upward_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of `source` (module `module`) from a layer above the module's own."""
    rank = shared.LAYERS.index(layer_of(module))
    upward = []
    for line, name in imported(source, module, is_package):
        layer = layer_of(name)
        # a name of the package itself (`from shared import LAYERS`) is in no layer; a
        # folder that is no layer fails test_every_folder_of_shared_is_a_layer
        if layer in shared.LAYERS and shared.LAYERS.index(layer) > rank:
            upward.append(f"line {line}: {name} (layer {layer})")
    return sorted(upward, key=lambda text: int(text.split(":")[0].removeprefix("line ")))


def project_files() -> list[Path]:
    files = sorted(set(SHARED.rglob("*.py")) - {SHARED / "__init__.py"})  # the map itself
    for package in shared.IMPLEMENTATIONS:
        files += sorted((ROOT / package).glob("*.py"))
    return files


def test_every_folder_of_shared_is_a_layer():
    folders = {p.name for p in SHARED.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    loose = {p.stem for p in SHARED.glob("*.py") if p.name != "__init__.py"}
    unplaced = (folders | loose) - set(shared.LAYERS)
    assert not unplaced, f"shared/ holds {sorted(unplaced)}, which shared.LAYERS does not place"
    assert len(loose) <= 6, f"{len(loose)} modules loose at shared/'s top: {sorted(loose)}"


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_from_a_layer_above(path):
    module = module_name(path)
    upward = upward_imports(path.read_text(), module, path.name == "__init__.py")
    where = f"{path.relative_to(ROOT)} (layer {layer_of(module)})"
    assert not upward, f"{where} imports from a layer above: {upward}"


def test_the_check_sees_every_kind_of_upward_import():
    """A lazy import inside a function, a relative one, a plain `import`, and a framework
    package reaching up into the checks are each found; imports downward are not."""
    source = (
        "import numpy\n"
        "from shared.specs import Params\n"
        "from shared import reports\n"
        "def f():\n"
        "    from shared.views import show\n"
        "from ..cli import options\n"
        "import shared.checks.harness\n"
    )
    found = upward_imports(source, "shared.runtime.example")
    assert [line.split(":")[0] for line in found] == [
        "line 2", "line 3", "line 5", "line 6", "line 7"
    ], found
    assert upward_imports(source.replace("shared.checks", "shared.runtime"), "shared.cli.x") == []
    assert upward_imports("from shared import LAYERS\n", "shared.runtime.example") == []
    assert upward_imports("from shared.checks import harness\n", "numpy_impl.gender_221") == [
        "line 1: shared.checks.harness (layer checks)"
    ]


def test_no_file_over_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in project_files()
        if (n := len(p.read_text().splitlines())) > 600
    }
    assert not long, f"files over 600 lines: {long}"
