"""The UCLA graduate-admissions table, loaded and prepared once for every framework.

The table (400 rows: admit, gre, gpa, rank) ships inside the `arch` package, so nothing
is downloaded at run time. Preparation follows the tutorial step by step:

1. one-hot encode `rank` into rank_1 .. rank_4 and drop `rank`;
2. standardize `gre` and `gpa` over all rows: (v - mean) / std, sample std (ddof=1);
3. `np.random.seed(seed)`, sample `n_train` row labels without replacement: the training
   set is those rows *in sampled order*, the test set the rest in original order
   (`n_train=None`, `--split none`: every row trains, in original order; no test set);
4. features in the order gre, gpa, rank_1 .. rank_4; target admit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from shared.arrays import readonly

COLUMNS = ("admit", "gre", "gpa", "rank")
FEATURES = ("gre", "gpa", "rank_1", "rank_2", "rank_3", "rank_4")
RANKS = (1, 2, 3, 4)
SPLIT_SEED = 42
N_TRAIN = 360
DEFAULT_SPLIT = 0.9  # the tutorial's 360 of 400 rows


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
    """The raw 400-row table as `arch` ships it (all columns float64)."""
    from arch.data import binary

    return binary.load()


def validate(table: pd.DataFrame) -> pd.DataFrame:
    """Check the raw table and return it with numeric float64 columns.

    Raises ValueError naming the column and the first offending row for: a missing
    column, a missing or non-numeric value, admit not 0/1, rank not one of 1..4.
    """
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
        data[column] = (data[column] - data[column].mean()) / data[column].std(ddof=1)
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


def load(split: float | None = DEFAULT_SPLIT) -> AdmissionsData:
    """The shipped table, prepared, with `split` of its rows training (None: all rows)."""
    table = load_table()
    return prepare(table, n_train=n_train_for(split, len(table)))
