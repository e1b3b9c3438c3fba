"""SLA clocks: response and resolution targets per priority, from the service's SLA.

The response clock stops when the incident is acknowledged (or mitigated/resolved); the
resolution clock when it is resolved. `tick` warns at `sla.warn_at` of the target and
records a breach at the target, each once (state on the clock, notification deduped).
MTTA and MTTR are computed from the incidents themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import mean

from aiops.itsm.notify.outbox import notify
from aiops.itsm.ports import ItsmRepo
from aiops.model import Incident
from aiops.model.cmdb import Cmdb
from aiops.model.duration import format_duration
from aiops.model.itsm import SlaClock, SlaState
from aiops.model.policy import Policies

S = SlaState


def new_clock(inc: Incident, cmdb: Cmdb | None, *, now: datetime) -> SlaClock:
    svc = cmdb.service(inc.service) if cmdb is not None and inc.service else None
    target = svc.sla.get(f"P{inc.priority}") if svc is not None else None
    resp = target.response_s if target is not None else None
    reso = target.resolve_s if target is not None else None
    return SlaClock(
        incident_id=inc.id,
        service=inc.service,
        priority=inc.priority,
        started_at=inc.opened_at,
        response_due=inc.opened_at + timedelta(seconds=resp) if resp is not None else None,
        resolve_due=inc.opened_at + timedelta(seconds=reso) if reso is not None else None,
        response_state=S.running if resp is not None else S.none,
        resolve_state=S.running if reso is not None else S.none,
        updated_at=now,
    )


def ensure_clock(repo: ItsmRepo, inc: Incident, cmdb: Cmdb | None, *, now: datetime) -> SlaClock:
    clock = repo.get_clock(inc.id)
    if clock is None or clock.priority != inc.priority:  # a new priority restarts the targets
        fresh = new_clock(inc, cmdb, now=now)
        if clock is not None:
            fresh = fresh.model_copy(update={"responded_at": clock.responded_at})
        clock = fresh
        repo.save_clock(clock)
    return clock


def _advance(
    state: SlaState,
    start: datetime,
    due: datetime | None,
    stopped: datetime | None,
    now: datetime,
    warn_at: float,
) -> SlaState:
    if state in (S.none, S.met) or due is None:
        return state
    if stopped is not None:
        return S.met if stopped <= due and state is not S.breached else S.breached
    if now >= due:
        return S.breached
    if state is S.running and (now - start) >= (due - start) * warn_at:
        return S.warning
    return state


def tick(repo: ItsmRepo, policies: Policies, *, now: datetime) -> int:
    """Move every open clock; notify each warning and breach once. Returns events raised."""
    events = 0
    for clock in repo.open_clocks():
        inc = repo.get_incident(clock.incident_id)
        if inc is None:
            continue
        responded = clock.responded_at or inc.acknowledged_at or inc.mitigated_at or inc.resolved_at
        resolved = inc.resolved_at
        new_resp = _advance(
            clock.response_state,
            clock.started_at,
            clock.response_due,
            responded,
            now,
            policies.sla.warn_at,
        )
        new_reso = _advance(
            clock.resolve_state,
            clock.started_at,
            clock.resolve_due,
            resolved,
            now,
            policies.sla.warn_at,
        )
        for name, old, new, due in (
            ("response", clock.response_state, new_resp, clock.response_due),
            ("resolution", clock.resolve_state, new_reso, clock.resolve_due),
        ):
            if new is old or new not in (S.warning, S.breached) or due is None:
                continue
            events += 1
            event = "sla.breached" if new is S.breached else "sla.warning"
            repo.audit(
                actor="system",
                entity="sla",
                entity_id=inc.id,
                action=new.value,
                before={"state": old.value},
                after={"clock": name, "due": due.isoformat()},
                now=now,
            )
            notify(
                repo,
                event,
                {
                    "incident_id": inc.id,
                    "clock": name,
                    "priority": inc.priority,
                    "due": due.isoformat(),
                    "left": format_duration(max(0.0, (due - now).total_seconds())),
                },
                policy=policies.notifications,
                priority=inc.priority,
                service=inc.service,
                now=now,
                key=f"{inc.id}:{name}",
                incident_id=inc.id,
            )
        repo.save_clock(
            clock.model_copy(
                update={
                    "responded_at": responded,
                    "resolved_at": resolved,
                    "response_state": new_resp,
                    "resolve_state": new_reso,
                    "updated_at": now,
                }
            )
        )
    return events


def mtta_mttr(incidents: Sequence[Incident]) -> dict[str, float | int | None]:
    """Mean time to acknowledge and to resolve, in seconds, over the incidents that did."""
    tta = [
        (i.acknowledged_at - i.opened_at).total_seconds()
        for i in incidents
        if i.acknowledged_at is not None
    ]
    ttr = [
        (i.resolved_at - i.opened_at).total_seconds()
        for i in incidents
        if i.resolved_at is not None
    ]
    return {
        "incidents": len(incidents),
        "mtta_s": mean(tta) if tta else None,
        "mttr_s": mean(ttr) if ttr else None,
        "acknowledged": len(tta),
        "resolved": len(ttr),
    }


__all__ = ["ensure_clock", "mtta_mttr", "new_clock", "tick"]
