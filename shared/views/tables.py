"""What the notebooks print: a spec's numbers, a run's quantities, and the cross-check table.

Figures are printed to TEN_DIGITS significant digits. Results of different frameworks, and
of one framework on different CPUs (OpenBLAS picks its kernels per CPU, and they round
differently in the last bits), agree to about 1e-14; ten digits stay well inside that,
so a notebook's outputs are the same on any machine while still showing every digit a
tutorial prints.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd

from shared.checks import compare, harness
from shared.specs import Spec, get_spec

TEN_DIGITS = 10
Results = dict[str, dict[str, np.ndarray]]  # case -> quantity -> value


ONE_LINE = 10**6  # a width for figure(): the whole array on one line


def figure(value: object, threshold: int = 12, width: int = 88) -> str:
    """A number or an array, each element to TEN_DIGITS significant digits, in lines of at
    most `width` characters (ONE_LINE: one line); arrays with more than `threshold` elements
    show the first and last few."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiu":
        return str(value)
    # float(...) also turns -0.0 into 0: the sign of a zero depends on the order of additions
    formatter = {"all": lambda v: f"{float(v) + 0.0:.{TEN_DIGITS}g}"}
    if array.ndim == 0:
        return formatter["all"](array)
    text = np.array2string(
        array,
        formatter=formatter,
        threshold=threshold,
        edgeitems=3 if threshold >= 12 else 2,
        separator=", ",
        max_line_width=width,
    )
    return text if width < ONE_LINE else text.replace("\n", "")  # rows of a matrix too


def _empty(spec: Spec, name: str, value: object) -> bool:
    """A field the spec leaves empty: no text, no entries, an array of no elements, or the
    training figures (lr, epochs, ...) of a spec that updates nothing (lr 0)."""
    if value is None or (isinstance(value, str | tuple | list | dict) and not value):
        return True
    if isinstance(value, np.ndarray) and value.size == 0:
        return True
    untrained = getattr(spec, "lr", 1) == 0
    return untrained and name in ("lr", "epochs", "loss_every")


def print_spec(spec: Spec) -> None:
    """Every field of a spec that it fills: its arrays with their shapes, its numbers and its
    rules."""
    print(f"{spec.network}, case {spec.case}:")
    for field in fields(spec):
        value = getattr(spec, field.name)
        if field.name in ("network", "case") or _empty(spec, field.name, value):
            continue
        shape = f" {np.shape(value)}" if isinstance(value, np.ndarray) and value.ndim else ""
        text = dict(value) if field.name == "claims" else figure(value, threshold=24)
        label = f"  {field.name}{shape}: "
        print(label + str(text).replace("\n", "\n" + " " * len(label)))


def print_quantities(results: Results) -> None:
    """Each case's quantities, one per line."""
    for case, quantities in results.items():
        print(case)
        for name, value in quantities.items():
            label = f"  {name}: "
            print(label + figure(value).replace("\n", "\n" + " " * len(label)))


def _rows(network: str, label: str, results: Results, reference: Results) -> list[compare.Row]:
    rows = []
    for case, got in results.items():
        bound = harness.tolerance(get_spec(network, case), "float64")
        rows += compare.compare_rows(network, case, label, got, reference[case], bound)
    return rows


def print_agreement(network: str, label: str, results: Results, reference: Results) -> None:
    """One line per case: whether every quantity is within its bound of the NumPy reference
    (the bound, not the difference: differences of 1e-16 depend on the CPU)."""
    rows = _rows(network, label, results, reference)
    for case in results:
        of_case = [row for row in rows if row.case == case]
        failed = [row.quantity for row in of_case if row.failed]
        unknown = [row.quantity for row in of_case if row.verdict == harness.CANNOT_TELL]
        verdict = (
            f"differ: {failed} differ from NumPy by more than {of_case[0].tolerance:.0e}"
            if failed
            else f"cannot tell: {unknown} (a chaotic training)"
            if unknown
            else f"agree: all within {of_case[0].tolerance:.0e} of NumPy"
        )
        print(f"{case}: {len(of_case)} quantities, {verdict}")


class WholeTable:
    """A DataFrame that a notebook shows whole: pandas would cut every cell longer than 50
    characters, which arrays of ten-digit numbers are. The frame itself is `.frame`."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def _repr_html_(self) -> str:
        with pd.option_context("display.max_colwidth", None):
            return self.frame._repr_html_()

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", None, "display.width", None):
            return self.frame.to_string()


def cross_check(network: str, results: dict[str, Results]) -> WholeTable:
    """Every quantity in every framework side by side, with the bound each framework must
    stay within of the NumPy float64 reference, and the verdict: agree, differ or cannot
    tell. `results` maps a framework's label to its results, NumPy first."""
    (_, reference), *others = results.items()
    verdicts = {
        (row.case, row.quantity, row.framework): row
        for label, got in others
        for row in _rows(network, label, got, reference)
    }
    table = []
    for case, quantities in reference.items():
        for name in quantities:
            checked = [verdicts[case, name, label] for label, _ in others]
            table.append(
                {"case": case, "quantity": name}
                | {
                    label: figure(got[case][name], threshold=8, width=ONE_LINE)
                    for label, got in results.items()
                }
                | {
                    "within": f"{checked[0].tolerance:.0e}" if checked else "",
                    "verdict": compare.overall(checked),  # agree, differ or cannot tell
                }
            )
    return WholeTable(pd.DataFrame(table).set_index(["case", "quantity"]))
