"""What a network's module runs but imports from another network's module, to show with it.

admissions_mlp trains backprop_321's 6-2-1 network and admissions builds on single_unit's
unit: their files import those functions. A view of such a file (`rosetta show`, the site)
shows the imported functions and classes after the file's own lines, each run of them under
a label line naming the file and lines it comes from, and with them what they use of their
own module or of a third network's module, so that every line that runs is on the page.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache

from shared import specs
from shared.views import show

LABEL = "# ── reused from {path}, lines {first}-{last} ──"


@dataclass(frozen=True)
class _Module:
    path: str  # "numpy_impl/backprop_321.py"
    lines: tuple[str, ...]
    definitions: dict[str, ast.stmt]  # top-level def, class or assignment by name
    imports: dict[str, tuple[str, str]]  # name -> (network module, name there)


@cache
def _module(framework: str, network: str) -> _Module:
    path = show.source_path(framework, network)
    text = path.read_text()
    definitions: dict[str, ast.stmt] = {}
    imports: dict[str, tuple[str, str]] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            definitions[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    definitions[target.id] = node
        elif isinstance(node, ast.ImportFrom) and node.module:
            package, _, module = node.module.partition(".")
            if package == f"{framework}_impl" and module in specs.NETWORKS:
                for alias in node.names:
                    imports[alias.asname or alias.name] = (module, alias.name)
    relative = f"{path.parent.name}/{path.name}"
    return _Module(relative, tuple(text.splitlines()), definitions, imports)


def reused(framework: str, network: str) -> dict[str, list[ast.stmt]]:
    """Per network module that `network`'s file imports from (directly or through another),
    the definitions it runs from there, in file order."""
    own = _module(framework, network)
    queue = list(own.imports.values())
    seen: set[tuple[str, str]] = set()
    found: dict[str, dict[int, ast.stmt]] = {}
    while queue:
        module_name, name = queue.pop(0)
        if (module_name, name) in seen or module_name == network:
            continue
        seen.add((module_name, name))
        module = _module(framework, module_name)
        if name in module.imports:
            queue.append(module.imports[name])
            continue
        node = module.definitions.get(name)
        if node is None:
            continue
        found.setdefault(module_name, {})[node.lineno] = node
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        queue += [(module_name, ref) for ref in sorted(used) if ref != name and (
            ref in module.definitions or ref in module.imports)]  # fmt: skip
    return {module: [nodes[k] for k in sorted(nodes)] for module, nodes in found.items()}


def source_lines(framework: str, network: str) -> list[show.Line]:
    """The file's lines, then each run of reused lines under its label line."""
    own = _module(framework, network)
    lines = [show.Line(n, text, index=n - 1) for n, text in enumerate(own.lines, 1)]
    for module_name, nodes in reused(framework, network).items():
        module = _module(framework, module_name)
        for first, last in _runs(nodes):
            label = LABEL.format(path=module.path, first=first, last=last)
            added = [show.Line(0, text, module.path) for text in ("", "", label)]
            added += [
                show.Line(n, module.lines[n - 1], module.path) for n in range(first, last + 1)
            ]
            lines += [
                show.Line(line.number, line.text, line.origin, len(lines) + k)
                for k, line in enumerate(added)
            ]
    return lines


def _runs(nodes: list[ast.stmt]) -> list[tuple[int, int]]:
    """The definitions' line ranges, decorators included; two separated by blank lines
    only (at most two) form one run."""
    runs: list[tuple[int, int]] = []
    for node in nodes:
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        last = node.end_lineno or node.lineno
        if runs and first - runs[-1][1] <= 3:
            runs[-1] = (runs[-1][0], last)
        else:
            runs.append((first, last))
    return runs
