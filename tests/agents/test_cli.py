"""`aiops agents check` and `aiops decisions` on bad input: clear message, exit code, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from factories import EXAMPLES
from typer.testing import CliRunner

from aiops.cli import _load, app

HERE = Path(__file__).resolve().parent
_load()


def test_agents_check_accepts_the_example() -> None:
    r = CliRunner().invoke(app, ["agents", "check", "--config", str(EXAMPLES)])
    assert r.exit_code == 0, r.output
    assert "OK, 4 agent(s)" in r.output and "remediate" in r.output


def test_agents_check_reports_file_and_line_and_exits_2(tmp_path: Path) -> None:
    shutil.copy(HERE / "bad" / "unknown_backend.yaml", tmp_path / "agents.yaml")
    r = CliRunner().invoke(app, ["agents", "check", "--config", str(tmp_path)])
    assert r.exit_code == 2
    assert f"{tmp_path / 'agents.yaml'}:5: agents.0.backend: unknown backend" in r.output
    assert "Traceback" not in r.output


def test_agents_check_without_agents_yaml_uses_builtin_defaults(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["agents", "check", "--config", str(tmp_path)])
    assert r.exit_code == 0 and "builtin defaults" in r.output


def test_agents_check_missing_directory_exits_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["agents", "check", "--config", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "does not exist" in r.output


def test_decisions_on_an_unreachable_database_exits_1() -> None:
    r = CliRunner().invoke(
        app, ["decisions", "--db", "postgresql://nobody@127.0.0.1:1/x", "--json"]
    )
    assert r.exit_code == 1 and "cannot read decisions" in r.output
    assert "Traceback" not in r.output


def test_decisions_on_an_empty_store_prints_an_empty_list(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["decisions", "--db", f"sqlite:///{tmp_path}/a.db", "--json"])
    assert r.exit_code == 0 and r.stdout.strip() == '{"items": [], "total": 0}'
