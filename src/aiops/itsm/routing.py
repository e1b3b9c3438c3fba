"""Where a proposed change goes (pure): run now, wait for approval, or refuse.

    freeze window (block)   → blocked (an emergency change still goes to approval)
    freeze window (approval), outside the service window, runbook `approval: always`,
    autonomy below `autonomous`                       → approval, even for standard
    standard + autonomous + none of the above        → approved (runs at once)
    normal    → approval by `approver_roles`, `quorum` distinct people
    emergency → one approver from `emergency_group`; a post-implementation review

A normal change for an incident at or above `emergency_max_priority` (P1 by default)
becomes an emergency change: one quick approval beats a quorum at 3 a.m.
Every rule that fired is named in `reasons`, for the change record and the audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiops.act.runbook import Runbook
from aiops.model.cmdb import Service
from aiops.model.itsm import Autonomy, ChangeState, ChangeType
from aiops.model.policy_itsm import ChangePolicy, WindowAction


@dataclass(frozen=True)
class Routing:
    type: ChangeType
    state: ChangeState
    quorum: int = 0
    approver_roles: list[str] = field(default_factory=list)
    approvers: list[str] = field(default_factory=list)
    pir_required: bool = False
    expires_at: datetime | None = None
    reasons: list[str] = field(default_factory=list)


def _approvers(policy: ChangePolicy, roles: list[str]) -> list[str]:
    return sorted({p for r in roles for p in policy.approvers.get(r, [])})


def route(
    runbook: Runbook,
    *,
    autonomy: Autonomy,
    policy: ChangePolicy,
    service: Service | None,
    priority: int | None,
    now: datetime,
) -> Routing:
    reasons: list[str] = []
    ctype = runbook.change_type
    if (
        ctype is ChangeType.normal
        and priority is not None
        and priority <= policy.emergency_max_priority
    ):
        ctype = ChangeType.emergency
        reasons.append(f"P{priority} incident: normal change handled as emergency")
    svc_name = service.name if service is not None else runbook.service
    needs_approval = False
    for fw in policy.freeze_windows:
        if not fw.applies(svc_name, now):
            continue
        if fw.action is WindowAction.block and ctype is not ChangeType.emergency:
            reasons.append(f"freeze window {fw.name!r} blocks changes until {fw.end.isoformat()}")
            return Routing(ctype, ChangeState.blocked, reasons=reasons)
        if fw.action is not WindowAction.allow:
            needs_approval = True
            reasons.append(f"freeze window {fw.name!r}: approval required")
    inside = service.service_window.contains(now) if service is not None else True
    want = runbook.preconditions.service_window
    if (want == "inside" and not inside) or (want == "outside" and inside):
        needs_approval = True
        reasons.append(f"runbook runs on its own only {want} the service window")
    if not inside:
        act = policy.outside_service_window
        if act is WindowAction.block and ctype is not ChangeType.emergency:
            reasons.append(f"outside the service window ({service.service_window}): blocked")  # type: ignore[union-attr]
            return Routing(ctype, ChangeState.blocked, reasons=reasons)
        if act is WindowAction.approval:
            needs_approval = True
            reasons.append(f"outside the service window ({service.service_window})")  # type: ignore[union-attr]
    if runbook.preconditions.approval == "always":
        needs_approval = True
        reasons.append("runbook asks for approval every time")
    expires = now + timedelta(seconds=policy.approval_timeout_s)
    if ctype is ChangeType.emergency:
        reasons.append("emergency change: one approver from the emergency group, PIR required")
        return Routing(
            ctype,
            ChangeState.pending_approval,
            1,
            ["emergency"],
            sorted(policy.emergency_group),
            True,
            expires,
            reasons,
        )
    if ctype is ChangeType.standard:
        if autonomy is not Autonomy.autonomous:
            needs_approval = True
            reasons.append(f"autonomy is {autonomy.value}: a person approves")
        if not needs_approval:
            reasons.append("standard change, autonomous, inside policy: runs now")
            return Routing(ctype, ChangeState.approved, reasons=reasons)
        roles = list(policy.approver_roles)
        return Routing(
            ctype,
            ChangeState.pending_approval,
            1,
            roles,
            _approvers(policy, roles),
            False,
            expires,
            reasons,
        )
    roles = list(policy.approver_roles)
    reasons.append(f"normal change: {policy.quorum} approval(s) from {', '.join(roles)}")
    return Routing(
        ctype,
        ChangeState.pending_approval,
        policy.quorum,
        roles,
        _approvers(policy, roles),
        False,
        expires,
        reasons,
    )


__all__ = ["Routing", "route"]
