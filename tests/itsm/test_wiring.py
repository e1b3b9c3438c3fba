"""The wired stages follow CMDB edits made through the API (service windows route changes)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from aiops.config import Settings
from aiops.runtime import ConfigSet, Runtime, install_stages

from .helpers import EXAMPLES, add_incident


@pytest.fixture
def rt(db_url: str, clock) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    r = Runtime(Settings(database_url=db_url, config_dir=EXAMPLES),
                config=ConfigSet.load(EXAMPLES), clock=clock)  # fmt: skip
    r.seed_cmdb()
    install_stages(r, EXAMPLES)
    yield r
    r.close()


async def test_a_service_window_edited_through_the_api_routes_the_next_change(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    act = next(s for s in rt.stages.stages if s.name == "act")
    act.service.execute_here = False
    svc = (await client.get("/api/v1/cmdb/services/sulu")).json()
    hour = (rt.clock().hour + 12) % 24  # a window that is not now
    svc["service_window"] = f"mon-sun {hour:02d}:00-{(hour + 1) % 24:02d}:00"
    r = await client.put("/api/v1/cmdb/services/sulu", json=svc)
    assert r.status_code == 200, r.text
    iid = add_incident(rt, priority=3)
    change = act.service.propose_change(incident_id=iid, runbook="sulu-restart", params={},
                                        requested_by="agent:remediate", autonomy="autonomous")  # fmt: skip
    assert change.state.value == "pending_approval"
    assert any("outside the service window" in why for why in change.reasons)


def _remediate(rt: Runtime, iid: str, runbook: str, at) -> None:  # type: ignore[no-untyped-def]
    from aiops.model.decisions import Decision
    from aiops.store.repos.decisions import DecisionRepo

    d = Decision(id=f"DEC-{runbook}", incident_id=iid, agent="remediate", kind="remediate",
                 agent_version="1", instructions_hash="h", input_digest="i", trigger="t",
                 backend="builtin", created_at=at, autonomy="autonomous",
                 output={"runbook": runbook, "params": {}, "rationale": "test"})  # fmt: skip
    with rt.sessions.begin() as s:
        DecisionRepo(s).add(d)


def _changes(rt: Runtime, iid: str) -> list[tuple[str, str]]:
    from aiops.store.repos.itsm import SqlItsmRepo

    with rt.sessions() as s:
        return sorted(
            (c.runbook, c.state.value) for c in SqlItsmRepo(s).list_changes(incident_id=iid)
        )


def test_a_newer_proposal_withdraws_the_agents_own_one_still_waiting(rt: Runtime) -> None:
    """The agents proposed a normal change; seconds later, with more evidence, another
    runbook. Nobody had decided yet: the stale proposal is withdrawn, the new one asks."""
    from datetime import timedelta

    from aiops.runtime import RemediationBridge

    act = next(s for s in rt.stages.stages if s.name == "act")
    act.service.execute_here = False
    bridge = next(s for s in rt.stages.stages if isinstance(s, RemediationBridge))
    iid = add_incident(rt, priority=3)
    _remediate(rt, iid, "sulu-restart-app", rt.clock())  # normal: waits for approval
    bridge.handle(iid, "updated")
    assert _changes(rt, iid) == [("sulu-restart-app", "pending_approval")]
    _remediate(rt, iid, "sulu-db-release-locks", rt.clock() + timedelta(seconds=2))
    bridge.handle(iid, "updated")
    assert _changes(rt, iid) == [("sulu-db-release-locks", "pending_approval"),
                                 ("sulu-restart-app", "withdrawn")]  # fmt: skip


def test_a_change_already_approved_is_not_withdrawn_the_newer_proposal_waits(rt: Runtime) -> None:
    from datetime import timedelta

    from aiops.runtime import RemediationBridge

    act = next(s for s in rt.stages.stages if s.name == "act")
    act.service.execute_here = False
    bridge = next(s for s in rt.stages.stages if isinstance(s, RemediationBridge))
    iid = add_incident(rt, priority=3)
    _remediate(rt, iid, "sulu-restart-app", rt.clock())
    bridge.handle(iid, "updated")
    from aiops.store.repos.itsm import SqlItsmRepo

    with rt.sessions() as s:
        (change,) = SqlItsmRepo(s).list_changes(incident_id=iid)
    act.service.decide(change.id, approver=change.approvers[0] if change.approvers else "alice",
                       decision="approve", via="rest")  # fmt: skip
    _remediate(rt, iid, "sulu-db-release-locks", rt.clock() + timedelta(seconds=2))
    bridge.handle(iid, "updated")
    assert _changes(rt, iid) == [("sulu-restart-app", "approved")]
