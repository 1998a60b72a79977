"""The UCLA graduate-admissions table, loaded and prepared once for every framework.

The table (400 rows: admit, gre, gpa, rank) ships in this package, as shared/data/binary.csv,
checked against its SHA-256 when it is read, so nothing is downloaded at run time. It is the
table the `arch` package ships (`arch.data.binary.load()`), with plain line endings;
tests/test_admissions_data.py checks that the two are equal. Preparation follows the tutorial
step by step:

1. one-hot encode `rank` into rank_1 .. rank_4 and drop `rank`;
2. standardize `gre` and `gpa` over all rows: (v - mean) / std, sample std (ddof=1);
3. `np.random.seed(seed)`, sample `n_train` row labels without replacement: the training
   set is those rows *in sampled order*, the test set the rest in original order
   (`n_train=None`, `--split none`: every row trains, in original order; no test set);
4. features in the order gre, gpa, rank_1 .. rank_4; target admit.
"""

from __future__ import annotations

import array
import csv
import gzip
import hashlib
import io
import math
import os
import re
import stat
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from shared.runtime.arrays import readonly

if TYPE_CHECKING:  # pandas is imported where a table is read: `rosetta list` needs none
    import pandas as pd

COLUMNS = ("admit", "gre", "gpa", "rank")
FEATURES = ("gre", "gpa", "rank_1", "rank_2", "rank_3", "rank_4")
RANKS = (1, 2, 3, 4)
SPLIT_SEED = 42
N_TRAIN = 360
DEFAULT_SPLIT = 0.9  # the tutorial's 360 of 400 rows
TABLE = Path(__file__).parents[1] / "data" / "binary.csv"
TABLE_SHA256 = "e052da43d3ffadcfd99c750cbb690ae704eaa9fcd8821ef7cc3d586a79309e97"


class TableChecksumError(ValueError):
    """The shipped admissions table is missing, or not the one the figures were computed from."""


@dataclass(frozen=True)
class AdmissionsData:
    """Prepared admissions arrays, float64 and read-only."""

    X_train: np.ndarray  # (n_train, 6)
    y_train: np.ndarray  # (n_train,)
    X_test: np.ndarray  # (n_test, 6)
    y_test: np.ndarray  # (n_test,)
    feature_names: tuple[str, ...]
    train_rows: np.ndarray  # row labels of the original table, in sampled order
    test_rows: np.ndarray  # row labels of the original table, in original order


def load_table() -> pd.DataFrame:
    """The raw 400-row table (all columns float64), after checking the file's SHA-256."""
    import pandas as pd

    try:
        raw = TABLE.read_bytes()
    except FileNotFoundError:
        raise TableChecksumError(
            f"{TABLE}: missing; nn-rosetta was installed without its data file "
            "(reinstall it with `make install`)"
        ) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != TABLE_SHA256:
        raise TableChecksumError(
            f"{TABLE}: SHA-256 {digest}, expected {TABLE_SHA256}: the admissions table was "
            "changed or damaged; restore it with `git checkout shared/data/binary.csv` "
            "(or reinstall nn-rosetta)"
        )
    return pd.read_csv(io.BytesIO(raw), dtype="float64")


def validate(table: pd.DataFrame) -> pd.DataFrame:
    """Check the raw table and return it with numeric float64 columns.

    Raises ValueError naming the column and the first offending row for: a missing
    column, a missing or non-numeric value, admit not 0/1, rank not one of 1..4.
    """
    import pandas as pd

    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(
            f"admissions table is missing column {missing[0]!r} "
            f"(expected columns: {', '.join(COLUMNS)}; found: {', '.join(map(str, table.columns))})"
        )
    numeric = pd.DataFrame(index=table.index)
    for column in COLUMNS:
        raw = table[column]
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
        _raise_at_first(column, raw, raw.isna(), "missing value")
        _raise_at_first(column, raw, values.isna() | ~np.isfinite(values), "is not a finite number")
        numeric[column] = values
    _raise_at_first("admit", table["admit"], ~numeric["admit"].isin((0.0, 1.0)), "is not 0 or 1")
    _raise_at_first("rank", table["rank"], ~numeric["rank"].isin(RANKS), "is not a rank in 1..4")
    return numeric


def _raise_at_first(column: str, raw: pd.Series, bad: pd.Series, problem: str) -> None:
    if bad.any():
        row = bad.index[np.argmax(bad.to_numpy())]
        cell = raw.loc[row]
        cell = cell.item() if isinstance(cell, np.generic) else cell
        value = "" if problem == "missing value" else f"{cell!r} "
        raise ValueError(f"admissions table, column {column!r}, row {row}: {value}{problem}")


def prepare(
    table: pd.DataFrame, seed: int = SPLIT_SEED, n_train: int | None = N_TRAIN
) -> AdmissionsData:
    """Validate, one-hot encode, standardize and split, exactly in the tutorial's order."""
    data = validate(table)
    # 1. one-hot rank -> rank_1 .. rank_4, drop rank
    for k in RANKS:
        data[f"rank_{k}"] = (data["rank"] == k).astype("float64")
    data = data.drop(columns="rank")
    # 2. standardize with the sample standard deviation (ddof=1, pandas' default)
    for column in ("gre", "gpa"):
        with np.errstate(over="ignore"):  # an overflow is reported below, by column
            std = data[column].std(ddof=1)
        data[column] = (data[column] - data[column].mean()) / std
        # an infinite std (overflow) would silently make the whole column 0
        if not np.isfinite(std) or std < np.finfo(np.float64).smallest_normal:
            raise ValueError(
                f"admissions table, column {column!r}: cannot be standardized (its values are "
                "all the same, or too large for float64)"
            )
    # 3. seeded split: training rows in sampled order, test rows in original order
    if n_train is None:
        train, test = data, data.iloc[:0]
    elif not 0 < n_train < len(data):
        raise ValueError(f"n_train must be between 1 and {len(data) - 1}, got {n_train}")
    else:
        np.random.seed(seed)
        sample = np.random.choice(data.index, size=n_train, replace=False)
        train, test = data.loc[sample], data.drop(sample)
    # 4. features in fixed column order, target admit
    return AdmissionsData(
        X_train=readonly(train[list(FEATURES)]),
        y_train=readonly(train["admit"]),
        X_test=readonly(test[list(FEATURES)]),
        y_test=readonly(test["admit"]),
        feature_names=FEATURES,
        train_rows=readonly(train.index, dtype=np.int64),
        test_rows=readonly(test.index, dtype=np.int64),
    )


def n_train_for(split: float | None, n_rows: int) -> int | None:
    """How many rows train for a split fraction (None: all of them, no test set)."""
    if split is None:
        return None
    if not 0 < split < 1:
        raise ValueError(f"split must be a fraction in (0, 1) or none, got {split}")
    return round(split * n_rows)


def load(split: float | None = DEFAULT_SPLIT, data: str | None = None) -> AdmissionsData:
    """The shipped table (or the CSV file `data`), prepared, with `split` of its rows
    training (None: all of them)."""
    table = load_table() if data is None else read_csv(data)
    n_train = n_train_for(split, len(table))
    if n_train is not None and not 0 < n_train < len(table):
        where = "the admissions table" if data is None else data
        raise ValueError(
            f"{where} has {len(table)} rows: a split of {split} leaves "
            f"{n_train} for training and {len(table) - n_train} for testing; each needs at least "
            "one (use more rows, another --split, or --split none)"
        )
    return prepare(table, n_train=n_train)


class DataFileError(ValueError):
    """The user's CSV cannot be used; the message names the file, line and column."""


# Limits of a user's file (docs/robustness.md states them). MAX_BYTES bounds what is read
# (after gzip: a small bomb stops there); MAX_ROWS bounds the rows, and with them the memory
# of every framework's training; MAX_FIELDS bounds a line's width, checked before the line is
# split (9 lines of 4.4 million fields once took 3.9 GB), and only the four columns used are
# kept of each row.
MAX_BYTES = 2**27  # 128 MiB
MAX_ROWS = 2_000_000
MAX_FIELDS = 1_000
# Standardizing squares each score's distance from the mean and sums the squares over up to
# MAX_ROWS rows: scores within +-1e150 keep that sum below float64's largest, 1.8e308.
MAX_SCORE = 1e150

# A number as pandas' CSV parser reads one (pandas.read_csv's C parser, xstrtod): an optional
# sign, ASCII digits with at most one decimal point, an optional exponent, spaces around.
# Python's float() also takes `1_000`, full-width digits and `infinity`: not CSV numbers.
# The options that take a number (--lr, --eps, --split, ...) read it by the same rule.
_SPACE = r"[ \t\v\f\r]*"  # what xstrtod skips around a number
NUMBER = re.compile(rf"{_SPACE}[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?{_SPACE}")


def number(text: str) -> float | None:
    """`text` as a CSV number (NUMBER), or None if it is not one."""
    if NUMBER.fullmatch(text) is None:
        return None
    return float(text)


def read_csv(path: str) -> pd.DataFrame:
    """The user's admissions CSV as a table with float64 columns admit, gre, gpa, rank.

    The header names the columns, in any order; other columns are ignored with a warning.
    Gzip-compressed files and UTF-8 with a byte-order mark are accepted. Every problem is a
    DataFileError naming the file, the line and the column of the first offending cell.
    """
    rows = _read_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise DataFileError(
            f"{path}: empty file; expected a header line {','.join(COLUMNS)}"
        ) from None
    names = [name.strip() for name in header]
    index = {name: i for i, name in enumerate(names)}
    for column in COLUMNS:
        if names.count(column) > 1:
            fields = [i + 1 for i, name in enumerate(names) if name == column]
            raise DataFileError(
                f"{path}, line 1: column {column!r} appears {len(fields)} times in the header "
                f"(fields {', '.join(map(str, fields))}); keep one"
            )
    missing = [c for c in COLUMNS if c not in index]
    if missing:
        raise DataFileError(
            f"{path}, line 1: no column {missing[0]!r} in the header (found: "
            f"{', '.join(map(repr, header))}; expected: {', '.join(COLUMNS)})"
        )
    extra = [name for name in index if name not in COLUMNS]
    if extra:
        warnings.warn(f"{path}: ignoring columns not used: {', '.join(extra)}", stacklevel=2)
    columns = {column: array.array("d") for column in COLUMNS}
    numbers = array.array("q")  # each row's line, for a message about one of its cells
    fields = [index[column] for column in COLUMNS]
    appends = [columns[column].append for column in COLUMNS]
    # one match per row, of its four cells joined (a newline is in no CSV number)
    four = re.compile("\n".join([NUMBER.pattern] * len(COLUMNS))).fullmatch
    for line, row in rows:
        if len(row) != len(header):
            raise DataFileError(
                f"{path}, line {line}: {len(row)} fields where the header has {len(header)}"
            )
        cells = [row[field] for field in fields]
        if four("\n".join(cells)) is None:
            for column, cell in zip(COLUMNS, cells, strict=True):
                _number(cell, path, line, column)  # names the first cell that is not one
        for append, cell in zip(appends, cells, strict=True):
            append(float(cell))
        numbers.append(line)
    if not numbers:
        raise DataFileError(f"{path}: a header but no data rows")
    import pandas as pd

    table = pd.DataFrame({c: np.frombuffer(v, dtype=np.float64) for c, v in columns.items()})
    bad = {  # a number too large for float64 (1e999) is infinite: not a number either
        **{c: (~np.isfinite(table[c]), "is not a number") for c in COLUMNS},
        "admit": (~table["admit"].isin((0.0, 1.0)), "is not 0 or 1"),
        "rank": (~table["rank"].isin(RANKS), "is not a rank in 1..4"),
        "gre": (table["gre"].abs() > MAX_SCORE, _TOO_LARGE),
        "gpa": (table["gpa"].abs() > MAX_SCORE, _TOO_LARGE),
    }
    for column, (mask, problem) in bad.items():
        if mask.any():
            line = numbers[int(np.argmax(mask.to_numpy()))]
            cell = _cell(path, line, index[column])
            raise DataFileError(f"{path}, line {line}, column {column!r}: {cell!r} {problem}")
    for column in ("gre", "gpa"):
        if table[column].nunique() < 2:
            raise DataFileError(
                f"{path}, column {column!r}: the same value on every row; it cannot be "
                "standardized (at least two different values are needed)"
            )
    return table


def _cell(path: str, line: int, field: int) -> str:
    """The text of a cell, for a message (the rows keep only the numbers)."""
    return next(row[field] for number, row in _read_rows(path) if number == line)


_TOO_LARGE = f"is too large to standardize (gre and gpa must lie within +-{MAX_SCORE:g})"


def _open_regular(path: str) -> int:
    """A descriptor of `path` open for reading, refused unless it is a regular file: checked
    before the open, and again on what was opened, which does not wait (O_NONBLOCK: a FIFO
    with no writer would block it forever)."""
    try:
        _refuse_unless_regular(path, os.stat(path).st_mode)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except OSError as error:
        raise DataFileError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        _refuse_unless_regular(path, os.fstat(descriptor).st_mode)
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _refuse_unless_regular(path: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        what = {stat.S_ISDIR(mode): "a directory", stat.S_ISFIFO(mode): "a FIFO (a pipe)",
                stat.S_ISCHR(mode): "a character device", stat.S_ISSOCK(mode): "a socket",
                stat.S_ISBLK(mode): "a block device"}.get(True, "not a regular file")  # fmt: skip
        raise DataFileError(f"{path}: {what}, not a regular file; save the table to a file")


def _read_rows(path: str) -> Iterator[tuple[int, list[str]]]:
    """The header, then each data row, with its line number in the file (blank lines
    skipped). A line wider than MAX_FIELDS fields is refused before it is split."""
    try:
        with open(_open_regular(path), "rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise DataFileError(f"{path}: cannot be read ({error.strerror})") from None
    limit = f"{MAX_BYTES:,} bytes ({MAX_BYTES / 2**20:.3g} MiB)"
    too_large = f"larger than {limit}, the most --data reads"
    if len(raw) > MAX_BYTES:
        raise DataFileError(f"{path}: {too_large}")
    if raw[:2] == b"\x1f\x8b":  # the gzip magic number
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
                raw = unzipped.read(MAX_BYTES + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise DataFileError(f"{path}: damaged gzip data ({error})") from None
        if len(raw) > MAX_BYTES:
            raise DataFileError(f"{path}: uncompressed, {too_large}")
    try:
        text = raw.decode("utf-8-sig")  # drops a byte-order mark
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataFileError(
            f"{path}, line {line}: not UTF-8 text (byte {raw[error.start]:#04x})"
        ) from None
    blank = not text.strip()
    del text  # the lines are decoded again one by one: memory stays near the file's size
    if blank:
        return
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataFileError(f"{path}, line {line}: a NUL byte; this is not a CSV text file")

    def lines() -> Iterator[str]:
        decoded = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
        for number, line in enumerate(decoded, 1):
            if line.count(",") >= MAX_FIELDS:
                raise DataFileError(
                    f"{path}, line {number}: more than {MAX_FIELDS:,} fields, the most --data "
                    "reads in a line"
                )
            yield line

    reader = csv.reader(lines())
    rows = 0
    try:
        for row in reader:
            if row and any(field.strip() for field in row):
                rows += 1
                if rows > MAX_ROWS + 1:  # the header and MAX_ROWS rows
                    raise DataFileError(
                        f"{path}, line {reader.line_num}: more than {MAX_ROWS:,} data rows, the "
                        "most --data reads"
                    )
                yield reader.line_num, row
    except csv.Error as error:
        raise DataFileError(f"{path}, line {reader.line_num}: {error}") from None


def _number(cell: str, path: str, line: int, column: str) -> float:
    if not cell.strip():
        raise DataFileError(f"{path}, line {line}, column {column!r}: empty cell")
    value = number(cell)
    if value is None or not math.isfinite(value):
        raise DataFileError(f"{path}, line {line}, column {column!r}: {cell!r} is not a number")
    return value
