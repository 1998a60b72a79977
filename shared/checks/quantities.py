"""Every quantity the harness knows of a network, computed from one module, in the order of the
computation: the forward pass, the loss, the gradients from the loss backward, the one-step
update, the trained results.

`collect` calls a module only through the public functions every implementation has
(`forward`, `loss`, `gradients`, `train`, `run`), so one function computes the learner's file
(in `rosetta check`'s child process) and the NumPy reference (in rosetta's own). A function
that raises the NotImplementedError of an exercise's stub makes its quantities "not written";
one that raises anything else makes them "raised", with the line it raised at.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from shared import specs
from shared.specs import Spec, override, start_params

STAGES = ("forward", "loss", "gradients", "update", "trained")
# The quantity of `train(spec)` run for one epoch (one step, full batch), per parameter.
ONE_EPOCH = "one_epoch."
GRADIENTS = "gradients."


@dataclass
class Outcome:
    """One quantity as a module computed it: a value, or why there is none."""

    status: str  # "value", "not written" (a TODO stub raised), "raised"
    value: np.ndarray | None = None
    message: str = ""  # for "not written": the stub's hint; for "raised": file:line: error

    def to_json(self) -> dict:
        if self.value is None:
            return {"status": self.status, "message": self.message}
        value = self.value
        return {
            "status": self.status,
            "value": value.astype(np.float64).tolist(),
            "dtype": str(value.dtype),
            "shape": list(value.shape),
        }

    @classmethod
    def from_json(cls, entry: dict) -> Outcome:
        if "value" not in entry:
            return cls(entry["status"], None, entry.get("message", ""))
        value = np.array(entry["value"], dtype=np.float64).reshape(entry["shape"])
        return cls(entry["status"], value.astype(entry["dtype"]))


def stage(name: str, trains: bool = False) -> int:
    """The index in STAGES of a quantity (its name without the case) of a case that trains
    (`run` reports a loss history) or not."""
    if name in ("output", "hidden", "h1", "h2", "o1"):
        return 4 if trains else 0  # the output after training, or at the start
    if name == "forward" or name.startswith("initial_"):
        return 0
    if name in ("loss", "J"):
        return 1
    if name.startswith((ONE_EPOCH, "del_")):
        return 3
    if name == "error" or "error_term" in name:
        return 2
    if name.startswith((GRADIENTS, "grad_", "dL_", "dJ_")):
        return 2
    return 4


# the tutorial's names of gender_221's parameters, by layer
_OUTPUT_NAMES = {"w", "w5", "w6", "b3", "w_hidden_output", "b_output"}
_HIDDEN_NAMES = {"w1", "w2", "w3", "w4", "b1", "b2", "W_input_hidden", "b_hidden"}


def layer(name: str) -> str:
    """"output" or "hidden": the layer whose error term a gradient-stage quantity carries
    ("" for others)."""
    bare = re.sub(r"^(gradients\.|grad_|dL_d|del_)", "", name)
    if name in ("error_term", "output_error_term") or bare in _OUTPUT_NAMES:
        return "output"
    if name == "hidden_error_term" or bare.lower() in {n.lower() for n in _HIDDEN_NAMES}:
        return "hidden"
    return ""


def rank(name: str) -> int:
    """Within the gradients: from the loss backward (the error, the output layer's error
    term and gradients, then the hidden layer's)."""
    if name == "error":
        return 0
    order = {"output": 1, "hidden": 3}.get(layer(name), 2)
    return order + (0 if "error_term" in name else 1)


def order_key(network: str, key: str, position: int) -> tuple:
    case, name = key.split("/", 1)
    trains = trains_in(network, case)
    return (stage(name, trains), specs.cases(network).index(case), rank(name), position)


def trains_in(network: str, case: str) -> bool:
    return "loss_history" in specs.NETWORKS[network].quantities[case]


def where(error: BaseException, path: str | None) -> str:
    """`file:line: Type: message` at the innermost frame in `path` (else the innermost)."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = [f for f in frames if path and f.filename == path] or frames
    place = f"{mine[-1].filename}:{mine[-1].lineno}: " if mine else ""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{place}{type(error).__name__}{': ' + text if text else ''}"


def out_of_memory(error: BaseException) -> bool:
    """A MemoryError, or a framework's way of saying the same (PyTorch's allocator raises a
    RuntimeError, TensorFlow a ResourceExhaustedError)."""
    text = str(error)
    return (
        isinstance(error, MemoryError)
        or "can't allocate memory" in text
        or "Cannot allocate memory" in text
        or type(error).__name__ == "ResourceExhaustedError"
    )


def _call(
    names: list[str], compute: Callable[[], dict], path: str | None
) -> dict[str, Outcome]:
    try:
        values = compute()
    except NotImplementedError as error:
        if not str(error).startswith("TODO"):
            return dict.fromkeys(names, Outcome("raised", message=where(error, path)))
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
        line = f"line {frames[-1].lineno}: " if frames else ""
        return dict.fromkeys(names, Outcome("not written", message=f"{line}{error}"))
    except MemoryError:
        raise
    except Exception as error:
        if out_of_memory(error):  # a framework's own out-of-memory error
            raise MemoryError(str(error)) from None
        return dict.fromkeys(names, Outcome("raised", message=where(error, path)))
    out = {}
    for name in names:
        if name not in values:
            out[name] = Outcome("raised", message=f"returned no {name!r}")
            continue
        try:
            value = np.asarray(values[name])
            if value.dtype.kind not in "biuf":
                raise TypeError(f"{value.dtype} values")
            out[name] = Outcome("value", value)
        except (TypeError, ValueError) as error:
            out[name] = Outcome("raised", message=f"{name} is not numbers: {error}")
    return out


ENTRIES = ("forward", "loss", "gradients", "run", "train")


def collect_case(
    module: ModuleType,
    spec: Spec,
    entries: tuple[str, ...] = ENTRIES,
    path: str | None = None,
) -> dict[str, Outcome]:
    """The quantities of one case (keys without the case), from the module's functions
    among `entries` that it defines."""
    params = start_params(spec)
    out: dict[str, Outcome] = {}
    has = {entry: entry in entries and callable(getattr(module, entry, None)) for entry in ENTRIES}
    if has["forward"]:
        out |= _call(["forward"], lambda: {"forward": module.forward(params, spec.X)}, path)
    if has["loss"] and spec.loss:
        out |= _call(["loss"], lambda: {"loss": module.loss(params, spec.X, spec.y)}, path)
    if has["gradients"] and spec.loss:
        names = [GRADIENTS + p for p in reversed(spec.PARAM_NAMES)]
        out |= _call(
            names,
            lambda: {GRADIENTS + p: g for p, g in module.gradients(params, spec.X, spec.y).items()},
            path,
        )
    if has["run"]:
        names = list(specs.NETWORKS[spec.network].quantities[spec.case])
        out |= _call(names, lambda: module.run(spec), path)
    if has["train"] and hasattr(spec, "epochs") and spec.loss:
        names = [ONE_EPOCH + p for p in spec.PARAM_NAMES]
        one = override(spec, epochs=1)
        out |= _call(
            names, lambda: {ONE_EPOCH + p: v for p, v in module.train(one)[0].items()}, path
        )
    return out


def collect(
    module: ModuleType, network: str, path: str | None = None
) -> dict[str, Outcome]:
    """Every quantity of every case of `network` from `module`, keyed "case/quantity", in the
    order of the computation (`order_key`)."""
    found = {}
    for case in specs.cases(network):
        for name, outcome in collect_case(module, specs.get_spec(network, case), path=path).items():
            found[f"{case}/{name}"] = outcome
    keys = sorted(found, key=lambda key: order_key(network, key, list(found).index(key)))
    return {key: found[key] for key in keys}
