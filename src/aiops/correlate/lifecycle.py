"""The incident lifecycle: which state changes are allowed, and the automatic ones.

    from \\ to     open   acknowledged  mitigated  resolved  closed
    open            -         yes          yes        yes       -
    acknowledged    -          -           yes        yes       -
    mitigated     reopen       -            -         yes       -
    resolved      reopen*      -            -          -       yes
    closed          -          -            -          -        -

    * only within `IncidentPolicy.reopen_window_s` of `resolved_at`.

`closed` is reached only from `resolved` (a closed record is final; a recurrence is a
new incident). Repeating the current state is a conflict too, so an API call to
acknowledge twice answers 409 rather than silently rewriting `acknowledged_at`.
Every function returns an updated copy; nothing is mutated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiops.errors import Conflict
from aiops.model import EventStatus, Incident, IncidentState
from aiops.model.duration import format_duration
from aiops.model.policy import IncidentPolicy

S = IncidentState
ALLOWED: dict[IncidentState, frozenset[IncidentState]] = {
    S.open: frozenset({S.acknowledged, S.mitigated, S.resolved}),
    S.acknowledged: frozenset({S.mitigated, S.resolved}),
    S.mitigated: frozenset({S.open, S.resolved}),
    S.resolved: frozenset({S.open, S.closed}),
    S.closed: frozenset(),
}
ACTIVE = frozenset({S.open, S.acknowledged, S.mitigated})  # may still take new alerts


def can_transition(from_: IncidentState, to: IncidentState) -> bool:
    return to in ALLOWED[from_]


def transition(
    incident: Incident,
    to: IncidentState,
    *,
    now: datetime,
    policy: IncidentPolicy | None = None,
) -> Incident:
    """A copy of `incident` in state `to` with its timestamps set; Conflict if not allowed."""
    from_ = incident.state
    if not can_transition(from_, to):
        allowed = ", ".join(sorted(ALLOWED[from_])) or "nothing (final)"
        raise Conflict(
            f"incident {incident.id}: cannot go from {from_} to {to} (allowed from {from_}: {allowed})"
        )
    if from_ is S.resolved and to is S.open:
        _check_reopen_window(incident, now, policy or IncidentPolicy())
    update: dict[str, object] = {"state": to, "updated_at": now}
    if to is S.acknowledged:
        update["acknowledged_at"] = now
    elif to is S.mitigated:
        update["mitigated_at"] = now
    elif to is S.resolved:
        update["resolved_at"] = now
        if incident.mitigated_at is None:  # resolving restores service too
            update["mitigated_at"] = now
    elif to is S.closed:
        update["closed_at"] = now
    elif to is S.open:  # reopen: the current cycle is not mitigated nor resolved any more
        update.update(mitigated_at=None, resolved_at=None)
    return incident.model_copy(update=update)


def _check_reopen_window(incident: Incident, now: datetime, policy: IncidentPolicy) -> None:
    resolved_at = incident.resolved_at or incident.updated_at
    age = (now - resolved_at).total_seconds()
    if age > policy.reopen_window_s:
        raise Conflict(
            f"incident {incident.id}: cannot go from resolved to open: resolved "
            f"{format_duration(age)} ago, reopen window is {format_duration(policy.reopen_window_s)}"
        )


def on_alerts_changed(
    incident: Incident,
    alert_states: Sequence[EventStatus],
    policy: IncidentPolicy,
    *,
    now: datetime,
) -> Incident | None:
    """The automatic change after the incident's alerts changed state, or None.

    All alerts resolved → mitigated (if `auto_mitigate_when_all_resolved`); an alert
    firing again on a mitigated incident → open (if `reopen_on_refire`).
    """
    if not alert_states:
        return None
    all_resolved = all(s is EventStatus.resolved for s in alert_states)
    if all_resolved and incident.state in (S.open, S.acknowledged):
        if policy.auto_mitigate_when_all_resolved:
            return transition(incident, S.mitigated, now=now, policy=policy)
    elif not all_resolved and incident.state is S.mitigated and policy.reopen_on_refire:
        return transition(incident, S.open, now=now, policy=policy)
    return None


def on_tick(incident: Incident, policy: IncidentPolicy, *, now: datetime) -> Incident | None:
    """Time-driven changes: auto-resolve a quiet mitigated incident, auto-close a resolved one."""
    if incident.state is S.mitigated and policy.auto_resolve_after_s is not None:
        since = incident.mitigated_at or incident.updated_at
        if (now - since).total_seconds() >= policy.auto_resolve_after_s:
            return transition(incident, S.resolved, now=now, policy=policy)
    if incident.state is S.resolved and policy.auto_close_after_s is not None:
        since = incident.resolved_at or incident.updated_at
        if (now - since).total_seconds() >= policy.auto_close_after_s:
            return transition(incident, S.closed, now=now, policy=policy)
    return None


__all__ = ["ACTIVE", "ALLOWED", "can_transition", "on_alerts_changed", "on_tick", "transition"]
