"""The diagnose stage: runs when an incident opens or grows, stores the ranked diagnosis.

Thin: gather the inputs (store, in-memory series, CMDB), call `incident.diagnose`, save
it on the incident with an audit record and a timeline entry. Idempotent: a re-run
that ranks the same top candidate with the same confidence writes nothing.
The store is a Protocol (`DiagnosisUnit`); `aiops.runtime.build_diagnose_stage` wires
the real one.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog

from aiops.diagnose.case import KnownError
from aiops.diagnose.incident import LEAD_S, IncidentInputs, diagnose, onset_of
from aiops.diagnose.recent import RawSeries
from aiops.model import Alert, Event, Incident
from aiops.model.changes import ChangeRecord
from aiops.model.cmdb import Cmdb

log = structlog.get_logger("aiops.diagnose")
CHANGES_LOOKBACK = timedelta(hours=6)


class DiagnosisUnit(Protocol):
    """What the stage needs from the store inside one transaction."""

    def incident(self, incident_id: str) -> Incident | None: ...
    def alerts(self, incident: Incident) -> list[Alert]: ...
    def events(self, incident: Incident, alerts: list[Alert]) -> list[Event]: ...
    def changes(self, since: datetime, until: datetime) -> list[ChangeRecord]: ...
    def remediation_started(self, incident_id: str) -> bool: ...
    def save(self, incident: Incident, diagnosis: dict[str, Any], now: datetime) -> None: ...


class DiagnoseStage:
    name = "diagnose"

    def __init__(
        self,
        *,
        units: Callable[[], AbstractContextManager[DiagnosisUnit]],
        series: Callable[[], list[RawSeries]],
        cmdb: Callable[[], Cmdb | None],
        clock: Callable[[], datetime],
        known_errors: Callable[[], list[KnownError]] = list,
    ) -> None:
        self.units = units
        self.series = series
        self.cmdb = cmdb
        self.clock = clock
        self.known_errors = known_errors

    def handle(self, incident_id: str, reason: str) -> None:
        now = self.clock()
        with self.units() as unit:
            inc = unit.incident(incident_id)
            if inc is None:
                return
            if inc.diagnosis and unit.remediation_started(incident_id):
                # a fix's own effects (a restart's outage, a rollback) are not the fault's:
                # the diagnosis the remediation was chosen on stands
                return
            alerts = unit.alerts(inc)
            inputs = IncidentInputs(inc, alerts, cmdb=self.cmdb(), known_errors=self.known_errors())
            inputs.events = unit.events(inc, alerts)
            onset = onset_of(inputs)
            inputs.changes = unit.changes(onset - CHANGES_LOOKBACK, now)
            inputs.series = self.series()
            doc = diagnose(inputs, now=now)
            if _same(inc.diagnosis, doc):
                return
            unit.save(inc, doc, now)
        log.info(
            "diagnosis.stored",
            incident_id=incident_id,
            reason=reason,
            summary=doc["summary"],
            lead_s=LEAD_S,
        )


def _top(doc: dict[str, Any] | None) -> tuple[Any, ...] | None:
    if not doc or not doc.get("candidates"):
        return (doc or {}).get("summary"), None
    c = doc["candidates"][0]
    return c.get("ci"), round(float(c.get("confidence", 0.0)), 2), doc.get("summary")


def _same(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    return old is not None and _top(old) == _top(new)


__all__ = ["DiagnoseStage", "DiagnosisUnit"]
