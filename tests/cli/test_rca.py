"""`aiops rca` prints a JSON array of candidates, and a clear error (exit 2) on bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from aiops.cli import _load, app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "diagnose"))
from rca_factories import write_petshop, write_sockshop  # noqa: E402

_load()


def test_rca_sockshop_prints_a_json_array_best_first(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c", fault="svc1")
    result = CliRunner().invoke(app, ["rca", str(folder), "--format", "sockshop"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out[0]["ci"] == "svc1" and out[0]["metric"] == "cpu"
    assert all({"ci", "score", "evidence"} <= set(c) for c in out)
    assert [c["score"] for c in out] == sorted((c["score"] for c in out), reverse=True)


def test_rca_petshop_top_limits_the_list(tmp_path: Path) -> None:
    issue = write_petshop(tmp_path, slow="Db")
    result = CliRunner().invoke(app, ["rca", str(issue), "--format", "petshop", "--top", "2"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [c["ci"] for c in out] == ["Db", "Search"]


def test_rca_bad_input_exits_2_with_file_and_line(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c")
    (folder / "normal.csv").write_text("time,a_cpu\n1,xyz\n")
    result = CliRunner().invoke(app, ["rca", str(folder), "--format", "sockshop"])
    assert result.exit_code == 2
    assert "normal.csv:2: column 'a_cpu': 'xyz' is not a number" in result.stderr
    assert "Traceback" not in result.output


def test_rca_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["rca", str(tmp_path), "--format", "excel"])
    assert result.exit_code == 2
