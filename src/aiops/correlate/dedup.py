"""Dedup: fold one event into the alert stream of its fingerprint.

Pure and idempotent in outcome: the runner looks up the alert by fingerprint, calls
`apply_event`, and stores `result.alert`. Times come from the event (`occurred_at`),
so replays and late deliveries give the same alert as live traffic:

- `last_seen` never moves backwards; `first_seen` moves back for an older event.
- A resolution older than the alert's last firing is stale and does not resolve it.
- A firing event older than the alert's resolution is stale and does not re-fire it.
- A resolution for a fingerprint never seen gives a resolved alert (`resolved_unknown`)
  that opens no incident; a later firing re-fires it.

Event times later than `now` are clamped to `now`, so one sender with a clock in the
future cannot pin an alert open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aiops.model import Alert, Event, EventStatus


class DedupOutcome(StrEnum):
    """What an event did to its alert; the runner decides what to correlate from it."""

    new = "new"  # first firing of this fingerprint: correlate it
    repeat = "repeat"  # same state again (or a stale event): count and last_seen only
    resolved = "resolved"  # a firing alert resolved
    refired = "refired"  # a resolved alert fires again: correlate it again
    resolved_unknown = "resolved_unknown"  # a resolution for a fingerprint never seen


@dataclass(frozen=True)
class DedupResult:
    alert: Alert
    outcome: DedupOutcome
    before: Alert | None  # the alert as it was, None when new / resolved_unknown


def apply_event(event: Event, existing: Alert | None, *, now: datetime, new_id: str) -> DedupResult:
    """The alert after `event`; `new_id` is used only when no alert exists yet."""
    at = min(event.occurred_at, now)
    if existing is None:
        return _first(event, at, new_id)
    if existing.fingerprint != event.fingerprint:
        raise ValueError(  # a caller bug, not bad input: the runner looks alerts up by fingerprint
            f"event {event.id} has fingerprint {event.fingerprint!r}, alert {existing.id} has "
            f"{existing.fingerprint!r}"
        )
    newer = at >= existing.last_seen
    update: dict[str, object] = {
        "count": existing.count + 1,
        "first_seen": min(existing.first_seen, at),
        "last_seen": max(existing.last_seen, at),
    }
    if newer:  # the latest event describes the alert (severity may escalate)
        update.update(_description(event, existing))
    firing = event.status is EventStatus.firing
    if firing and existing.state is EventStatus.resolved:
        if existing.resolved_at is not None and at <= existing.resolved_at:
            return _result(existing, update, DedupOutcome.repeat)  # fired before it resolved
        update.update(state=EventStatus.firing, resolved_at=None)
        return _result(existing, update, DedupOutcome.refired)
    if not firing and existing.state is EventStatus.firing:
        if not newer:
            return _result(existing, update, DedupOutcome.repeat)  # fired again since
        update.update(state=EventStatus.resolved, resolved_at=at)
        return _result(existing, update, DedupOutcome.resolved)
    return _result(existing, update, DedupOutcome.repeat)


def _description(event: Event, existing: Alert) -> dict[str, object]:
    return {
        "name": event.name,
        "severity": event.severity,
        "summary": event.summary or existing.summary,
        "labels": dict(event.labels),
        "service": event.service or existing.service,
        "ci": event.ci or existing.ci,
    }


def _first(event: Event, at: datetime, new_id: str) -> DedupResult:
    resolved = event.status is EventStatus.resolved
    alert = Alert(
        id=new_id,
        fingerprint=event.fingerprint,
        source=event.source,
        name=event.name,
        service=event.service,
        ci=event.ci,
        severity=event.severity,
        summary=event.summary,
        labels=dict(event.labels),
        state=event.status,
        first_seen=at,
        last_seen=at,
        resolved_at=at if resolved else None,
        count=1,
    )
    outcome = DedupOutcome.resolved_unknown if resolved else DedupOutcome.new
    return DedupResult(alert=alert, outcome=outcome, before=None)


def _result(existing: Alert, update: dict[str, object], outcome: DedupOutcome) -> DedupResult:
    return DedupResult(alert=existing.model_copy(update=update), outcome=outcome, before=existing)


__all__ = ["DedupOutcome", "DedupResult", "apply_event"]
