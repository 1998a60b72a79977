"""`make notebooks`: notebooks/<network>.ipynb for every network, written from the code.

    python -m shared.views.notebooks [NETWORK ...]      (every network when none is named)

Nothing in a notebook is written by hand: shared/views/notebook_cells.py says what each cell
holds (the implementation files themselves, the spec's files, the errata, and prose written
once there). Each notebook is then run in a fresh kernel (nbclient) and written with its
outputs, normalized so that building it again without a code change gives the same bytes:
fixed cell ids, no execution timings, no Python version. tests/test_notebooks.py checks
that every notebook is current and that running it again reproduces it.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from shared import specs
from shared.runtime import interrupts, outputs
from shared.views.notebook_cells import ROOT, cells

NOTEBOOKS = ROOT / "notebooks"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
TIMEOUT = 600  # seconds a cell may take: the longest, a Keras training, takes a few


def build(network: str) -> object:
    """The notebook of `network`, without outputs."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    for index, (kind, text) in enumerate(cells(network)):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        notebook.cells.append(make(text, id=f"cell-{index}"))  # ids fixed: same bytes each time
    notebook.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    return notebook


class NotebookOutputError(RuntimeError):
    """A cell wrote to stderr or failed: a notebook must run clean."""


def execute(notebook: object, kernels: Path | None = None) -> object:
    """Run the notebook in a fresh kernel, in notebooks/ (where a reader opens it), and
    normalize what the run adds: no timings, the metadata fixed; a cell that fails or
    writes to stderr is an error. `kernels`: a directory of kernelspecs to start the
    `python3` kernel from (the tests' tests/kernels.py), instead of Jupyter's own."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient.exceptions import CellExecutionError

    with tempfile.TemporaryDirectory() as sockets:
        # IPC sockets in a private directory: over TCP without keys the kernel warns on
        # every start that its (local) traffic is not encrypted
        kernel = KernelManager(
            kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel")
        )
        if kernels is not None:
            kernel.kernel_spec_manager = KernelSpecManager(
                kernel_dirs=[str(kernels)], ensure_native_kernel=False
            )
        client = _client_class()(
            notebook,
            km=kernel,
            timeout=TIMEOUT,
            record_timing=False,
            # a busy kernel flushes a cell's prints in several pieces: one stream per name
            coalesce_streams=True,
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        try:
            client.execute()
        except CellExecutionError as error:
            if interrupts.seen:  # the kernel was interrupted with this process
                raise KeyboardInterrupt from None
            raise NotebookOutputError(str(error)) from None
        finally:
            if interrupts.seen:  # a second signal must not cut the kernel's shutdown short
                interrupts.ignore()
            # nbclient's exit handler, left registered by an interrupted run, would wait at
            # exit for a client that is gone; the kernel is shut down here instead
            atexit.unregister(client._cleanup_kernel)
            if interrupts.seen:
                _end_kernel(kernel)
            elif kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    for index, cell in enumerate(notebook.cells):
        cell.metadata = {}
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                raise NotebookOutputError(f"cell {index} wrote to stderr:\n{output.text}")
    notebook.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    return notebook


def _end_kernel(kernel: object) -> None:
    """End an interrupted run's kernel without the event loop, which the interruption cut
    short (a shutdown through it meets the KeyboardInterrupt again): SIGTERM, SIGKILL after
    5 s, then its connection and socket files removed."""
    import subprocess

    process = getattr(getattr(kernel, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with contextlib.suppress(Exception):
        kernel.cleanup_connection_file()
        kernel.cleanup_ipc_files()


def _client_class() -> type:
    """nbclient's NotebookClient, but SIGINT, SIGTERM and SIGHUP stop the run as they stop
    `rosetta` (shared.runtime.interrupts: a KeyboardInterrupt wherever the client waits, the
    kernel then shut down by `execute`). nbclient's own handlers would drop the kernel client under
    the cell being run (an AssertionError), and as event-loop handlers they wait for the
    client's blocking read of the kernel's next message, which may be minutes away."""
    import asyncio
    from contextlib import asynccontextmanager

    from nbclient import NotebookClient

    def refuse(*args: object) -> None:
        raise RuntimeError("the signals stay with shared.runtime.interrupts")

    class Client(NotebookClient):
        @asynccontextmanager
        async def async_setup_kernel(self, **kwargs: object) -> AsyncIterator[None]:
            # nbclient sets its handlers where the loop lets it (it skips them on the
            # RuntimeError of a loop outside the main thread): this loop does not
            loop = asyncio.get_running_loop()
            loop.add_signal_handler = refuse
            try:
                async with super().async_setup_kernel(**kwargs):
                    loop.__dict__.pop("add_signal_handler", None)
                    yield
            finally:
                loop.__dict__.pop("add_signal_handler", None)

    return Client


def text(notebook: object) -> str:
    """The notebook as it is written to disk."""
    import nbformat

    return nbformat.writes(notebook) + "\n"


def path(network: str) -> Path:
    return NOTEBOOKS / f"{network}.ipynb"


def read(network: str) -> object:
    """The notebook checked in for `network`."""
    import nbformat

    return nbformat.reads(path(network).read_text(), as_version=4)


def differences(expected: object, got: object, outputs: bool = True) -> list[str]:
    """Where two notebooks differ, cell by cell: sources, and outputs if `outputs`."""
    found = []
    if len(expected.cells) != len(got.cells):
        found.append(f"{len(expected.cells)} cells, now {len(got.cells)}")
    for index, (old, new) in enumerate(zip(expected.cells, got.cells, strict=False)):
        if (old.cell_type, old.source) != (new.cell_type, new.source):
            first = _first_difference(old.source, new.source)
            found.append(f"cell {index} ({old.cell_type}): source differs at line {first}")
        elif outputs and old.get("outputs") != new.get("outputs"):
            was, now = (_output_text(c) for c in (old, new))
            first = _first_difference(was, now)
            line = (now.splitlines() or [""])[min(first, len(now.splitlines())) - 1][:120]
            found.append(f"cell {index}: output differs at line {first}, now: {line!r}")
    if expected.metadata != got.metadata:
        found.append(f"metadata {dict(expected.metadata)} is now {dict(got.metadata)}")
    return found


def _first_difference(a: str, b: str) -> int:
    """The 1-based number of the first line where a and b differ."""
    pairs = zip([*a.splitlines(), None], [*b.splitlines(), None], strict=False)
    return next((n for n, (x, y) in enumerate(pairs, 1) if x != y), 1)


def _output_text(cell: object) -> str:
    """A cell's outputs as text: streams and text/plain, images by their bytes' digest."""
    import hashlib

    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        parts.append(output.get("text", "") or data.get("text/plain", ""))
        if "text/html" in data:
            parts.append(data["text/html"])
        if "image/png" in data:
            parts.append("image/png " + hashlib.sha256(data["image/png"].encode()).hexdigest())
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or --check) the notebooks. Ctrl-C, SIGTERM and SIGHUP stop it the way they
    stop `rosetta` (shared.runtime.interrupts): the kernel shut down, the notebook being written
    left as it was, one line, exit 130, 143 or 129."""
    interrupts.install()
    try:
        return _main(argv)
    except BaseException as error:
        if interrupts.seen or isinstance(error, KeyboardInterrupt):
            interrupts.ignore()
            print(interrupts.message(), file=sys.stderr, flush=True)
            return interrupts.status()
        if isinstance(error, OSError):  # a notebook that cannot be written (a full disk)
            print(f"notebooks: error: {outputs.writable_error(error)}", file=sys.stderr)
            return 1
        raise


def _main(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.views.notebooks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "networks",
        nargs="*",
        metavar="NETWORK",
        help=f"networks to build (default: all of {', '.join(specs.NETWORKS)})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="run each notebook and say where it differs from the one checked in; write nothing",
    )
    args = parser.parse_args(argv)
    networks = args.networks or list(specs.NETWORKS)
    for network in networks:
        if network not in specs.NETWORKS:
            parser.error(f"unknown network {network!r}; choose from: {', '.join(specs.NETWORKS)}")
    NOTEBOOKS.mkdir(exist_ok=True)
    stale = 0
    for number, network in enumerate(networks, 1):
        print(f"[{number}/{len(networks)}] notebooks/{network}.ipynb", file=sys.stderr, flush=True)
        notebook = execute(build(network))
        if not args.check:
            outputs.write_text(path(network), text(notebook))
        elif not path(network).exists() or text(notebook) != path(network).read_text():
            stale += 1
            found = differences(read(network), notebook) if path(network).exists() else []
            print("\n".join(["  differs:", *found] if found else ["  missing or differs"]))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
