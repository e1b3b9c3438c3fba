"""The `_changes.html` partial renders a change with approvals, output and rollback, escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from aiops.model.itsm import Approval, Change, StepRecord

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "aiops" / "web" / "site" / "templates"


def test_changes_partial_shows_steps_verification_and_rollback() -> None:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.filters["when"] = lambda d: d.isoformat() if d else "—"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    c = Change(
        id="CHG-1",
        runbook="sulu-restart-app",
        params_hash="h",
        type="normal",
        state="failed",
        requested_by="baseline",
        autonomy="autonomous",
        created_at=now,
        updated_at=now,
        quorum=1,
        rolled_back=True,
        approvals=[
            Approval(change_id="CHG-1", approver="alice", decision="approve", via="link", at=now)
        ],
        steps=[
            StepRecord(
                index=0,
                phase="run",
                name="restart",
                kind="sulu",
                status="ok",
                started_at=now,
                ended_at=now,
                output="<script>x</script>",
            )
        ],
        verification={"ok": False, "checks": [{"name": "api", "ok": False, "output": "500"}]},
    )
    html = env.get_template("_changes.html").render(change_requests=[c])
    assert "sulu-restart-app" in html and "alice approve via link" in html
    assert "did not hold" in html and "Rollback: <strong>done</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    empty = env.get_template("_changes.html").render(change_requests=[])
    assert "No changes for this incident" in empty
