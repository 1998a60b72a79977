"""Users' own data (`--data FILE.csv`) and impossible options: a clear answer every time.

The library is driven directly (shared.specs.admissions_data, shared.specs) and the command as a
subprocess, the way a user runs it. Every error names the file, and where it can the line
and the column of the first offending cell.
"""

import contextlib
import gzip
import io
import json
import os
import random
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from numpy_impl import admissions as numpy_admissions
from shared import cli
from shared.specs import admissions_data, get_spec
from shared.specs.admissions_data import DataFileError
from tests.golden import GOLDEN

ROSETTA = str(Path(sys.executable).with_name("rosetta"))


@pytest.fixture(scope="module")
def table_text() -> str:
    """The shipped table as a user would save it: a plain CSV with a header line."""
    return admissions_data.load_table().to_csv(index=False)


def write(directory: Path, name: str, content: str | bytes) -> str:
    path = directory / name
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    return str(path)


def with_line(text: str, number: int, line: str) -> str:
    """`text` with its line `number` (1 = the header) replaced by `line`."""
    lines = text.splitlines()
    lines[number - 1] = line
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "encoding", ["plain", "gzip", "utf-8-bom", "crlf", "reordered-columns", "extra-column"]
)
def test_the_same_table_in_any_accepted_form_gives_the_tutorials_weights(
    tmp_path, table_text, encoding
):
    lines = table_text.splitlines()
    forms = {
        "plain": table_text.encode(),
        "gzip": gzip.compress(table_text.encode()),
        "utf-8-bom": b"\xef\xbb\xbf" + table_text.encode(),
        "crlf": "\r\n".join(lines).encode(),
        "reordered-columns": "\n".join(
            ",".join(reversed(line.split(","))) for line in lines
        ).encode(),
        "extra-column": "\n".join(f"{line},{i}" for i, line in enumerate(lines)).encode(),
    }
    path = write(tmp_path, "mine.csv", forms[encoding])
    before = sorted(tmp_path.iterdir())
    with (
        pytest.warns(UserWarning, match="ignoring columns")
        if encoding == "extra-column"
        else (no_user_warning())
    ):
        spec = get_spec("admissions", "trained", data=path)
    params, _ = numpy_admissions.train(spec)
    expected, bound = GOLDEN[("admissions", "trained")]["final_weights"]
    diff = float(np.max(np.abs(params["w"] - expected)))
    assert diff <= bound, f"admissions from a {encoding} CSV: final weights differ by {diff:.2e}"
    assert sorted(tmp_path.iterdir()) == before, "something was written next to the user's file"


@contextlib.contextmanager
def no_user_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        yield


BAD = {
    "missing-file": (None, ["no such file"]),
    "empty-file": ("", ["empty file", "admit,gre,gpa,rank"]),
    "missing-column": ("header:admit,gre,rank", ["line 1", "'gpa'"]),
    "non-numeric": ("line 6:1,abc,3.2,2", ["line 6", "'gre'", "'abc'", "not a number"]),
    "empty-cell": ("line 8:1,,3.2,2", ["line 8", "'gre'", "empty cell"]),
    "admit-not-0-1": ("line 3:2,500,3.2,2", ["line 3", "'admit'", "'2'", "not 0 or 1"]),
    "rank-not-1-4": ("line 11:1,500,3.2,5", ["line 11", "'rank'", "'5'", "rank in 1..4"]),
    "infinite": ("line 4:1,inf,3.2,2", ["line 4", "'gre'", "'inf'"]),
    "ragged-row": ("line 5:1,500,3.2", ["line 5", "3 fields", "header has 4"]),
    "too-few-rows": ("only:3", ["has 2 rows", "split of 0.9", "--split none"]),
    "not-utf8": ("bytes", ["not UTF-8", "line 2"]),
    "damaged-gzip": ("gzip", ["damaged gzip"]),
}


def bad_file(tmp_path: Path, table_text: str, case: str) -> str:
    change, _ = BAD[case]
    if change is None:
        return str(tmp_path / "absent.csv")
    if change.startswith("header:"):
        content = with_line(table_text, 1, change.removeprefix("header:"))
    elif change.startswith("line "):
        number, line = change.removeprefix("line ").split(":", 1)
        content = with_line(table_text, int(number), line)
    elif change.startswith("only:"):
        content = "\n".join(table_text.splitlines()[: int(change.removeprefix("only:"))])
    elif change == "bytes":
        content = table_text.encode()
        content = content[:25] + b"\xff\xfe" + content[25:]
    elif change == "gzip":
        content = gzip.compress(table_text.encode())[:200]
    else:
        content = change
    return write(tmp_path, f"{case}.csv", content)


@pytest.mark.parametrize("case", BAD)
def test_bad_file_is_a_data_error_naming_file_line_and_column(tmp_path, table_text, case):
    path = bad_file(tmp_path, table_text, case)
    with pytest.raises(ValueError) as raised:
        get_spec("admissions", "trained", data=path)
    message = str(raised.value)
    assert message.startswith(path), f"{case}: the message does not start with the file: {message}"
    for word in BAD[case][1]:
        assert word in message, f"{case}: {word!r} missing from: {message}"


@pytest.mark.subprocesses
@pytest.mark.parametrize("case", ["non-numeric", "missing-file", "rank-not-1-4"])
def test_bad_file_through_the_command_exits_2_with_one_line_and_json(tmp_path, table_text, case):
    path = bad_file(tmp_path, table_text, case)
    result = subprocess.run(
        [ROSETTA, "run", "admissions_mlp", "--data", path, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["error"] == "bad data" and report["detail"].startswith(path)


def test_data_with_split_none_trains_on_every_row_of_the_file(tmp_path, table_text):
    path = write(tmp_path, "mine.csv", "\n".join(table_text.splitlines()[:101]))
    spec = get_spec("admissions_logit", "trained", split=None, data=path)
    assert spec.X.shape == (100, 6) and spec.y_test.shape == (0,)


def test_data_for_a_network_without_data_is_refused(tmp_path, table_text):
    path = write(tmp_path, "mine.csv", table_text)
    with pytest.raises(ValueError, match="no data"):
        get_spec("xor_341", "trained", data=path)


def mutations(text: str, seed: int) -> tuple[str, bytes]:
    """One malformed variant of the table: truncated, sprinkled with random bytes, or with
    columns swapped, chosen and placed by `seed`."""
    rng = random.Random(seed)
    raw = text.encode()
    kind = ("truncate", "bytes", "swap-header", "swap-cells", "drop-cells")[seed % 5]
    if kind == "truncate":
        return kind, raw[: rng.randrange(len(raw))]
    if kind == "bytes":
        data = bytearray(raw)
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return kind, bytes(data)
    lines = text.splitlines()
    if kind == "swap-header":
        names = lines[0].split(",")
        rng.shuffle(names)
        return kind, "\n".join([",".join(names), *lines[1:]]).encode()
    i = rng.randrange(1, len(lines))
    cells = lines[i].split(",")
    if kind == "swap-cells":
        a, b = rng.sample(range(len(cells)), 2)
        cells[a], cells[b] = cells[b], cells[a]
    else:
        del cells[rng.randrange(len(cells))]
    lines[i] = ",".join(cells)
    return kind, "\n".join(lines).encode()


def test_fuzz_malformed_csv_gives_a_clear_error_or_a_correct_result(tmp_path, table_text):
    """Every malformed file ends in a ValueError that names the file, or in a training whose
    numbers are finite; never another exception."""
    outcomes = {"error": 0, "trained": 0}
    for seed in range(150):
        kind, content = mutations(table_text, seed)
        path = write(tmp_path, f"fuzz{seed}.csv", content)
        try:
            spec = get_spec("admissions", "trained", data=path)
        except ValueError as error:
            assert str(error).startswith(path), f"seed {seed} ({kind}): {error}"
            assert "\n" not in str(error), f"seed {seed} ({kind}): more than one line"
            outcomes["error"] += 1
            continue
        params, history = numpy_admissions.train(spec)
        assert np.all(np.isfinite(params["w"])) and np.all(np.isfinite(history)), (
            f"seed {seed} ({kind}): non-finite training on accepted data"
        )
        outcomes["trained"] += 1
    assert outcomes["error"] > 10 and outcomes["trained"] > 10, outcomes  # both paths taken


def test_fuzz_through_the_command_never_prints_a_traceback(tmp_path, table_text, capsys):
    """In-process `rosetta run admissions --data FILE` on malformed files: exit 0 or 2."""
    for seed in range(0, 150, 7):
        _, content = mutations(table_text, seed)
        path = write(tmp_path, f"cli{seed}.csv", content)
        status = cli.main(["run", "admissions", "--data", path, "--json"])
        out, err = capsys.readouterr()
        assert status in (0, 2), f"seed {seed}: exit {status}: {err}"
        assert "Traceback" not in err
        report = json.loads(out)
        assert ("error" in report) == (status == 2), f"seed {seed}: {report}"


def test_prepared_data_rejects_a_column_that_cannot_be_standardized():
    table = admissions_data.load_table().copy()
    table["gpa"] = 3.0
    with pytest.raises(ValueError, match="'gpa': cannot be standardized"):
        admissions_data.prepare(table)


def test_data_file_error_is_a_value_error():
    assert issubclass(DataFileError, ValueError)


@pytest.mark.parametrize(
    ("column", "line", "cell"),
    [("gre", 7, "1e308"), ("gpa", 3, "-1e200"), ("gre", 400, "1.0000001e150")],
    ids=["gre-1e308", "gpa-minus-1e200", "just-over-the-limit"],
)
def test_a_score_too_large_to_standardize_is_an_error_naming_file_line_column(
    tmp_path, table_text, column, line, cell
):
    """gre = 1e308 once made the sample std infinite, every standardized gre 0, and the
    training "succeed"."""
    header = table_text.splitlines()[0].split(",")
    cells = table_text.splitlines()[line - 1].split(",")
    cells[header.index(column)] = cell
    path = write(tmp_path, "big.csv", with_line(table_text, line, ",".join(cells)))
    with pytest.raises(DataFileError) as raised:
        get_spec("admissions", "trained", data=path)
    assert str(raised.value).startswith(f"{path}, line {line}, column {column!r}: {cell!r}")
    assert "too large to standardize" in str(raised.value)


def test_a_score_at_the_limit_standardizes_to_finite_values(tmp_path, table_text):
    header = table_text.splitlines()[0].split(",")
    cells = table_text.splitlines()[6].split(",")
    cells[header.index("gre")] = repr(admissions_data.MAX_SCORE)
    path = write(tmp_path, "edge.csv", with_line(table_text, 7, ",".join(cells)))
    spec = get_spec("admissions", "trained", data=path, split=None)
    gre = spec.X[:, 0]
    assert np.all(np.isfinite(gre)) and np.ptp(gre) > 1, "the column was flattened"


def test_preparing_a_table_whose_std_overflows_is_an_error():
    table = admissions_data.load_table().copy()
    table.loc[5, "gre"] = 1e308
    with pytest.raises(ValueError, match="'gre': cannot be standardized"):
        admissions_data.prepare(table)


@pytest.mark.parametrize(
    "header", ["admit,gre,gpa,rank,gre", "admit, gre,gpa,rank,gre ", "admit,gre,gpa,rank,admit"]
)
def test_a_column_named_twice_is_an_error(tmp_path, table_text, header):
    """Once the last `gre` won silently."""
    lines = [f"{line},{line.split(',')[1]}" for line in table_text.splitlines()]
    path = write(tmp_path, "twice.csv", "\n".join([header, *lines[1:]]) + "\n")
    with pytest.raises(DataFileError) as raised:
        get_spec("admissions", "trained", data=path)
    name = header.split(",")[-1].strip()
    assert str(raised.value).startswith(f"{path}, line 1: column {name!r} appears 2 times")


@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "socket"])
def test_what_is_not_a_regular_file_is_refused_before_it_is_read(tmp_path, kind):
    """A FIFO with no writer would block open() forever, /dev/zero never ends: refused,
    naming what the path is, without waiting (the open does not block)."""
    path = tmp_path / "table.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "socket":
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
    else:
        path = Path("/dev/zero")
    words = {"fifo": "a FIFO", "device": "a character device", "directory": "a directory",
             "socket": "a socket"}[kind]  # fmt: skip
    started = time.monotonic()
    with pytest.raises(DataFileError) as raised:
        get_spec("admissions", "trained", data=str(path))
    assert str(raised.value) == f"{path}: {words}" + (
        " (a pipe)" if kind == "fifo" else ""
    ) + ", not a regular file; save the table to a file"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("form", ["plain", "gzip", "gzip-bomb", "rows"])
def test_a_file_over_the_limits_is_refused_before_it_fills_memory(
    tmp_path, table_text, monkeypatch, form
):
    """The limits, made small here so that the test is fast: a file larger than MAX_BYTES, a
    gzip file that unpacks past it (a bomb: 20 kB that unpack to 20 MB), more rows than
    MAX_ROWS."""
    monkeypatch.setattr(admissions_data, "MAX_BYTES", 100_000)
    monkeypatch.setattr(admissions_data, "MAX_ROWS", 1000)
    lines = table_text.splitlines()
    rows = "\n".join([lines[0], *(lines[1:] * 3)]) + "\n"  # 1200 rows, about 20 kB
    content = {
        "plain": table_text + "\n" * 100_000,
        "gzip": gzip.compress((table_text + "\n" * 100_000).encode()),
        "gzip-bomb": gzip.compress(table_text.encode() + b" " * 20_000_000),
        "rows": rows,
    }[form]
    path = write(tmp_path, "big.csv", content)
    with pytest.raises(DataFileError) as raised:
        get_spec("admissions", "trained", data=path)
    expected = "more than 1,000 data rows" if form == "rows" else "larger than 100,000 bytes"
    assert str(raised.value).startswith(path) and expected in str(raised.value), raised.value


NUMBER_CANDIDATES = ["1", "1.", ".5", "+.5", "-1", "1e5", "1E+05", "0.5e-3", "00012", " 12",
                     "12 ", "\t12", "1.e5", "1e", "e5", "1_000", "\uff18\uff10\uff10",
                     "\u0661\u0662", "\u00bd", "\u00b2", "1,000", "1.2.3", "0x10", "1d5",
                     "nan", "inf", "Infinity", "+", ".", "1 2", "++1", "1e5.5",
                     "\u00a012"]  # fmt: skip


@pytest.mark.parametrize("cell", NUMBER_CANDIDATES, ids=ascii)
def test_a_cell_is_a_number_exactly_when_pandas_reads_it_as_a_finite_one(tmp_path, cell):
    """Python's float() reads `1_000` as 1000 and full-width digits as digits; a CSV reader
    does not. The oracle is pandas' own CSV parser, on the same cell."""
    import pandas as pd

    text = f'admit,gre,gpa,rank\n1,"{cell}",3.2,2\n0,500,3.5,1\n'
    read = pd.read_csv(io.StringIO(text), na_filter=False)["gre"]
    pandas_number = read.dtype.kind in "fi" and np.isfinite(read[0])
    path = write(tmp_path, "mine.csv", text)
    if pandas_number:
        table = admissions_data.read_csv(path)
        assert table["gre"][0] == float(read[0])
    else:
        with pytest.raises(DataFileError) as raised:
            admissions_data.read_csv(path)
        assert str(raised.value) == f"{path}, line 2, column 'gre': {cell!r} is not a number"


def test_a_line_too_wide_is_refused_before_it_is_split(tmp_path, table_text):
    """9 lines of 4.4 million fields took 3.9 GB: a line's width is bounded like the rows
    (the limit made small here), checked before the csv module splits the line."""
    wide = "admit,gre,gpa,rank," + ",".join(f"x{i}" for i in range(admissions_data.MAX_FIELDS))
    path = write(tmp_path, "wide.csv", wide + "\n" + table_text.split("\n", 1)[1])
    with pytest.raises(DataFileError) as raised:
        admissions_data.read_csv(path)
    assert str(raised.value) == (
        f"{path}, line 1: more than 1,000 fields, the most --data reads in a line"
    )
    lines = table_text.splitlines()
    lines[5] += "," * 5000
    path = write(tmp_path, "row.csv", "\n".join(lines))
    with pytest.raises(DataFileError, match=r"line 6: more than 1,000 fields"):
        admissions_data.read_csv(path)
