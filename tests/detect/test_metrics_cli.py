"""`aiops detect metrics FILE.csv`: output shape and errors that name the line."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from aiops.cli.detect import register

runner = CliRunner()
app = typer.Typer()
register(app)


def run(*args: str) -> Result:
    return runner.invoke(app, ["detect", "metrics", *args])


def write_series(path: Path, values: list[float]) -> Path:
    lines = ["timestamp,value"]
    for i, v in enumerate(values):
        lines.append(f"2024-01-01 {i // 60:02d}:{i % 60:02d}:00,{v}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_scores_a_csv_to_the_nab_output_layout(tmp_path: Path) -> None:
    x = list(10 + np.random.default_rng(0).normal(0, 1, 600))
    x[500] = 80.0
    src = write_series(tmp_path / "in.csv", x)
    out = tmp_path / "out.csv"
    result = run(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["timestamp", "value", "anomaly_score", "is_anomaly"]
    assert len(rows) == 600
    assert rows[500]["is_anomaly"] == "1" and float(rows[500]["anomaly_score"]) > 0.5
    assert rows[0]["timestamp"] == "2024-01-01 00:00:00"


def test_writes_to_stdout_without_out(tmp_path: Path) -> None:
    src = write_series(tmp_path / "in.csv", [1.0, 2.0, 3.0])
    result = run(str(src))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "timestamp,value,anomaly_score,is_anomaly"
    assert len(result.stdout.splitlines()) == 4


def test_nan_and_empty_values_are_scored_zero_not_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T00:01:00Z,nan\n"
        "2024-01-01T00:02:00Z,\n2024-01-01T00:03:00Z,inf\n"
    )
    result = run(str(src))
    assert result.exit_code == 0
    assert [line.split(",")[2] for line in result.stdout.splitlines()[1:]] == ["0.000000"] * 4


def test_epoch_seconds_timestamps_are_accepted(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("timestamp,value\n1700000000,1\n1700000060,2\n")
    assert run(str(src)).exit_code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "in.csv:1: empty file"),
        ("time,val\n1,2\n", "in.csv:1: header must name 'timestamp' and 'value'"),
        (
            "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,abc\n",
            "in.csv:3: value 'abc' is not a number",
        ),
        (
            "timestamp,value\n2024-01-01 00:00:00,1\nyesterday,2\n",
            "in.csv:3: timestamp 'yesterday' is neither ISO 8601 nor epoch seconds",
        ),
        ("timestamp,value\n2024-01-01 00:00:00,1,7\n", "in.csv:2: expected 2 fields, got 3"),
    ],
    ids=["empty", "bad-header", "bad-value", "bad-timestamp", "extra-field"],
)
def test_bad_csv_exits_2_naming_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text(content)
    result = run(str(src))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_header_only_gives_header_only(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("timestamp,value\n")
    result = run(str(src))
    assert (
        result.exit_code == 0
        and result.stdout.strip() == "timestamp,value,anomaly_score,is_anomaly"
    )


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "nope.csv" in result.stderr


def test_binary_file_exits_2(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"\xff\xfe\x00\x81binary")
    result = run(str(src))
    assert result.exit_code == 2 and "in.csv" in result.stderr


def test_unwritable_out_exits_1(tmp_path: Path) -> None:
    src = write_series(tmp_path / "in.csv", [1.0])
    result = run(str(src), "--out", str(tmp_path / "no" / "o.csv"))
    assert result.exit_code == 1 and "cannot write" in result.stderr
