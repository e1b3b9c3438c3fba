"""Correlate: events → alerts (dedup) → incidents (grouping, lifecycle, priority).

    Event ──apply_event──► Alert (+ DedupOutcome)
    Alert ──assign──► GroupingDecision (join incident X because ... / open a new one)
    Incident ──transition / on_alerts_changed / on_tick──► Incident
    (severity, service) ──assess──► (impact, urgency) ──priority──► P1..P5

Every module here is pure: no I/O, `now` passed in. The runner (store, bus) wraps them.
"""

from aiops.correlate.dedup import DedupOutcome, DedupResult, apply_event
from aiops.correlate.grouping import IncidentContext, assign
from aiops.correlate.lifecycle import ALLOWED, on_alerts_changed, on_tick, transition
from aiops.correlate.priority import assess, priority
from aiops.correlate.similarity import alert_tokens, jaccard

__all__ = [
    "ALLOWED",
    "DedupOutcome",
    "DedupResult",
    "IncidentContext",
    "alert_tokens",
    "apply_event",
    "assess",
    "assign",
    "jaccard",
    "on_alerts_changed",
    "on_tick",
    "priority",
    "transition",
]
