"""The change lifecycle over a real store: routing, approvals, links, execution, refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aiops.config import Settings
from aiops.errors import Conflict, InvalidInput, NotFound, Unauthorized
from aiops.itsm.tokens import LinkRefused
from aiops.model import IncidentState
from aiops.model.itsm import ChangeState, ChangeType
from aiops.model.policy_itsm import ChangePolicy
from aiops.runtime import ConfigSet, Runtime
from aiops.store.repos.itsm import SqlItsmRepo

from .helpers import CALLS, EXAMPLES, add_incident, audit_actions, service


@pytest.fixture
def rt(db_url: str, clock) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    r = Runtime(
        Settings(database_url=db_url, config_dir=EXAMPLES),
        config=ConfigSet.load(EXAMPLES),
        clock=clock,
    )
    yield r
    r.close()


def policies(rt: Runtime, **changes: object):  # type: ignore[no-untyped-def]
    base = {"approvers": {"change-manager": ["alice", "bob"]}, "emergency_group": ["carol"]}
    return rt.config.policies.model_copy(update={"changes": ChangePolicy(**{**base, **changes})})


def wait(svc, change_id):  # type: ignore[no-untyped-def]
    return svc.futures[change_id].result(timeout=10)


def incident_state(rt: Runtime, iid: str) -> IncidentState:
    with rt.sessions.begin() as s:
        inc = SqlItsmRepo(s).get_incident(iid)
    assert inc is not None
    return inc.state


def test_standard_autonomous_change_runs_verifies_and_resolves_the_incident(rt: Runtime) -> None:
    svc = service(rt, policies(rt))
    iid = add_incident(rt)
    c = svc.propose_change(
        incident_id=iid,
        runbook="fix",
        params={},
        requested_by="agent:remediate",
        autonomy="autonomous",
    )
    assert (c.type, c.state) == (ChangeType.standard, ChangeState.approved)
    done = wait(svc, c.id)
    assert done.state is ChangeState.succeeded and done.verification["ok"]
    assert [s.phase for s in done.steps] == ["run", "verify"]
    assert incident_state(rt, iid) is IncidentState.resolved
    assert audit_actions(rt) == ["create", "execute", "succeeded"]
    again = svc.propose_change(
        incident_id=iid, runbook="fix", params={}, requested_by="x", autonomy="autonomous"
    )
    assert again.id == c.id and svc.execute(c.id) is None  # idempotent: no second run


def test_normal_change_waits_for_the_quorum_of_eligible_approvers(rt: Runtime) -> None:
    svc = service(rt, policies(rt, quorum=2))
    iid = add_incident(rt, priority=3)
    c = svc.propose_change(
        incident_id=iid,
        runbook="fix-normal",
        params={},
        requested_by="baseline",
        autonomy="autonomous",
    )
    assert c.state is ChangeState.pending_approval and c.quorum == 2
    with pytest.raises(Unauthorized):
        svc.decide(c.id, approver="mallory", decision="approve", via="rest")
    c = svc.decide(c.id, approver="alice", decision="approve", via="rest")
    assert c.state is ChangeState.pending_approval
    with pytest.raises(Conflict):
        svc.decide(c.id, approver="alice", decision="approve", via="cli")
    c = svc.decide(c.id, approver="bob", decision="approve", via="cli")
    assert c.state is ChangeState.approved
    assert wait(svc, c.id).state is ChangeState.succeeded
    assert audit_actions(rt) == [
        "create",
        "approve_refused",
        "approve",
        "approve_refused",
        "approve",
        "execute",
        "succeeded",
    ]


def test_a_denied_change_never_runs(rt: Runtime) -> None:
    svc = service(rt, policies(rt))
    iid = add_incident(rt, priority=3)
    c = svc.propose_change(
        incident_id=iid,
        runbook="fix-normal",
        params={},
        requested_by="baseline",
        autonomy="autonomous",
    )
    CALLS.clear()
    c = svc.decide(c.id, approver="alice", decision="deny", via="rest", comment="not now")
    assert c.state is ChangeState.rejected and CALLS == []
    with pytest.raises(Conflict):
        svc.decide(c.id, approver="bob", decision="approve", via="rest")


def test_p1_incident_turns_a_normal_change_into_an_emergency_one(rt: Runtime) -> None:
    svc = service(rt, policies(rt))
    iid = add_incident(rt, priority=1)
    c = svc.propose_change(
        incident_id=iid,
        runbook="fix-normal",
        params={},
        requested_by="baseline",
        autonomy="autonomous",
    )
    assert c.type is ChangeType.emergency and c.pir_required and c.approvers == ["carol"]
    with pytest.raises(Unauthorized):
        svc.decide(c.id, approver="alice", decision="approve", via="rest")
    assert (
        svc.decide(c.id, approver="carol", decision="approve", via="rest").state
        is ChangeState.approved
    )


def test_an_undecided_change_expires_and_cannot_be_approved_afterwards(rt: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    svc = service(rt, policies(rt, approval_timeout_s=60))
    iid = add_incident(rt, priority=3)
    c = svc.propose_change(
        incident_id=iid,
        runbook="fix-normal",
        params={},
        requested_by="baseline",
        autonomy="autonomous",
    )
    clock.advance(61)
    assert [x.id for x in svc.expire_due()] == [c.id]
    with pytest.raises(Conflict):
        svc.decide(c.id, approver="alice", decision="approve", via="rest")
    assert "expire" in audit_actions(rt)


def test_parameters_failing_the_schema_are_refused_audited_and_nothing_is_created(
    rt: Runtime,
) -> None:
    svc = service(rt, policies(rt))
    iid = add_incident(rt)
    with pytest.raises(InvalidInput):
        svc.propose_change(
            incident_id=iid,
            runbook="sized",
            params={"n": 99},
            requested_by="agent",
            autonomy="autonomous",
        )
    with pytest.raises(NotFound):
        svc.propose_change(
            incident_id=iid, runbook="nope", params={}, requested_by="agent", autonomy="autonomous"
        )
    with rt.sessions.begin() as s:
        assert SqlItsmRepo(s).list_changes() == []
    assert audit_actions(rt) == ["propose_refused", "propose_refused"]


def test_failed_verification_rolls_back_and_leaves_the_incident_open(rt: Runtime) -> None:
    svc = service(rt, policies(rt))
    iid = add_incident(rt)
    c = svc.propose_change(
        incident_id=iid, runbook="flaky", params={}, requested_by="agent", autonomy="autonomous"
    )
    done = wait(svc, c.id)
    assert done.state is ChangeState.failed and done.rolled_back
    assert [s.phase for s in done.steps] == ["run", "verify", "rollback"]
    assert incident_state(rt, iid) is IncidentState.open


def test_signed_link_approves_once_and_replays_edits_and_expiry_are_refused(
    rt: Runtime, clock
) -> None:  # type: ignore[no-untyped-def]
    svc = service(rt, policies(rt, quorum=2, link_ttl_s=300))
    iid = add_incident(rt, priority=3)
    c = svc.propose_change(
        incident_id=iid,
        runbook="fix-normal",
        params={},
        requested_by="baseline",
        autonomy="autonomous",
    )
    alice = svc.links(c, "alice", clock())["approve"].rsplit("/", 1)[1]
    assert svc.decide_by_link(alice).approvals[0].via == "link"
    with pytest.raises(LinkRefused) as err:
        svc.decide_by_link(alice)
    assert err.value.code == "link_replayed"
    bob = svc.links(c, "bob", clock())["approve"].rsplit("/", 1)[1]
    with pytest.raises(LinkRefused) as err:
        svc.decide_by_link(bob[:-3] + ("AAA" if not bob.endswith("AAA") else "BBB"))
    assert err.value.code in ("link_tampered", "link_malformed")
    with rt.sessions.begin() as s:  # someone edits the parameters after the link went out
        repo = SqlItsmRepo(s)
        ch = repo.get_change(c.id)
        assert ch is not None
        repo.save_change(ch.model_copy(update={"params": {"x": 1}, "params_hash": "edited"}))
    with pytest.raises(LinkRefused) as err:
        svc.decide_by_link(bob)
    assert err.value.code == "link_params_changed"
    late = svc.links(c, "bob", clock())["approve"].rsplit("/", 1)[1]
    clock.advance(301)
    with pytest.raises(LinkRefused) as err:
        svc.decide_by_link(late)
    assert err.value.code == "link_expired"
    with rt.sessions.begin() as s:
        assert SqlItsmRepo(s).get_change(c.id).state is ChangeState.pending_approval  # type: ignore[union-attr]
    assert audit_actions(rt).count("link_refused") == 4


def test_one_change_at_a_time_per_incident_and_the_end_is_announced(rt: Runtime) -> None:
    """A second fix proposed while the first waits is refused (and audited); when the first
    ends, listeners hear of it and the second may be proposed."""
    svc = service(rt, policies(rt))
    ended: list[tuple[str, str]] = []
    svc.listeners.append(lambda ch: ended.append((ch.id, ch.state.value)))
    iid = add_incident(rt, priority=3)
    first = svc.propose_change(
        incident_id=iid, runbook="fix-normal", params={}, requested_by="a", autonomy="autonomous"
    )
    with pytest.raises(Conflict, match=f"already has change {first.id}"):
        svc.propose_change(
            incident_id=iid, runbook="fix", params={}, requested_by="a", autonomy="autonomous"
        )
    assert audit_actions(rt)[-1] == "propose_refused"
    svc.decide(first.id, approver="alice", decision="deny", via="rest")
    assert ended == [(first.id, "rejected")]
    second = svc.propose_change(
        incident_id=iid, runbook="fix", params={}, requested_by="a", autonomy="autonomous"
    )
    assert wait(svc, second.id).state is ChangeState.succeeded
    assert ended == [(first.id, "rejected"), (second.id, "succeeded")]


def test_a_broken_listener_does_not_undo_the_change(rt: Runtime) -> None:
    svc = service(rt, policies(rt))

    def broken(ch):  # type: ignore[no-untyped-def]
        raise RuntimeError("listener bug")

    svc.listeners.append(broken)
    iid = add_incident(rt)
    c = svc.propose_change(
        incident_id=iid, runbook="fix", params={}, requested_by="a", autonomy="autonomous"
    )
    assert wait(svc, c.id).state is ChangeState.succeeded
    assert incident_state(rt, iid) is IncidentState.resolved


def test_a_change_waiting_for_approval_can_be_withdrawn_once(rt: Runtime) -> None:
    svc = service(rt, policies(rt))
    ended: list[str] = []
    svc.listeners.append(lambda ch: ended.append(ch.state.value))
    iid = add_incident(rt, priority=3)
    c = svc.propose_change(
        incident_id=iid, runbook="fix-normal", params={}, requested_by="a", autonomy="autonomous"
    )
    done = svc.withdraw(c.id, by="agent:remediate", reason="superseded")
    assert done.state is ChangeState.withdrawn and ended == ["withdrawn"]
    with pytest.raises(Conflict, match="only a change waiting for approval"):
        svc.withdraw(c.id, by="agent:remediate", reason="again")
    with pytest.raises(Conflict):
        svc.decide(c.id, approver="alice", decision="approve", via="rest")  # nothing to approve
    assert audit_actions(rt)[-3:] == ["withdraw", "withdraw_refused", "approve_refused"]
