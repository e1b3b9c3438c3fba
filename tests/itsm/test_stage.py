"""The act stage: baseline runbook pick, SLA clocks, problems, and the wiring over examples."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from aiops.config import Settings
from aiops.itsm import sla
from aiops.itsm.baseline import pick_runbook
from aiops.itsm.stage import ActStage, build_act_stage
from aiops.model import Alert, Incident
from aiops.model.itsm import ChangeState, SlaState
from aiops.model.policy_itsm import ChangePolicy, ProblemPolicy
from aiops.runtime import ConfigSet, Runtime
from aiops.store.repos.itsm import SqlItsmRepo

from .helpers import EXAMPLES, add_incident, runbook, service


@pytest.fixture
def rt(db_url: str, clock) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    r = Runtime(
        Settings(database_url=db_url, config_dir=EXAMPLES),
        config=ConfigSet.load(EXAMPLES),
        clock=clock,
    )
    yield r
    r.close()


def alert(name: str, label: str | None, t: int = 0) -> Alert:
    from datetime import UTC, datetime

    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=t)
    return Alert(
        id=name,
        fingerprint=name,
        source="rules",
        name=name,
        first_seen=at,
        last_seen=at,
        labels={"runbook": label} if label else {},
    )


def test_baseline_picks_by_label_alias_then_alert_name_then_known_error() -> None:
    books = {b.name: b for b in [runbook("fix"), runbook("other", alerts=["Disk"])]}
    assert pick_runbook([alert("X", "fix-label")], books).runbook == "fix"  # type: ignore[union-attr]
    assert pick_runbook([alert("Disk", None)], books).runbook == "other"  # type: ignore[union-attr]
    assert pick_runbook([alert("X", "unknown")], books) is None
    assert pick_runbook([alert("X", "fix-label")], books, "other").runbook == "other"  # type: ignore[union-attr]


def test_stage_runs_the_baseline_change_and_starts_the_sla_clock(rt: Runtime) -> None:
    svc = service(rt)
    stage = ActStage(svc)
    iid = add_incident(rt, priority=1)
    stage.handle(iid, "opened")
    stage.handle(iid, "updated")  # idempotent
    with rt.sessions.begin() as s:
        repo = SqlItsmRepo(s)
        changes = repo.list_changes(incident_id=iid)
        clock = repo.get_clock(iid)
    assert len(changes) == 1 and changes[0].source == "baseline"
    done = svc.futures[changes[0].id].result(timeout=10)
    assert done is not None and done.state is ChangeState.succeeded
    assert clock is not None and clock.response_due == clock.started_at + timedelta(minutes=15)
    svc.close()


def test_sla_clock_warns_then_breaches_and_stops_when_acknowledged(rt: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    iid = add_incident(rt, priority=1, label=None)
    pol = rt.config.policies
    with rt.sessions.begin() as s:
        repo = SqlItsmRepo(s)
        inc = repo.get_incident(iid)
        assert inc is not None
        sla.ensure_clock(repo, inc, rt.config.cmdb, now=clock())
    clock.advance(13 * 60)  # 13 of 15 min: past warn_at 0.8
    with rt.sessions.begin() as s:
        assert sla.tick(SqlItsmRepo(s), pol, now=clock()) == 1
        assert SqlItsmRepo(s).get_clock(iid).response_state is SlaState.warning  # type: ignore[union-attr]
    clock.advance(3 * 60)
    with rt.sessions.begin() as s:
        assert sla.tick(SqlItsmRepo(s), pol, now=clock()) == 1
        assert sla.tick(SqlItsmRepo(s), pol, now=clock()) == 0  # recorded once
        c = SqlItsmRepo(s).get_clock(iid)
    assert c is not None and c.response_state is SlaState.breached
    assert c.resolve_state is SlaState.running


def test_mtta_and_mttr_are_means_over_incidents_that_reached_them() -> None:
    from datetime import UTC, datetime

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    incs = [
        Incident(
            id="a",
            title="a",
            opened_at=t0,
            updated_at=t0,
            acknowledged_at=t0 + timedelta(seconds=60),
            resolved_at=t0 + timedelta(seconds=600),
        ),
        Incident(
            id="b",
            title="b",
            opened_at=t0,
            updated_at=t0,
            acknowledged_at=t0 + timedelta(seconds=120),
        ),
    ]
    assert sla.mtta_mttr(incs) == {
        "incidents": 2,
        "mtta_s": 90.0,
        "mttr_s": 600.0,
        "acknowledged": 2,
        "resolved": 1,
    }


def test_recurring_incidents_open_one_problem_and_update_it(rt: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    from aiops.itsm import problems

    pol = rt.config.policies.model_copy(update={"problems": ProblemPolicy(threshold=2)})
    ids = [add_incident(rt, label=None) for _ in range(3)]
    with rt.sessions.begin() as s:
        repo = SqlItsmRepo(s)
        results = []
        for iid in ids:
            inc = repo.get_incident(iid)
            assert inc is not None
            inc = inc.model_copy(update={"diagnosis": {"root_cause": {"ci": "sulu-db"}}})
            results.append(problems.note_incident(repo, inc, pol, now=clock()))
    assert results[0] is None and results[1] is not None
    assert results[2] is not None and results[2].id == results[1].id
    assert results[2].incident_ids == ids and results[2].key == "rc:sulu-db"


def test_build_act_stage_loads_the_example_runbooks(rt: Runtime) -> None:
    stage = build_act_stage(rt, EXAMPLES, sim_url="http://127.0.0.1:1", repos=SqlItsmRepo)
    assert stage is not None and stage.name == "act"
    assert "sulu-restart" in stage.service.desk.runbooks
    assert build_act_stage(rt, None, repos=SqlItsmRepo) is None
    counts = stage.tick()
    assert counts["expired"] == 0 and counts["sent"] == 0
    stage.close()
    _ = ChangePolicy
