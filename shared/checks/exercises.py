"""`rosetta exercise`: a framework's module of a network with its lesson lines left to write.

The lesson lines are marked in the module's own source, so an exercise cannot drift from the
code the harness checks. A mark is a comment line of its own:

    # lesson: the error term: the error times the sigmoid's derivative, output * (1 - output)
    # error_term = error * sigmoid'(z) = -dE/dz per record   (n,)
    error_term = error * y_hat * (1 - y_hat)

`# lesson: HINT` covers the comment lines right below it and the one statement after them
(all of it, when it spans several lines or is a block: a `with`, a `for`). For several
statements, `# lesson begin: HINT` covers every line down to a `# lesson end` at its
indentation. In the exercise each region becomes the hint and a stub that keeps the file
importable:

    # TODO: the error term: the error times the sigmoid's derivative, output * (1 - output)
    raise NotImplementedError("TODO: the error term: ...")

At the module's top level a `raise` would stop the import, so a mark there must be over one
assignment, `NAME = ...` (JAX's `loss_gradients = jax.jit(jax.grad(loss))`), and its stub is
a function of that name that raises when it is called:

    # TODO: dE/dparams as a function: ...
    def loss_gradients(*args, **kwargs):  # a stub: write loss_gradients = ... in its place
        raise NotImplementedError("TODO: dE/dparams as a function: ...")

The first line of an exercise names its network and framework (`identify` reads it back).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from shared import specs
from shared.runtime import frameworks

MARK = re.compile(r"^(?P<indent>\s*)# lesson(?P<begin> begin)?: (?P<hint>\S.*?)\s*$")
END = re.compile(r"^\s*# lesson end\s*$")
HEADER = re.compile(r"^# rosetta exercise: (?P<network>\w+) in (?P<framework>\w+)\b")
TODO = "TODO: "


class ExerciseError(ValueError):
    """No exercise can be written (unknown network, no marks, a mark that covers nothing)."""


@dataclass(frozen=True)
class Lesson:
    first: int  # 0-based index of the mark's line
    last: int  # 0-based index of the region's last line (the `# lesson end` of a pair)
    indent: str
    hint: str
    original: tuple[str, ...]  # the region's lines without its mark lines
    target: str = ""  # at the top level: the name the region's assignment defines

    def stub(self) -> list[str]:
        """The lines that replace the region in the exercise."""
        raises = f"raise NotImplementedError({TODO + self.hint!r})"
        if self.target:
            return [
                f"# {TODO}{self.hint}",
                f"def {self.target}(*args, **kwargs):  # a stub: write {self.target} = ... "
                "in its place",
                f"    {raises}",
            ]
        return [f"{self.indent}# {TODO}{self.hint}", f"{self.indent}{raises}"]


def _statement_ends(text: str) -> dict[int, int]:
    """For each statement of the file, its first line (1-based) -> its last line."""
    ends: dict[int, int] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.stmt):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            ends.setdefault(first, node.end_lineno or node.lineno)
    return ends


def _assigned_names(text: str) -> dict[int, str]:
    """For each top-level assignment to one name, its first line (1-based) -> the name."""
    return {
        node.lineno: node.targets[0].id
        for node in ast.parse(text).body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    }


def lessons(text: str, name: str = "the module") -> list[Lesson]:
    """The lesson regions of a module's source, in order; ExerciseError names a bad mark."""
    lines = text.splitlines()
    ends = _statement_ends(text)
    assigned = _assigned_names(text)
    found: list[Lesson] = []
    k = 0
    while k < len(lines):
        match = MARK.match(lines[k])
        if not match:
            if END.match(lines[k]):
                raise ExerciseError(f"{name}:{k + 1}: `# lesson end` without a `# lesson begin`")
            k += 1
            continue
        indent, hint = match.group("indent"), match.group("hint")
        if match.group("begin"):
            last = next((j for j in range(k + 1, len(lines)) if END.match(lines[j])), None)
            if last is None or not lines[last].startswith(indent + "#"):
                raise ExerciseError(f"{name}:{k + 1}: `# lesson begin` has no `# lesson end`")
            original = tuple(lines[k + 1 : last])
        else:
            start = k + 1
            while start < len(lines) and lines[start].strip().startswith("#"):
                start += 1
            if start + 1 not in ends or not lines[start].startswith(indent):
                raise ExerciseError(f"{name}:{k + 1}: `# lesson:` is not over a statement")
            last = ends[start + 1] - 1
            original = tuple(lines[k + 1 : last + 1])
        target = ""
        if not indent:  # the top level: only an assignment, whose stub is a function
            target = "" if match.group("begin") else assigned.get(start + 1, "")
            if not target:
                raise ExerciseError(
                    f"{name}:{k + 1}: a `# lesson:` at the top level must be over one "
                    "assignment, NAME = ... (a raise there would stop the import)"
                )
        found.append(Lesson(k, last, indent, hint, original, target))
        k = last + 1
    return found


def without_marks(text: str) -> str:
    """The module's source without its lesson marks: what an exercise filled in with the
    module's own lines is."""
    kept = [line for line in text.splitlines() if not (MARK.match(line) or END.match(line))]
    return "\n".join(kept) + "\n"


def module_path(network: str, framework: str) -> Path:
    """The project's module of `network` in `framework`, found without importing it."""
    try:
        specs.cases(network)  # names the networks if it is unknown
        return frameworks.source_path(framework, network)
    except ValueError as error:
        raise ExerciseError(str(error)) from None


def header(network: str, framework: str, path: str) -> str:
    """The exercise's first line: its network and framework, and what to do."""
    return (
        f"# rosetta exercise: {network} in {framework}. "
        f"Replace each TODO, then run: rosetta check {path}"
    )


def exercise(network: str, framework: str, path: str) -> tuple[str, list[Lesson]]:
    """The text of the exercise of `network` in `framework` (to be saved at `path`), and its
    lessons; ExerciseError if the module has no lesson marks."""
    source = module_path(network, framework)
    text = source.read_text()
    found = lessons(text, f"{framework}_impl/{source.name}")
    if not found:
        ready = ", ".join(available(framework)) or "none yet"
        other = reused_exercise(network, framework)
        where = (
            f"its module reuses {other}'s code: `rosetta exercise {other} --framework "
            f"{framework}` is its exercise"
            if other
            else "its module marks no lesson lines"
        )
        raise ExerciseError(
            f"{network} in {framework} has no exercise of its own ({where}); exercises in "
            f"{framework}: {ready}"
        )
    lines = text.splitlines()
    out, k = [header(network, framework, path)], 0
    for lesson in found:
        out += [line for line in lines[k : lesson.first] if not END.match(line)]
        out += lesson.stub()
        k = lesson.last + 1
    out += lines[k:]
    return "\n".join(out) + "\n", found


def reused_exercise(network: str, framework: str) -> str | None:
    """The network with an exercise whose module `network`'s module imports its code from
    (admissions_mlp's is backprop_321's), if any."""
    text = module_path(network, framework).read_text()
    reused = re.findall(rf"^from {framework}_impl\.(\w+) import", text, re.M)
    return next((other for other in reused if other in available(framework)), None)


def filled(text: str, found: list[Lesson]) -> str:
    """An exercise with every stub replaced by the module's own lines (the solution)."""
    for lesson in found:
        text = text.replace("\n".join(lesson.stub()), "\n".join(lesson.original), 1)
    return text


def available(framework: str) -> list[str]:
    """The networks whose module in `framework` marks lesson lines."""
    ready = []
    for network in specs.NETWORKS:
        found = frameworks.module_file(f"{framework}_impl.{network}")
        lines = found.read_text().splitlines() if found else []
        if any(MARK.match(line) for line in lines):
            ready.append(network)
    return ready


def identify(path: Path, text: str) -> tuple[str, str] | None:
    """(network, framework) from an exercise's first line, or from a project module's path
    (`torch_impl/gender_221.py`); None if neither tells."""
    first = text.split("\n", 1)[0]
    if match := HEADER.match(first):
        return match.group("network"), match.group("framework")
    package = path.resolve().parent.name
    if package.endswith("_impl") and path.stem in specs.NETWORKS:
        return path.stem, package.removesuffix("_impl")
    return None


DOCS = Path(__file__).resolve().parents[2] / "docs" / "exercises.md"
BEGIN_GENERATED = "<!-- generated by `python -m shared.checks.exercises`: do not edit below -->"


def markdown() -> str:
    """docs/exercises.md's generated part: every exercise's lessons with their hints, then the
    catalogue of mistakes `rosetta check` recognises."""
    from shared.checks.mistakes import CATALOGUE

    out = ["## The exercises and their lessons", ""]
    for framework in frameworks.FRAMEWORKS:
        for network in available(framework):
            source = module_path(network, framework)
            out += [f"### {network} in {framework}", "",
                    f"`rosetta exercise {network} --framework {framework}`: the TODOs of "
                    f"`{framework}_impl/{source.name}`", ""]  # fmt: skip
            for lesson in lessons(source.read_text()):
                out.append(f"- line {lesson.first + 1}: {lesson.hint}")
            out.append("")
    out += ["## The mistakes `rosetta check` recognises", "",
            "Each is recognised by making it in the NumPy reference and seeing the result match "
            "yours at the first quantity that differs.", ""]  # fmt: skip
    for mistake in CATALOGUE:
        out.append(f"- **{mistake.key}**: {mistake.hints['any']}")
        for framework, hint in mistake.hints.items():
            if framework != "any":
                out.append(f"  - in {framework}: {hint}")
    return "\n".join(out) + "\n"


def write_docs() -> None:
    """Rewrite the generated part of docs/exercises.md."""
    text = DOCS.read_text()
    head = text.split(BEGIN_GENERATED, 1)[0]
    DOCS.write_text(head + BEGIN_GENERATED + "\n\n" + markdown())


if __name__ == "__main__":
    write_docs()
