"""Which frameworks exist, whether each is installed, and where its implementations live."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import os
from pathlib import Path
from types import ModuleType

FRAMEWORKS = ("numpy", "torch", "keras", "jax")
KERAS_BACKENDS = ("tensorflow", "torch", "jax")  # each needs its own process: read at import
# What has to be importable for each framework (keras needs its default backend too),
# and the extra that installs it.
_MODULES = {
    "numpy": ("numpy",),
    "torch": ("torch",),
    "keras": ("keras", "tensorflow"),
    "jax": ("jax", "optax"),
}
_EXTRAS = {"numpy": None, "torch": "torch", "keras": "keras", "jax": "jax"}


class FrameworkUnavailableError(RuntimeError):
    """The framework is not installed, or has no implementation of the network yet."""


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a finder may answer "not found" by raising
        return False


def version(framework: str) -> str | None:
    """The installed version of the framework's main package, or None if any part is missing."""
    if not all(_importable(module) for module in _MODULES[framework]):
        return None
    return importlib.metadata.version(framework)


def current_keras_backend() -> str:
    """The backend Keras uses (or will use) in this process: KERAS_BACKEND, else tensorflow."""
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def keras_backend_installed(backend: str) -> bool:
    """True if the package Keras needs for `backend` is importable."""
    return _importable(backend)


def install_hint(framework: str) -> str:
    """The command that installs a framework's extra into this checkout's environment, at the
    versions pinned in constraints.txt."""
    extra = _EXTRAS[framework]
    return (
        f"pip install -c constraints.txt -e '.[{extra}]' in this checkout "
        f"(or: pip install 'nn-rosetta[{extra}]')"
    )


def implementation(framework: str, network: str) -> ModuleType:
    """The module `<framework>_impl.<network>`; FrameworkUnavailableError says why not
    (including a library that cannot start in this environment: `start`)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; choose from: {', '.join(FRAMEWORKS)}")
    if version(framework) is None:
        raise FrameworkUnavailableError(
            f"{framework} is not installed; install it with: {install_hint(framework)}"
        )
    start(framework)
    name = f"{framework}_impl.{network}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            raise FrameworkUnavailableError(
                f"{framework} has no implementation of {network} yet"
            ) from None
        raise


def source_path(framework: str, network: str) -> Path:
    """The file of `<framework>_impl.<network>`, found without importing the framework;
    ValueError if there is none."""
    if framework not in FRAMEWORKS:
        raise ValueError(
            f"unknown framework {framework!r}; choose from: {', '.join(FRAMEWORKS)}"
        )
    found = module_file(f"{framework}_impl.{network}")
    if found is None:
        raise ValueError(f"{framework} has no implementation of {network}")
    return found


def module_file(name: str) -> Path | None:
    """The file of module `name` (dotted), or None, found without importing its packages:
    importlib.util.find_spec("jax_impl.x") runs jax_impl/__init__.py, which imports JAX
    (a second of CPU for a command that only reads the file)."""
    package, _, rest = name.partition(".")
    spec = importlib.util.find_spec(package)  # a top-level name: found, not imported
    for part in rest.split(".") if rest else []:
        if spec is None or spec.submodule_search_locations is None:
            return None
        package = f"{package}.{part}"
        spec = importlib.machinery.PathFinder.find_spec(package, spec.submodule_search_locations)
    if spec is None or spec.origin is None or not spec.has_location:
        return None
    return Path(spec.origin)


# The environment variables each library reads (by prefix), named when it cannot start.
ENVIRONMENT = {
    "jax": ("JAX_", "XLA_"),
    "tensorflow": ("TF_", "XLA_"),
    "torch": ("TORCH_", "PYTORCH_"),
    "keras": ("KERAS_",),
}
_started: set[str] = set()
_USERS = dict(os.environ)  # before the project sets its own (keras_impl.backend: JAX_ENABLE_X64)


def libraries(framework: str) -> tuple[str, ...]:
    """The libraries a framework runs on here (Keras: itself and its backend)."""
    return ("keras", current_keras_backend()) if framework == "keras" else (framework,)


def start(framework: str) -> None:
    """Import the framework's libraries and make them start now, where a start can fail: jax
    picks its platform at its first operation (JAX_PLATFORMS=cuda without CUDA fails there,
    deep in a model's build). A failure is a FrameworkUnavailableError in one line, naming
    the environment variables set that the library reads."""
    for library in libraries(framework):
        if library in _started or library == "numpy":
            continue
        try:  # through the package that sets the library up before it is imported (float64)
            setup = {"keras": "keras_impl.backend", "jax": "jax_impl"}.get(library)
            if setup and (library == "keras" or framework == "jax"):
                importlib.import_module(setup)
            module = importlib.import_module(library)
            if library == "jax":
                module.devices()
        except Exception as error:
            lines = str(error).strip().splitlines()
            first = lines[0][:300] if lines else f"{type(error).__name__} inside {library}"
            raise FrameworkUnavailableError(
                f"{library} could not start: {first}{environment_note(library)}"
            ) from None
        _started.add(library)


def environment_note(library: str) -> str:
    """'; the environment sets X=..., which jax reads' for the variables set that `library`
    reads (empty if none is set)."""
    prefixes = ENVIRONMENT.get(library, ())
    found = [f"{k}={v!r}" for k, v in sorted(_USERS.items()) if k.startswith(prefixes)]
    found = [item for item in found if not item.startswith("KERAS_BACKEND=")]
    if not found:
        return ""
    return f"; the environment sets {', '.join(found)}, which {library} reads (unset it?)"
