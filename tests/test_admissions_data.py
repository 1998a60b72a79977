"""Admissions data: the shipped table, preparation as the tutorial does it, and validation
of a bad table."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from shared.specs import admissions_data
from tests.golden import FIRST_TEN_SAMPLED


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return admissions_data.load_table()


@pytest.fixture(scope="module")
def data(table):
    return admissions_data.prepare(table)


def test_shapes_and_columns(data):
    assert data.X_train.shape == (360, 6) and data.y_train.shape == (360,)
    assert data.X_test.shape == (40, 6) and data.y_test.shape == (40,)
    assert data.feature_names == ("gre", "gpa", "rank_1", "rank_2", "rank_3", "rank_4")
    assert data.X_train.dtype == np.float64


def test_first_ten_sampled_rows(data):
    assert data.train_rows[:10].tolist() == FIRST_TEN_SAMPLED


def test_test_rows_are_the_rest_in_original_order(data):
    assert data.test_rows.tolist() == sorted(set(range(400)) - set(data.train_rows.tolist()))


def test_standardized_columns_have_zero_mean_and_unit_sample_std(data):
    X = np.concatenate([data.X_train, data.X_test])
    np.testing.assert_allclose(X[:, :2].mean(axis=0), 0, atol=1e-14)
    np.testing.assert_allclose(X[:, :2].std(axis=0, ddof=1), 1, atol=1e-14)


def test_matches_the_tutorials_own_pandas_recipe(table, data):
    """An independent preparation, written the way the tutorial writes it."""
    df = pd.concat([table, pd.get_dummies(table["rank"], prefix="rank", dtype=float)], axis=1)
    df = df.drop("rank", axis=1).rename(columns=lambda c: c.replace(".0", ""))
    for field in ("gre", "gpa"):
        df[field] = (df[field] - df[field].mean()) / df[field].std()
    np.random.seed(42)
    sample = np.random.choice(df.index, size=int(len(df) * 0.9), replace=False)
    train, test = df.loc[sample], df.drop(sample)
    np.testing.assert_array_equal(data.X_train, train.drop("admit", axis=1).to_numpy())
    np.testing.assert_array_equal(data.y_test, test["admit"].to_numpy())


def test_prepared_arrays_are_read_only(data):
    with pytest.raises(ValueError, match="read-only"):
        data.X_train[0, 0] = 1.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.drop(columns="gpa"), "missing column 'gpa'"),
        (
            lambda t: t.assign(gre=t["gre"].astype(object).where(t.index != 7, "abc")),
            r"column 'gre', row 7: 'abc' is not a finite number",
        ),
        (
            lambda t: t.assign(gpa=t["gpa"].where(t.index != 12)),
            "column 'gpa', row 12: missing value",
        ),
        (
            lambda t: t.assign(rank=t["rank"].where(t.index != 3, 5.0)),
            r"column 'rank', row 3: 5.0 is not a rank in 1..4",
        ),
        (
            lambda t: t.assign(rank=t["rank"].where(t.index != 4, 2.5)),
            r"column 'rank', row 4: 2.5 is not a rank in 1..4",
        ),
        (
            lambda t: t.assign(admit=t["admit"].where(t.index != 9, 2.0)),
            r"column 'admit', row 9: 2.0 is not 0 or 1",
        ),
    ],
    ids=["missing_column", "non_numeric", "missing_value", "rank_5", "rank_2.5", "admit_2"],
)
def test_bad_table_raises_naming_column_and_row(table, change, message):
    with pytest.raises(ValueError, match=message):
        admissions_data.prepare(change(table.copy()))


def test_first_offending_row_is_reported(table):
    bad = table.copy()
    bad.loc[[30, 20], "rank"] = 0.0
    with pytest.raises(ValueError, match="row 20:"):
        admissions_data.prepare(bad)


def test_the_table_is_the_one_arch_ships():
    """Our copy (shared/data/binary.csv) against `arch`'s own loader, value by value."""
    binary = pytest.importorskip("arch.data.binary", reason="arch (the dev extra) is not installed")
    pd.testing.assert_frame_equal(admissions_data.load_table(), binary.load(), check_exact=True)


def test_the_checksum_is_the_files_own():
    """An independent hash of the shipped file, not the loader's."""
    digest = hashlib.sha256(admissions_data.TABLE.read_bytes()).hexdigest()
    assert digest == admissions_data.TABLE_SHA256, f"shared/data/binary.csv: SHA-256 {digest}"


def test_a_changed_table_is_refused(tmp_path, monkeypatch):
    changed = tmp_path / "binary.csv"
    changed.write_bytes(admissions_data.TABLE.read_bytes().replace(b"380.0", b"381.0", 1))
    monkeypatch.setattr(admissions_data, "TABLE", changed)
    with pytest.raises(admissions_data.TableChecksumError, match="changed or damaged; restore"):
        admissions_data.load_table()


def test_a_missing_table_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(admissions_data, "TABLE", tmp_path / "binary.csv")
    with pytest.raises(admissions_data.TableChecksumError, match=r"missing; .*`make install`"):
        admissions_data.load_table()
