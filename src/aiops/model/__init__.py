"""Domain types shared by every stage. Pure pydantic; no I/O."""

from aiops.model.audit import AuditRecord
from aiops.model.events import Event, EventKind, EventStatus, Sample, Severity
from aiops.model.incidents import (
    Alert,
    GroupingDecision,
    GroupingRule,
    Incident,
    IncidentState,
    TimelineEntry,
)
from aiops.model.signals import Signal

__all__ = [
    "Alert",
    "AuditRecord",
    "Event",
    "EventKind",
    "EventStatus",
    "GroupingDecision",
    "GroupingRule",
    "Incident",
    "IncidentState",
    "Sample",
    "Severity",
    "Signal",
    "TimelineEntry",
]
