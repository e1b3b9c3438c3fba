"""When did *this* episode of an incident begin?

An incident can outlive several faults: an alert that fired for an earlier fault fires
again (same fingerprint, so its `first_seen` is the old one) and joins the open
incident, and the incident's `opened_at` is that old time too. Diagnosing from there
would compare the wrong minutes and blame an earlier fault's change. The incident's
events tell the episodes apart: an episode ends when every alert stream that fired in
it has resolved (or nothing was heard for `EPISODE_GAP_S`), and the next firing starts
a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiops.model import Event, EventKind, EventStatus

EPISODE_GAP_S = 60.0
_STREAMS = (EventKind.alert, EventKind.signal, EventKind.metric, EventKind.health)


def episode_start(events: Sequence[Event]) -> datetime | None:
    """The first firing of the latest episode among `events`, or None without alert events."""
    stream = sorted((e for e in events if e.kind in _STREAMS), key=lambda e: e.occurred_at)
    active: set[str] = set()
    start: datetime | None = None
    last: datetime | None = None
    for e in stream:
        quiet = last is not None and (e.occurred_at - last).total_seconds() > EPISODE_GAP_S
        if quiet:
            active.clear()  # a lost "resolved" must not glue two episodes together
        if e.status is EventStatus.firing:
            if not active:
                start = e.occurred_at
            active.add(e.fingerprint)
        else:
            active.discard(e.fingerprint)
        last = e.occurred_at
    return start


__all__ = ["EPISODE_GAP_S", "episode_start"]
