"""Where a change goes: run now, approval, emergency, blocked."""

from __future__ import annotations

from datetime import UTC, datetime

from aiops.act import Runbook
from aiops.itsm.routing import route
from aiops.model.cmdb import Service
from aiops.model.itsm import Autonomy, ChangeState, ChangeType
from aiops.model.policy_itsm import ChangePolicy, FreezeWindow

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday 12:00 in Tokyo


def rb(ctype: str = "standard", **pre: str) -> Runbook:
    return Runbook.model_validate(
        {
            "name": "r",
            "change_type": ctype,
            "preconditions": pre,
            "steps": [{"name": "w", "kind": "wait", "with": {"seconds": 0}}],
        }
    )


def svc(window: str = "24x7") -> Service:
    return Service(name="sulu", service_window=window)  # type: ignore[arg-type]


def test_standard_autonomous_change_in_a_24x7_window_runs_at_once() -> None:
    r = route(
        rb(),
        autonomy=Autonomy.autonomous,
        policy=ChangePolicy(),
        service=svc(),
        priority=2,
        now=NOW,
    )
    assert r.state is ChangeState.approved and r.quorum == 0


def test_standard_change_needs_approval_when_the_agent_only_suggests() -> None:
    r = route(
        rb(), autonomy=Autonomy.suggest, policy=ChangePolicy(), service=svc(), priority=2, now=NOW
    )
    assert r.state is ChangeState.pending_approval and r.quorum == 1
    assert any("autonomy is suggest" in x for x in r.reasons)


def test_outside_the_service_window_a_standard_change_goes_to_approval() -> None:
    night = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo
    r = route(
        rb(),
        autonomy=Autonomy.autonomous,
        policy=ChangePolicy(),
        service=svc("weekdays 10-19 Asia/Tokyo"),
        priority=2,
        now=night,
    )
    assert r.state is ChangeState.pending_approval
    blocked = route(
        rb(),
        autonomy=Autonomy.autonomous,
        policy=ChangePolicy(outside_service_window="block"),  # type: ignore[arg-type]
        service=svc("weekdays 10-19 Asia/Tokyo"),
        priority=2,
        now=night,
    )
    assert blocked.state is ChangeState.blocked


def test_runbook_asking_for_approval_always_gets_it() -> None:
    r = route(
        rb(approval="always"),
        autonomy=Autonomy.autonomous,
        policy=ChangePolicy(),
        service=svc(),
        priority=3,
        now=NOW,
    )
    assert r.state is ChangeState.pending_approval


def test_normal_change_needs_the_quorum_from_the_roles() -> None:
    pol = ChangePolicy(
        quorum=2,
        approver_roles=["change-manager", "service-owner"],
        approvers={"change-manager": ["alice"], "service-owner": ["bob"]},
    )
    r = route(
        rb("normal"), autonomy=Autonomy.autonomous, policy=pol, service=svc(), priority=3, now=NOW
    )
    assert (r.state, r.type, r.quorum, r.approvers) == (
        ChangeState.pending_approval,
        ChangeType.normal,
        2,
        ["alice", "bob"],
    )


def test_p1_normal_change_becomes_emergency_with_the_emergency_group_and_a_pir() -> None:
    pol = ChangePolicy(emergency_group=["carol"])
    r = route(
        rb("normal"), autonomy=Autonomy.autonomous, policy=pol, service=svc(), priority=1, now=NOW
    )
    assert r.type is ChangeType.emergency and r.approvers == ["carol"] and r.quorum == 1
    assert r.pir_required


def test_freeze_window_blocks_all_but_emergency_changes() -> None:
    fw = FreezeWindow(
        name="year-end",
        start=datetime(2026, 11, 24, tzinfo=UTC),
        end=datetime(2026, 11, 26, tzinfo=UTC),
        services=["sulu"],
    )
    pol = ChangePolicy(freeze_windows=[fw])
    r = route(rb(), autonomy=Autonomy.autonomous, policy=pol, service=svc(), priority=3, now=NOW)
    assert r.state is ChangeState.blocked and "year-end" in r.reasons[0]
    e = route(
        rb("emergency"),
        autonomy=Autonomy.autonomous,
        policy=pol,
        service=svc(),
        priority=3,
        now=NOW,
    )
    assert e.state is ChangeState.pending_approval
    other = route(
        rb(),
        autonomy=Autonomy.autonomous,
        policy=pol,
        service=Service(name="other"),
        priority=3,
        now=NOW,
    )
    assert other.state is ChangeState.approved
