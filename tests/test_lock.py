"""constraints.txt, the exact versions every install takes: complete, portable, and installed.

`make lock` writes it from pyproject.toml; `make install` installs through it.
"""

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
LOCK = ROOT / "constraints.txt"
PIN = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)==([0-9][0-9A-Za-z.]*)")
FIX = "run `make lock`, then `make install` (docs/install.md)"


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    lines = [line for line in LOCK.read_text().splitlines() if not line.startswith("#")]
    found = {}
    for line in lines:
        match = PIN.fullmatch(line)
        assert match, f"constraints.txt: {line!r} is not a plain exact pin (name==version)"
        found[match.group(1)] = match.group(2)
    return found


def requirements() -> dict[str, str]:
    """Each requirement of pyproject.toml (dependencies, every extra, the build backend),
    by normalized name, with where it is asked for."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    groups = {"dependencies": project["project"]["dependencies"]}
    groups |= {f"the {k} extra": v for k, v in project["project"]["optional-dependencies"].items()}
    groups["build-system.requires"] = project["build-system"]["requires"]
    return {
        normalized(re.match(r"[A-Za-z0-9._-]+", requirement).group()): group
        for group, requirements in groups.items()
        for requirement in requirements
    }


def test_every_requirement_of_pyproject_is_pinned():
    locked = pins()
    missing = {name: group for name, group in requirements().items() if name not in locked}
    assert not missing, f"not in constraints.txt: {missing}; {FIX}"


def test_torch_stays_at_the_cpu_builds_version():
    assert pins()["torch"] == "2.13.0"


def test_the_lock_names_no_machine():
    """Every line a comment or name==version (pins() checks): no path, no index address, no
    option, no local version label such as +cpu; and the comments name no path either."""
    assert len(pins()) >= len(requirements())
    for line in LOCK.read_text().splitlines():
        assert "://" not in line and not re.search(r"(^|\s)/", line), (
            f"constraints.txt names a path or an address: {line!r}"
        )


def test_installed_versions_are_the_pinned_ones():
    """What this environment runs is what constraints.txt says (local labels aside)."""
    wrong = {}
    for name, version in pins().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # an extra that is not installed here
        if installed.partition("+")[0] != version:
            wrong[name] = f"{installed} installed, {version} pinned"
    assert not wrong, f"installed versions differ from constraints.txt: {wrong}; {FIX}"
