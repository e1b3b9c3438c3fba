"""The correlation runner: the only I/O-facing module of `correlate`.

It takes a batch of normalized events and, inside ONE unit of work (one transaction),
deduplicates them into alerts, groups new or re-fired alerts into incidents, moves
incident lifecycles, and records timeline entries and audit records. Pure decisions
come from `dedup`, `grouping`, `lifecycle` and `priority`; the store is a Protocol so
the runner never sees SQL. Delivery is at-least-once: a re-delivered batch only bumps
counts and last-seen times.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiops.cmdb.topology import Topology
from aiops.correlate.dedup import DedupOutcome, apply_event
from aiops.correlate.grouping import IncidentContext, assign
from aiops.correlate.lifecycle import on_alerts_changed
from aiops.correlate.priority import assess, priority
from aiops.model import (
    Alert,
    Event,
    EventKind,
    EventStatus,
    GroupingDecision,
    GroupingRule,
    Incident,
    IncidentState,
    TimelineEntry,
)
from aiops.model.cmdb import Cmdb, Service
from aiops.model.policy import Policies

# Kinds that are evidence, not alarms: stored and shown beside incidents, never alerting.
EVIDENCE_KINDS = frozenset({EventKind.log, EventKind.change, EventKind.message})

ACTIVE_STATES = (IncidentState.open, IncidentState.acknowledged, IncidentState.mitigated)


class CorrelationUnit(Protocol):
    """What the runner needs from the store for one batch (one transaction)."""

    def known_event_ids(self, ids: Collection[str]) -> set[str]: ...
    def alerts_by_fingerprint(self, fingerprints: Collection[str]) -> dict[str, Alert]: ...
    def active_incident_versions(self, since: datetime) -> dict[str, datetime]: ...
    def incidents_by_id(self, ids: Collection[str]) -> list[Incident]: ...
    def incident_members(self, incident_ids: Collection[str]) -> dict[str, list[Alert]]: ...
    def insert_events(self, events: Sequence[tuple[Event, str | None]]) -> None: ...
    def upsert_alerts(self, alerts: Sequence[Alert]) -> None: ...
    def touch_alerts(self, alerts: Sequence[Alert]) -> None: ...  # last_seen and count only
    def upsert_incidents(self, incidents: Sequence[Incident]) -> None: ...
    def add_timeline(self, incident_id: str, entry: TimelineEntry) -> None: ...
    def finish(self) -> None: ...
    def audit(
        self,
        *,
        actor: str,
        entity: str,
        entity_id: str,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        now: datetime,
    ) -> None: ...


@dataclass
class BatchResult:
    """What one batch did; the API returns it and the demo prints it."""

    events: int = 0
    duplicates: int = 0
    alerts_new: int = 0
    alerts_updated: int = 0
    incidents_opened: list[str] = field(default_factory=list)
    incidents_updated: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "duplicates": self.duplicates,
            "alerts_new": self.alerts_new,
            "alerts_updated": self.alerts_updated,
            "incidents_opened": self.incidents_opened,
            "incidents_updated": self.incidents_updated,
        }


def new_alert_id() -> str:
    return "ALR-" + secrets.token_hex(6)


def new_incident_id(now: datetime) -> str:
    return f"INC-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _snapshot(model: Alert | Incident) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _described_alike(a: Alert, b: Alert) -> bool:
    """True when only the counters (count, last_seen) differ between two versions."""
    return (
        a.first_seen == b.first_seen and a.severity == b.severity and a.summary == b.summary
        and a.name == b.name and a.service == b.service and a.ci == b.ci
        and a.labels == b.labels
    )


class CorrelationRunner:
    """Correlates batches. The store is the truth; the runner only caches what it can check.

    Between batches it keeps each active incident's grouping context and members, keyed
    by the incident's `updated_at`: a batch reloads only incidents changed elsewhere
    (another worker, a person acknowledging). The caller reports the transaction's
    outcome with `committed()` or `forget()`, so a rolled-back batch never leaves its
    state behind.
    """

    def __init__(
        self,
        *,
        policies: Policies,
        cmdb: Cmdb | None = None,
        topology: Topology | None = None,
        clock: Callable[[], datetime],
        actor: str = "correlate",
    ) -> None:
        self.policies = policies
        self.cmdb = cmdb
        self.topology = topology if topology is not None else Topology(cmdb)
        self.clock = clock
        self.actor = actor
        self._services: dict[str, Service] = {s.name: s for s in cmdb.services} if cmdb else {}
        self._cache: dict[str, tuple[datetime, IncidentContext, list[Alert]]] = {}
        self._pending: list[_Batch] = []

    def process(self, events: Sequence[Event], unit: CorrelationUnit) -> BatchResult:
        batch = _Batch(self, unit, self.clock())
        result = batch.run(events)
        self._pending.append(batch)
        return result

    def committed(self) -> None:
        """The transaction holding the processed batches committed: keep their state."""
        for batch in self._pending:
            for iid, inc in batch.incidents.items():
                if inc.state in ACTIVE_STATES and iid in batch.contexts:
                    self._cache[iid] = (inc.updated_at, batch.contexts[iid], batch.members.get(iid, []))
                else:
                    self._cache.pop(iid, None)
        self._pending.clear()

    def forget(self) -> None:
        """The transaction rolled back: drop everything cached."""
        self._pending.clear()
        self._cache.clear()

    def cached(
        self, incident_id: str, version: datetime
    ) -> tuple[IncidentContext, list[Alert]] | None:
        """The cached context and members of an incident, if still at `version`."""
        hit = self._cache.get(incident_id)
        if hit is None or hit[0] != version or hit[1].incident.updated_at != version:
            return None
        return hit[1], hit[2]

    def service(self, name: str | None) -> Service | None:
        if name is None:
            return None
        return self._services.get(name) or self._services.get(self.topology.service_of(name) or "")


class _Batch:
    """Working state for one batch: the alerts and incidents it has touched."""

    def __init__(self, runner: CorrelationRunner, unit: CorrelationUnit, now: datetime) -> None:
        self.r, self.unit, self.now = runner, unit, now
        self.result = BatchResult()
        self.alerts: dict[str, Alert] = {}  # by fingerprint
        self.dirty_alerts: dict[str, Alert] = {}  # changed beyond counters: full write
        self.touched_alerts: dict[str, Alert] = {}  # repeats: last_seen and count only
        self.incidents: dict[str, Incident] = {}
        self.dirty_incidents: dict[str, Incident] = {}
        self.contexts: dict[str, IncidentContext] = {}
        self.members: dict[str, list[Alert]] = {}
        self.resolved: dict[str, Incident | None] = {}  # inactive incidents looked up

    # -- loading ---------------------------------------------------------------
    def run(self, events: Sequence[Event]) -> BatchResult:
        self.result.events = len(events)
        if not events:
            return self.result
        known = self.unit.known_event_ids({e.id for e in events})
        alerting = [e for e in events if e.kind not in EVIDENCE_KINDS]
        self.alerts = self.unit.alerts_by_fingerprint({e.fingerprint for e in alerting})
        if alerting:
            self._load_incidents(min(e.occurred_at for e in alerting))
        stored: list[tuple[Event, str | None]] = []
        seen_ids: set[str] = set()
        for event in events:
            duplicate = event.id in known or event.id in seen_ids
            seen_ids.add(event.id)
            alert_id = None if event.kind in EVIDENCE_KINDS else self._on_event(event)
            if duplicate:
                self.result.duplicates += 1
            else:
                stored.append((event, alert_id))
        self._flush(stored)
        return self.result

    def _load_incidents(self, earliest: datetime) -> None:
        corr = self.r.policies.correlation
        horizon = max(corr.window_s, corr.mitigated_window_s)
        since = min(earliest, self.now) - timedelta(seconds=horizon)
        missing: list[str] = []
        for iid, version in self.unit.active_incident_versions(since).items():
            hit = self.r.cached(iid, version)
            if hit is None:
                missing.append(iid)
                continue
            ctx, members = hit
            self.incidents[iid] = ctx.incident
            self.contexts[iid], self.members[iid] = ctx, members
        if missing:
            fetched = self.unit.incidents_by_id(missing)
            self.members.update(self.unit.incident_members(missing))
            for inc in fetched:
                self.incidents[inc.id] = inc
                self._refresh_context(inc)

    def _refresh_context(self, inc: Incident) -> None:
        self.contexts[inc.id] = IncidentContext.build(
            inc, self.members.get(inc.id, []), topology=self.r.topology,
            policy=self.r.policies.correlation,
        )

    # -- per event -------------------------------------------------------------
    def _on_event(self, event: Event) -> str:
        existing = self.alerts.get(event.fingerprint)
        res = apply_event(event, existing, now=self.now, new_id=new_alert_id())
        alert = res.alert
        self.alerts[alert.fingerprint] = alert
        if res.outcome is DedupOutcome.repeat:
            self.result.alerts_updated += 1
            if existing is not None and _described_alike(existing, alert):
                self.touched_alerts[alert.fingerprint] = alert
            else:  # severity, summary, labels or first_seen moved: write it all
                self.dirty_alerts[alert.fingerprint] = alert
            if alert.incident_id and alert.incident_id in self.contexts:
                self._touch(alert)
            elif alert.state is EventStatus.firing and not self._lagging(alert):
                # still firing, but its incident was resolved or closed by people: the
                # problem persists, so it is grouped again (joins or opens an incident)
                alert = self._group(alert)
                self.alerts[alert.fingerprint] = alert
                self.dirty_alerts[alert.fingerprint] = alert
            return alert.id
        if res.outcome in (DedupOutcome.new, DedupOutcome.resolved_unknown):
            self.result.alerts_new += 1
        else:
            self.result.alerts_updated += 1
        action = "create" if existing is None else "state"
        self.unit.audit(
            actor=self.r.actor,
            entity="alert",
            entity_id=alert.id,
            action=action,
            before=_snapshot(existing) if existing else None,
            after=_snapshot(alert),
            now=self.now,
        )
        if res.outcome in (DedupOutcome.new, DedupOutcome.refired):
            alert = self._group(alert)
        elif res.outcome is DedupOutcome.resolved and alert.incident_id:
            self._alert_state_changed(alert)
        self.alerts[alert.fingerprint] = alert
        self.dirty_alerts[alert.fingerprint] = alert
        return alert.id

    def _lagging(self, alert: Alert) -> bool:
        """Its incident was resolved moments ago (a fix that held): the alert's own window
        has not caught up yet. Closed incidents and older resolutions do not count."""
        iid = alert.incident_id
        if not iid:
            return False
        if iid not in self.resolved:
            found = self.unit.incidents_by_id([iid])
            self.resolved[iid] = found[0] if found else None
        inc = self.resolved[iid]
        if inc is None or inc.state is not IncidentState.resolved or inc.resolved_at is None:
            return False
        grace = self.r.policies.incidents.resolved_grace_s
        return (alert.last_seen - inc.resolved_at).total_seconds() < grace

    def _touch(self, alert: Alert) -> None:
        ctx = self.contexts[alert.incident_id or ""]
        if alert.last_seen > ctx.last_activity:
            ctx.last_activity = alert.last_seen

    def _group(self, alert: Alert) -> Alert:
        decision = assign(
            alert, list(self.contexts.values()), topology=self.r.topology,
            policy=self.r.policies.correlation, now=alert.last_seen,
        )
        target = self.incidents.get(decision.incident_id or "")
        if decision.rule is GroupingRule.new_incident or target is None:
            self._open(alert, decision)
        else:
            self._join(alert, target, decision)
        return self.alerts[alert.fingerprint]

    def _open(self, alert: Alert, decision: GroupingDecision) -> None:
        service = alert.service or (self.r.topology.service_of(alert.ci) if alert.ci else None)
        impact, urgency = assess(alert.severity, self.r.service(service), self.r.policies.priority)
        inc = Incident(
            id=new_incident_id(alert.last_seen),
            title=alert.summary or alert.name,
            service=service,
            cis=[alert.ci] if alert.ci else [],
            severity=alert.severity,
            impact=impact,
            urgency=urgency,
            priority=priority(impact, urgency, self.r.policies.priority),
            opened_at=alert.first_seen if alert.state is EventStatus.firing else alert.last_seen,
            updated_at=self.now,
            alert_count=1,
        )
        alert = alert.model_copy(update={"incident_id": inc.id})
        self.alerts[alert.fingerprint] = alert
        self.incidents[inc.id] = inc
        self.members[inc.id] = [alert]
        self._refresh_context(inc)
        self.dirty_incidents[inc.id] = inc
        self.result.incidents_opened.append(inc.id)
        self.unit.audit(
            actor=self.r.actor,
            entity="incident",
            entity_id=inc.id,
            action="create",
            before=None,
            after=_snapshot(inc),
            now=self.now,
        )
        self._timeline(inc.id, "opened", f"Incident opened by alert {alert.name}", decision)

    def _join(self, alert: Alert, inc: Incident, decision: GroupingDecision) -> None:
        before = inc
        members = self.members.setdefault(inc.id, [])
        if all(m.id != alert.id for m in members):
            members.append(alert)
        alert = alert.model_copy(update={"incident_id": inc.id})
        members[:] = [alert if m.id == alert.id else m for m in members]
        self.alerts[alert.fingerprint] = alert
        update: dict[str, Any] = {"updated_at": self.now, "alert_count": len(members)}
        if alert.ci and alert.ci not in inc.cis:
            update["cis"] = [*inc.cis, alert.ci]
        if alert.severity.rank > inc.severity.rank:
            service = self.r.service(inc.service)
            impact, urgency = assess(alert.severity, service, self.r.policies.priority)
            update.update(
                severity=alert.severity,
                impact=impact,
                urgency=urgency,
                priority=priority(impact, urgency, self.r.policies.priority),
            )
        inc = inc.model_copy(update=update)
        self._store_incident(
            inc, before, audit_priority=before.priority != inc.priority, joined=alert
        )
        self._timeline(
            inc.id, "alert", f"Alert {alert.name} joined: {decision.rule.value}", decision
        )
        self._alert_state_changed(alert)

    def _alert_state_changed(self, alert: Alert) -> None:
        inc = self.incidents.get(alert.incident_id or "")
        if inc is None:
            return
        members = self.members.setdefault(inc.id, [])
        members[:] = [alert if m.id == alert.id else m for m in members]
        changed = on_alerts_changed(
            inc, [m.state for m in members], self.r.policies.incidents, now=self.now
        )
        if changed is None:
            return
        self._store_incident(changed, inc, audit_priority=False)
        if changed.state != inc.state:
            self.unit.audit(
                actor=self.r.actor,
                entity="incident",
                entity_id=inc.id,
                action="state",
                before=_snapshot(inc),
                after=_snapshot(changed),
                now=self.now,
            )
            why = (
                "every alert resolved"
                if changed.state is IncidentState.mitigated
                else (f"alert {alert.name} fired again")
            )
            self.unit.add_timeline(
                inc.id,
                TimelineEntry(
                    at=self.now,
                    kind="state",
                    actor=self.r.actor,
                    text=f"{inc.state.value} → {changed.state.value}: {why}",
                    data={"from": inc.state.value, "to": changed.state.value},
                ),
            )

    def _store_incident(
        self, inc: Incident, before: Incident, *, audit_priority: bool, joined: Alert | None = None
    ) -> None:
        self.incidents[inc.id] = inc
        self.dirty_incidents[inc.id] = inc
        if (
            inc.id not in self.result.incidents_opened
            and inc.id not in self.result.incidents_updated
        ):
            self.result.incidents_updated.append(inc.id)
        ctx = self.contexts.get(inc.id)
        if ctx is None:
            self._refresh_context(inc)
        elif joined is not None:
            self.contexts[inc.id] = ctx.with_alert(
                inc, joined, topology=self.r.topology, policy=self.r.policies.correlation
            )
        else:
            ctx.incident = inc
        if audit_priority:
            self.unit.audit(
                actor=self.r.actor,
                entity="incident",
                entity_id=inc.id,
                action="priority",
                before=_snapshot(before),
                after=_snapshot(inc),
                now=self.now,
            )

    def _timeline(self, incident_id: str, kind: str, text: str, d: GroupingDecision) -> None:
        self.unit.add_timeline(
            incident_id,
            TimelineEntry(
                at=self.now,
                kind=kind,
                text=text,
                actor=self.r.actor,
                data={"grouping": d.model_dump(mode="json")},
            ),
        )

    # -- writing ---------------------------------------------------------------
    def _flush(self, stored: list[tuple[Event, str | None]]) -> None:
        # Incidents first: alerts reference them.
        if self.dirty_incidents:
            self.unit.upsert_incidents(list(self.dirty_incidents.values()))
        if self.dirty_alerts:
            self.unit.upsert_alerts(list(self.dirty_alerts.values()))
        touched = [a for fp, a in self.touched_alerts.items() if fp not in self.dirty_alerts]
        if touched:
            # the latest object per fingerprint carries the final counters
            self.unit.touch_alerts([self.alerts[a.fingerprint] for a in touched])
        if stored:
            self.unit.insert_events(stored)
        self.unit.finish()
