"""Change records on a repo (one transaction): propose, decide, expire, finish.

Each function is one step of the change's life, writes its audit record and the
incident's timeline entry, and raises `AiopsError` subclasses for refusals (the caller,
`ChangeService`, records refusals in a transaction of their own so they survive).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiops.act.runbook import Runbook
from aiops.correlate.lifecycle import can_transition, transition
from aiops.errors import Conflict, ErrorDetail, InvalidInput, NotFound, Unauthorized
from aiops.itsm.ports import ItsmRepo
from aiops.itsm.routing import route
from aiops.itsm.tokens import params_hash
from aiops.model import Incident, IncidentState, TimelineEntry
from aiops.model.cmdb import Cmdb
from aiops.model.itsm import Approval, Autonomy, Change, ChangeState
from aiops.model.policy import Policies

_IN_FLIGHT = frozenset({ChangeState.pending_approval, ChangeState.approved, ChangeState.running})


@dataclass
class ChangeDesk:
    """What deciding about changes needs besides the store: runbooks, policies, CMDB."""

    runbooks: dict[str, Runbook]
    policies: Policies = field(default_factory=Policies)
    cmdb: Cmdb | None = None

    def runbook(self, name: str) -> Runbook:
        rb = self.runbooks.get(name)
        if rb is None:
            known = ", ".join(sorted(self.runbooks)) or "none"
            raise NotFound(
                f"unknown runbook {name!r} (known: {known})",
                [ErrorDetail(("runbook",), f"unknown runbook {name!r}", "unknown_ref")],
            )
        return rb


def _timeline(
    repo: ItsmRepo, change: Change, kind: str, text: str, actor: str, now: datetime, **data: Any
) -> None:
    if change.incident_id is not None:
        repo.add_timeline(
            change.incident_id,
            TimelineEntry(
                at=now,
                kind=kind,
                text=text,
                actor=actor,
                data={"change_id": change.id, "runbook": change.runbook, **data},
            ),
        )


def _audit(
    repo: ItsmRepo,
    change: Change,
    action: str,
    actor: str,
    now: datetime,
    before: Change | None = None,
    **extra: Any,
) -> None:
    after = {
        "state": change.state.value,
        "type": change.type.value,
        "runbook": change.runbook,
        "params_hash": change.params_hash,
        **extra,
    }
    repo.audit(
        actor=actor,
        entity="change",
        entity_id=change.id,
        action=action,
        before={"state": before.state.value} if before is not None else None,
        after=after,
        now=now,
    )


def propose(
    repo: ItsmRepo,
    desk: ChangeDesk,
    *,
    incident_id: str | None,
    runbook: str,
    params: dict[str, Any] | None,
    requested_by: str,
    autonomy: Autonomy | str,
    now: datetime,
    rationale: str = "",
    confidence: float | None = None,
    source: str = "agent",
) -> Change:
    """Create and route the change; the existing one if this incident already has it."""
    rb = desk.runbook(runbook)
    try:
        autonomy = Autonomy(autonomy)
    except ValueError:
        raise InvalidInput(
            f"unknown autonomy {autonomy!r}",
            [ErrorDetail(("autonomy",), "must be suggest, approve or autonomous", "enum")],
        ) from None
    clean = rb.check_params(params)
    incident: Incident | None = None
    if incident_id is not None:
        incident = repo.get_incident(incident_id)
        if incident is None:
            raise NotFound(f"incident {incident_id!r} not found")
        made = repo.list_changes(incident_id=incident_id)
        for c in made:
            if c.runbook == rb.name:
                return c  # idempotent: one change per incident and runbook
        busy = [c for c in made if c.state in _IN_FLIGHT]
        if busy:  # two fixes at once on one incident: neither result would mean anything
            raise Conflict(
                f"incident {incident_id} already has change {busy[0].id} ({busy[0].runbook}, "
                f"{busy[0].state.value}); one change at a time: propose again when it ends"
            )
        if incident.state.value not in rb.preconditions.incident_states:
            raise Conflict(
                f"runbook {rb.name}: incident {incident_id} is {incident.state.value}"
                f" (runs for {', '.join(rb.preconditions.incident_states)})"
            )
    svc_name = (incident.service if incident is not None else None) or rb.service
    service = desk.cmdb.service(svc_name) if desk.cmdb is not None and svc_name else None
    r = route(
        rb,
        autonomy=autonomy,
        policy=desk.policies.changes,
        service=service,
        priority=incident.priority if incident is not None else None,
        now=now,
    )
    change = Change(
        id=f"CHG-{uuid.uuid4().hex[:10]}",
        incident_id=incident_id,
        service=svc_name,
        runbook=rb.name,
        params=clean,
        params_hash=params_hash(rb.name, clean),
        type=r.type,
        state=r.state,
        risk=rb.risk.value,
        requested_by=requested_by,
        autonomy=autonomy,
        source=source,
        rationale=rationale[:4000],
        confidence=confidence,
        reasons=r.reasons,
        quorum=r.quorum,
        approver_roles=r.approver_roles,
        approvers=r.approvers,
        pir_required=r.pir_required,
        created_at=now,
        updated_at=now,
        expires_at=r.expires_at,
    )
    repo.add_change(change)
    _audit(
        repo,
        change,
        "create",
        requested_by,
        now,
        reasons=r.reasons,
        source=source,
        autonomy=autonomy.value,
        params=clean,
    )
    _timeline(
        repo,
        change,
        "change",
        f"{change.type.value} change {change.id} ({rb.name}) → {change.state.value}: "
        f"{'; '.join(r.reasons)}",
        requested_by,
        now,
        state=change.state.value,
        type=change.type.value,
    )
    return change


def decide(
    repo: ItsmRepo,
    change_id: str,
    *,
    approver: str,
    decision: str,
    via: str,
    now: datetime,
    comment: str = "",
    role: str | None = None,
) -> Change:
    """Record one approval or denial; the change is approved once the quorum is reached."""
    if decision not in ("approve", "deny"):
        raise InvalidInput(
            "decision must be approve or deny",
            [ErrorDetail(("decision",), "must be approve or deny", "enum")],
        )
    approver = (approver or "").strip()
    if not approver or len(approver) > 200:
        raise InvalidInput(
            "approver is required", [ErrorDetail(("approver",), "1..200 characters", "value_error")]
        )
    before = repo.get_change(change_id, for_update=True)
    if before is None:
        raise NotFound(f"change {change_id!r} not found")
    if (
        before.state is ChangeState.pending_approval
        and before.expires_at is not None
        and now >= before.expires_at
    ):
        expire(repo, before, now)
        raise Conflict(f"change {change_id} expired at {before.expires_at.isoformat()}")
    if before.state is not ChangeState.pending_approval:
        raise Conflict(f"change {change_id} is {before.state.value}, not waiting for approval")
    if before.approvers and approver not in before.approvers:
        raise Unauthorized(
            f"{approver!r} may not approve change {change_id} "
            f"(approvers: {', '.join(before.approvers)})"
        )
    if approver == before.requested_by:
        raise Unauthorized(f"{approver!r} requested change {change_id} and may not approve it")
    if any(a.approver == approver for a in before.approvals):
        raise Conflict(f"{approver!r} already decided on change {change_id}")
    a = Approval(
        change_id=change_id,
        approver=approver,
        role=role,
        decision=decision,
        via=via,
        at=now,
        comment=comment[:2000],
    )
    approvals = [*before.approvals, a]
    n_ok = sum(x.decision == "approve" for x in approvals)
    state = (
        ChangeState.rejected
        if decision == "deny"
        else (ChangeState.approved if n_ok >= before.quorum else ChangeState.pending_approval)
    )
    change = before.model_copy(update={"approvals": approvals, "state": state, "updated_at": now})
    repo.save_change(change)
    _audit(
        repo,
        change,
        decision,
        approver,
        now,
        before,
        via=via,
        comment=a.comment,
        approvals=n_ok,
        quorum=before.quorum,
    )
    _timeline(
        repo,
        change,
        "approval",
        f"{approver} {decision}d change {change_id} via {via}"
        f" ({n_ok}/{before.quorum}) → {state.value}",
        approver,
        now,
        decision=decision,
        via=via,
        state=state.value,
    )
    return change


def expire(repo: ItsmRepo, change: Change, now: datetime) -> Change:
    after = change.model_copy(update={"state": ChangeState.expired, "updated_at": now})
    repo.save_change(after)
    _audit(repo, after, "expire", "system", now, change)
    _timeline(
        repo,
        after,
        "approval",
        f"change {change.id} expired without a decision",
        "system",
        now,
        state="expired",
    )
    return after


def withdraw(repo: ItsmRepo, change_id: str, *, by: str, reason: str, now: datetime) -> Change:
    """Take back a change nobody has decided on yet (its proposer knows better now)."""
    before = repo.get_change(change_id, for_update=True)
    if before is None:
        raise NotFound(f"change {change_id!r} not found")
    if before.state is not ChangeState.pending_approval:
        raise Conflict(
            f"change {change_id} is {before.state.value}: only a change waiting for approval "
            "can be withdrawn"
        )
    after = before.model_copy(update={"state": ChangeState.withdrawn, "updated_at": now})
    repo.save_change(after)
    _audit(repo, after, "withdraw", by, now, before, reason=reason[:500])
    _timeline(repo, after, "approval", f"change {change_id} withdrawn by {by}: {reason}", by,
              now, state="withdrawn")  # fmt: skip
    return after


def expire_due(repo: ItsmRepo, now: datetime) -> list[Change]:
    return [
        expire(repo, c, now)
        for c in repo.list_changes(states=["pending_approval"], limit=500)
        if c.expires_at is not None and now >= c.expires_at
    ]


def resolve_incident(repo: ItsmRepo, change: Change, now: datetime) -> Incident | None:
    """The verification held: the incident is resolved (if its state allows it)."""
    if change.incident_id is None:
        return None
    inc = repo.get_incident(change.incident_id, for_update=True)
    if inc is None or not can_transition(inc.state, IncidentState.resolved):
        return None
    after = transition(inc, IncidentState.resolved, now=now)
    repo.save_incident(after)
    actor = f"change:{change.id}"
    repo.audit(
        actor=actor,
        entity="incident",
        entity_id=inc.id,
        action="state",
        before={"state": inc.state.value},
        after={"state": "resolved", "change": change.id},
        now=now,
    )
    repo.add_timeline(
        inc.id,
        TimelineEntry(
            at=now,
            kind="state",
            actor=actor,
            text=f"{inc.state.value} → resolved: change {change.id} verified",
            data={"from": inc.state.value, "to": "resolved", "change_id": change.id},
        ),
    )
    return after


__all__ = [
    "ChangeDesk",
    "decide",
    "expire",
    "expire_due",
    "propose",
    "resolve_incident",
    "withdraw",
]
