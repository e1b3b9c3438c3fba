import csv
import io
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from aiops.cli import detect_logs


def make_app() -> typer.Typer:
    """A fresh app with the command, so tests do not add commands to the shared group."""
    app = typer.Typer()
    detect = typer.Typer()
    app.add_typer(detect, name="detect")
    detect.command("logs")(detect_logs.detect_logs)
    return app


def test_aiops_command_has_detect_logs() -> None:
    code = "import sys; from aiops.cli import main; sys.argv = ['aiops', 'detect', 'logs', '--help']; main()"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Mine templates" in result.stdout


def test_cli_writes_line_id_template_id_template(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(
        b"2020-01-01 10:00:00 INFO svc: user 17 logged in\n"
        b"2020-01-01 10:00:01 INFO svc: user 42 logged in\n"
        b"2020-01-01 10:00:02 ERROR svc: disk full, x=\xff\n"
    )
    out = tmp_path / "t.csv"
    result = CliRunner().invoke(make_app(), ["detect", "logs", str(log), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["line_id", "template_id", "template"]
    assert rows[1] == ["1", "1", "user <*> logged in"]
    assert rows[2] == ["2", "1", "user <*> logged in"]
    assert rows[3][:2] == ["3", "2"]


def test_cli_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(make_app(), ["detect", "logs", str(tmp_path / "nope.log")])
    assert result.exit_code == 2
    assert "nope.log: cannot read" in result.output
    assert "Traceback" not in result.output


def test_cli_bad_format_exits_2(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("x\n")
    result = CliRunner().invoke(
        make_app(), ["detect", "logs", str(log), "--format", "<Date> <Level>"]
    )
    assert result.exit_code == 2
    assert "--format" in result.output


def test_cli_empty_file_gives_header_only(tmp_path: Path) -> None:
    log = tmp_path / "empty.log"
    log.write_text("")
    result = CliRunner().invoke(make_app(), ["detect", "logs", str(log)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "line_id,template_id,template"
