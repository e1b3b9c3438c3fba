"""The core CLI: `aiops ingest` names the bad line, `aiops audit verify` names the broken
record, `aiops config check` names the file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from aiops.cli import _load, app
from aiops.store.database import make_engine, migrate
from aiops.store.tables import EventRow

_load()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sulu"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("AIOPS_CONFIG_DIR", str(EXAMPLES))
    return CliRunner()


def _events(n: int) -> list[str]:
    return [json.dumps({"id": f"e{i}", "source": "file", "summary": f"disk {i} full",
                        "service": "sulu", "ci": "sulu-host", "occurred_at": 1795575600 + i})
            for i in range(n)]


def _stored(db_url: str) -> int:
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as c:
        n = c.execute(select(func.count()).select_from(EventRow)).scalar_one()
    engine.dispose()
    return int(n)


def test_ingest_stores_a_jsonl_file(cli: CliRunner, tmp_path: Path, db_url: str) -> None:
    f = tmp_path / "events.jsonl"
    f.write_text("\n".join(_events(5)) + "\n\n")
    r = cli.invoke(app, ["ingest", str(f), "--db", db_url])
    assert r.exit_code == 0, r.output
    assert "5 event(s) stored" in r.output
    assert _stored(db_url) == 5
    again = cli.invoke(app, ["ingest", str(f), "--db", db_url])
    assert "5 duplicate(s)" in again.output and _stored(db_url) == 5


def test_ingest_names_each_bad_line_and_stores_nothing(cli: CliRunner, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    lines = _events(3)
    lines.insert(1, '{"source": "file", "summary": "x", "occurred_at": "soon"}')
    lines.insert(3, "{not json")
    f = tmp_path / "events.jsonl"
    f.write_text("\n".join(lines) + "\n")
    r = cli.invoke(app, ["ingest", str(f), "--db", db])
    assert r.exit_code == 2
    assert f"{f}:2: occurred_at: not a timestamp: 'soon'" in r.output
    assert f"{f}:4: " in r.output and "invalid JSON" in r.output
    assert "nothing stored" in r.output
    assert _stored(db) == 0
    r = cli.invoke(app, ["ingest", str(f), "--db", db, "--skip-invalid"])
    assert r.exit_code == 0 and _stored(db) == 3


def test_ingest_refuses_a_json_array_line(cli: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "events.jsonl"
    f.write_text('[{"source": "a", "summary": "b"}]\n')
    r = cli.invoke(app, ["ingest", str(f), "--db", f"sqlite:///{tmp_path / 'a.db'}"])
    assert r.exit_code == 2 and f"{f}:1:" in r.output


def test_audit_verify_passes_then_names_the_tampered_record(
    cli: CliRunner, tmp_path: Path, db_url: str
) -> None:
    f = tmp_path / "events.jsonl"
    f.write_text("\n".join(_events(3)) + "\n")
    assert cli.invoke(app, ["ingest", str(f), "--db", db_url]).exit_code == 0
    ok = cli.invoke(app, ["audit", "verify", "--db", db_url])
    assert ok.exit_code == 0 and "audit chain OK" in ok.output
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    engine.dispose()
    bad = cli.invoke(app, ["audit", "verify", "--db", db_url])
    assert bad.exit_code == 1
    assert "BROKEN at record 2" in bad.output


def test_config_check_reports_file_and_line(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "policies.yaml").write_text("correlation:\n  window_s: 5m\n  bogus: 1\n")
    r = cli.invoke(app, ["config", "check", "--config", str(tmp_path)])
    assert r.exit_code == 2
    assert f"{tmp_path / 'policies.yaml'}:3: correlation.bogus" in r.output


def test_config_check_accepts_the_sulu_example(cli: CliRunner) -> None:
    r = cli.invoke(app, ["config", "check", "--config", str(EXAMPLES)])
    assert r.exit_code == 0, r.output


def test_incidents_list_json(cli: CliRunner, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    f = tmp_path / "events.jsonl"
    f.write_text("\n".join(_events(2)) + "\n")
    cli.invoke(app, ["ingest", str(f), "--db", db])
    r = cli.invoke(app, ["incidents", "list", "--db", db, "--json"])
    assert r.exit_code == 0
    assert len(json.loads(r.output)["items"]) == 1
