"""Builders for the itsm tests: a runtime over a real store, incidents, a change service."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from aiops.act import Executor, Runbook, StepContext, StepKind, StepOutcome
from aiops.act.steps import REGISTRY
from aiops.itsm.changes import ChangeDesk
from aiops.itsm.service import ChangeService
from aiops.itsm.stage import _scope
from aiops.model.policy import Policies
from aiops.runtime import Runtime
from aiops.store.repos.itsm import SqlItsmRepo
from aiops.store.tables import AlertRow, IncidentRow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sulu"
KEY = b"s" * 32


class FakeArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: str = "ok"


CALLS: list[str] = []


def _run(args: FakeArgs, ctx: StepContext) -> StepOutcome:
    CALLS.append(args.result)
    return StepOutcome(args.result == "ok", f"fake {args.result}")


def runbook(name: str, ctype: str = "standard", verify: str = "ok", **extra: Any) -> Runbook:
    return Runbook.model_validate(
        {
            "name": name,
            "change_type": ctype,
            "aliases": [f"{name}-label"],
            "steps": [{"name": "act", "kind": "fake", "with": {"result": "ok"}}],
            "verify": [{"name": "check", "kind": "fake", "with": {"result": verify}}],
            "rollback": [{"name": "undo", "kind": "fake", "with": {"result": "ok"}}],
            **extra,
        }
    )


def add_incident(
    rt: Runtime, *, priority: int = 2, label: str | None = "fix-label", now: datetime | None = None
) -> str:
    now = now or rt.clock()
    iid = "INC-" + uuid.uuid4().hex[:8]
    with rt.sessions.begin() as s:
        s.add(
            IncidentRow(
                id=iid,
                title="sulu is down",
                service="sulu",
                cis=["sulu-app"],
                state="open",
                severity="critical",
                impact=1,
                urgency=1,
                priority=priority,
                opened_at=now,
                updated_at=now,
                alert_count=1,
            )
        )
        s.flush()
        s.add(
            AlertRow(
                id="A-" + iid,
                fingerprint="fp-" + iid,
                source="rules",
                name="SuluHealthCheckFailing",
                service="sulu",
                ci="sulu-app",
                severity="critical",
                summary="down",
                labels={"runbook": label} if label else {},
                state="firing",
                first_seen=now,
                last_seen=now,
                count=1,
                incident_id=iid,
            )
        )
    return iid


def service(
    rt: Runtime, policies: Policies | None = None, books: list[Runbook] | None = None
) -> ChangeService:
    books = books or [
        runbook("fix"),
        runbook("fix-normal", "normal"),
        runbook("flaky", verify="fail"),
        runbook("sized", params={"n": {"type": "int", "min": 1, "max": 8}}),
    ]
    desk = ChangeDesk({b.name: b for b in books}, policies or rt.config.policies, rt.config.cmdb)
    reg = {**REGISTRY, "fake": StepKind("fake", FakeArgs, _run)}
    return ChangeService(
        _scope(rt.sessions, SqlItsmRepo),
        desk,
        clock=rt.clock,
        executor=Executor(5, registry=reg),
        secret=KEY,
    )


def audit_actions(rt: Runtime, entity: str = "change") -> list[str]:
    from aiops.store import audit

    with rt.sessions.begin() as s:
        return [r.action for r in reversed(audit.list_records(s, entity=entity, limit=500))]
