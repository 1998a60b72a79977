"""Notebook kernels for the tests, forked from one process that imported the libraries once.

Every notebook imports NumPy, matplotlib, PyTorch, TensorFlow and Keras before its first
result: about 7 s of CPU in each fresh kernel, nine times over. Here a server imports them
once, and each notebook still gets a fresh kernel: a new process, forked from the server,
that starts its own IPython kernel in the notebook's directory and environment, with an
empty namespace. Only the libraries' import is shared: the notebook's cells run all of their
code, its own imports included (an import of a library already loaded binds the name and
does nothing else, as on a second import in any kernel).

Jupyter starts a kernel by running the command of its kernelspec; ours runs this file as
`kernels.py connect -f CONNECTION_FILE`: a small process, without the libraries, that asks
the server for a kernel, passes signals on to it and exits with its status. The server ends
the kernel when that process is killed, and everything when its standard input closes.

The libraries must come up as in a fresh kernel, so the server loads Keras through
keras_impl.backend, which every notebook imports, and sets first the two settings that a
kernel has before its libraries load:
- MPLBACKEND, which ipykernel sets to its inline backend before a notebook's first cell;
- KERAS_BACKEND, which each notebook's first cell sets to "tensorflow" (`shared.views.notebooks`).
A kernel that still came up differently would change the notebook's outputs, and the test
that reruns each notebook would fail: this cannot pass a notebook that a fresh kernel fails.

Only the standard library is imported at the top: `connect` starts in a few milliseconds.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ADDRESS = "ROSETTA_KERNEL_SERVER"  # the server's socket, in the kernelspec's environment
# keras_impl.backend sets what TensorFlow and Keras read as they load, then loads them;
# torch.optim loads torch._dynamo at a notebook's first optimizer step (1.4 s of CPU);
# jax_impl turns JAX's 64-bit floats on as it loads JAX (importing JAX starts no thread:
# its CPU client is made at the first computation, in the forked kernel)
PRELOAD = ["numpy", "matplotlib.pyplot", "torch", "torch._dynamo", "keras_impl.backend",
           "jax_impl", "optax"]  # fmt: skip
SETTINGS = {
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "KERAS_BACKEND": "tensorflow",
    "JAX_ENABLE_X64": "1",
}


@contextlib.contextmanager
def forked_kernels() -> Iterator[Path]:
    """Start the server; yields a directory of kernelspecs whose `python3` kernels it forks."""
    with (
        tempfile.TemporaryDirectory() as directory,
        # the server's stderr (TensorFlow's start-up lines), shown if it fails to start
        open(os.path.join(directory, "server.log"), "w+") as log,
    ):
        address = os.path.join(directory, "server")
        spec = Path(directory, "kernels", "python3")
        spec.mkdir(parents=True)
        command = [sys.executable, __file__, "connect", "-f", "{connection_file}"]
        kernel = {"argv": command, "display_name": "Python 3 (forked)", "language": "python",
                  "env": {ADDRESS: address}}  # fmt: skip
        (spec / "kernel.json").write_text(json.dumps(kernel))
        server = subprocess.Popen(
            [sys.executable, __file__, "serve", address],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
            env=os.environ | SETTINGS,
        )  # fmt: skip
        try:
            if server.stdout.readline() != "ready\n":
                log.seek(0)
                raise RuntimeError(
                    f"the kernel server did not start (exit {server.wait()}):\n{log.read()}"
                )
            yield spec.parent
        finally:
            server.stdin.close()  # the server ends its kernels and exits
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def serve(address: str) -> None:
    """Import the libraries, then fork a kernel for each `connect`, until stdin closes."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    # the libraries' objects, out of the collector's sight: a kernel's collections do not
    # walk (and so copy) the pages it shares with the server
    gc.freeze()
    # Ctrl-C reaches the tests, which then close stdin: the server ends its kernels then
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen()
    print("ready", flush=True)
    kernels: dict[int, int] = {}  # pidfd -> pid
    connects: dict[int, socket.socket] = {}  # pidfd -> its connect's socket, while it lives
    while True:
        watched = [sys.stdin, listener, *kernels, *connects.values()]
        for ready in select.select(watched, [], [])[0]:
            if ready is sys.stdin and not sys.stdin.read():  # the tests have ended
                for pid in kernels.values():
                    _signal(pid, signal.SIGKILL)
                return
            if ready is listener:
                connection = listener.accept()[0]
                request, streams = _receive(connection)
                pid = os.fork()
                if pid == 0:
                    _kernel(request, streams, [listener, connection, *connects.values()])
                for stream in streams:
                    os.close(stream)
                connection.sendall(f"{pid}\n".encode())
                pidfd = os.pidfd_open(pid)
                kernels[pidfd], connects[pidfd] = pid, connection
            elif isinstance(ready, int):  # a kernel ended: its status goes to its connect
                pid, connection = kernels.pop(ready), connects.pop(ready, None)
                os.close(ready)
                code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
                if connection is not None:
                    with contextlib.suppress(OSError):  # its connect may be gone
                        connection.sendall(f"{code}\n".encode())
                    connection.close()
            else:  # a connect ended before its kernel (it was killed): end the kernel too
                pidfd = next(fd for fd, c in connects.items() if c is ready)
                connects.pop(pidfd).close()
                _signal(kernels[pidfd], signal.SIGKILL)


def _receive(connection: socket.socket) -> tuple[dict, list[int]]:
    """A connect's request (one JSON line) and its stdout and stderr (file descriptors)."""
    data, streams, _, _ = socket.recv_fds(connection, 1 << 16, 2)
    while not data.endswith(b"\n"):
        more = connection.recv(1 << 16)
        if not more:
            raise ConnectionError("a connect closed before its request was complete")
        data += more
    return json.loads(data), streams


def _signal(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has just ended
        os.kill(pid, number)


def _kernel(request: dict, streams: list[int], inherited: list[socket.socket]) -> None:
    """In the forked process: become the IPython kernel that `request` asked for, writing
    to its connect's stdout and stderr, as a kernel Jupyter starts writes to its own."""
    code = 1
    try:
        for item in inherited:
            item.close()
        os.setsid()  # a session of its own, as Jupyter starts a kernel: a Ctrl-C is not for it
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # not the server's stdin (its end)
        for target, stream in enumerate(streams, 1):
            os.dup2(stream, target)
            os.close(stream)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        from ipykernel.kernelapp import IPKernelApp

        # the server is this kernel's parent: if it ends, ipykernel ends the kernel (as it
        # ends a kernel whose Jupyter has gone)
        parent = f"--IPKernelApp.parent_handle={os.getppid()}"
        IPKernelApp.launch_instance(argv=[*request["argv"], parent])
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def connect(argv: list[str]) -> int:
    """The kernel process Jupyter sees: a forked kernel's stand-in, until it ends."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.connect(os.environ[ADDRESS])
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    data = json.dumps(request).encode() + b"\n"
    sent = socket.send_fds(server, [data], [1, 2])
    server.sendall(data[sent:])
    replies = server.makefile()
    pid = int(replies.readline())
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, lambda number, _: _signal(pid, number))
    status = replies.readline()
    return int(status) if status else 1


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit(connect(sys.argv[2:]))
