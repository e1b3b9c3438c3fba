"""The demo report, computed from the store and the injection log (never from memory).

    injections.jsonl ──windows──┐
                                ├─► per scenario: first alert, incident, MTTD, recovery
    aiops.db (incidents, events,┘   totals: undetected, false incidents, MTTD p50/p95
              timeline)

Definitions (also printed in report.md):
- *detected*: an incident on the service opened between the injection and the clear;
  its *first alert* is the earliest firing alert event on the service in that window.
- *MTTD* = first alert − injection, in wall seconds; `mttd_real_s` is the real-world
  equivalent: MTTD / time_scale when a rule alerted first (the rules' durations were
  multiplied by time_scale), the MTTD itself when a detector did (nothing of theirs is
  compressed). `mttr_real_s` swaps the MTTD in the MTTR for its real equivalent (the
  agents, the change and the runbook ran at real speed).
- *recovered*: the pipeline itself moved the incident to mitigated (every alert resolved)
  before the demo's operator resolved and closed it.
- *false incident*: any incident opened during a no-fault period.
- *resolved by a change*: a change on the incident held its verification before the
  demo cleared the fault, AND the simulator's fault board no longer showed the fault (a
  verification too weak to notice the fault is not taken at its word); MTTR =
  injection → that change's end.
- *per analyzer* (`by_analyzer`; rules = source "rules", detectors = source "detectors"):
  its MTTD is its own first alert − injection; it detected a fault when it raised an
  alert in the window and an incident opened; it was *preempted* when a change fixed the
  fault before it alerted (not a miss: there was nothing left to see); its false
  incidents are the no-fault incidents holding one of its alerts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiops.demo.injections import Injection
from aiops.demo.rca_truth import rca_outcome
from aiops.rules.evaluator import SOURCE as RULES_SOURCE
from aiops.store.tables import AlertRow, EventRow, IncidentRow, TimelineRow

OPERATOR = "demo-operator"
ALERTING_KINDS = ("alert", "signal")  # rule alerts and detector signals


@dataclass
class Window:
    """One run of one scenario, as the injection log tells it."""

    scenario: str
    fault: str | None
    params: dict[str, float]
    started_at: datetime
    injected_at: datetime | None = None
    cleared_at: datetime | None = None
    ended_at: datetime | None = None
    fault_active_after_fix: bool | None = None  # the simulator's answer after a change held


@dataclass
class ScenarioResult:
    scenario: str
    fault: str | None
    params: dict[str, float]
    injected_at: str | None
    cleared_at: str | None
    first_alert_at: str | None
    first_alert: str | None
    incident_id: str | None
    incident_priority: int | None
    incident_opened_at: str | None
    mttd_s: float | None
    mttd_real_s: float | None
    detected: bool
    recovered: bool
    recovered_at: str | None
    time_to_recover_s: float | None  # clear → mitigated, wall seconds
    false_incidents: int  # no-fault periods only
    incidents: list[str]
    first_alert_source: str | None = None  # the analyzer that alerted first
    by_analyzer: dict[str, dict[str, Any]] = field(default_factory=dict)
    change: dict[str, Any] | None = None  # the change that remediated (or tried to)
    changes: list[dict[str, Any]] = field(default_factory=list)  # every change, oldest first
    resolved_by_change: bool = False  # its verification held and the simulator agrees
    fix_confirmed: bool | None = None  # the simulator's fault board after it (None: unasked)
    mttr_s: float | None = None  # injection → the change's verification held, wall seconds
    rca: dict[str, Any] | None = None  # the stored diagnosis against the fault's true root cause

    @property
    def mttr_real_s(self) -> float | None:
        """The MTTR with its detection part at real speed (see the module's definitions)."""
        if self.mttr_s is None or self.mttd_s is None or self.mttd_real_s is None:
            return None
        return round(self.mttr_s - self.mttd_s + self.mttd_real_s, 1)


def real_s(mttd: float | None, source: str | None, time_scale: float) -> float | None:
    """The real-world equivalent of a wall-clock MTTD: only the rules run compressed."""
    if mttd is None:
        return None
    return round(mttd / time_scale if source == RULES_SOURCE else mttd, 1)


def windows(injections: Sequence[Injection]) -> list[Window]:
    """Group the log into one window per scenario run (`start` … `end`)."""
    out: list[Window] = []
    for inj in injections:
        if inj.step == "start" or not out or out[-1].scenario != inj.scenario:
            out.append(Window(inj.scenario, inj.fault, dict(inj.params), inj.at))
        w = out[-1]
        if inj.step == "inject":
            w.injected_at, w.fault, w.params = inj.at, inj.fault, dict(inj.params)
        elif inj.step == "checked":
            w.fault_active_after_fix = bool(inj.params.get("fault_active"))
        elif inj.step == "clear":
            w.cleared_at = inj.at
        elif inj.step == "end":
            w.ended_at = inj.at
    return out


def touches(row: Any, service: str) -> bool:
    return row.service == service or any(str(c).startswith(service) for c in row.cis or [])


def incidents_opened(s: Session, start: datetime, end: datetime | None) -> list[Any]:
    """Incidents whose `opened` timeline entry lies in [start, end], with `.opened`.

    The timeline, not `incidents.opened_at`: an incident opened by a re-fired alert
    takes that alert's *first* sighting as `opened_at`, which may be scenarios ago.
    """
    stmt = (
        select(IncidentRow.__table__, TimelineRow.at.label("opened"))
        .join(TimelineRow, TimelineRow.incident_id == IncidentRow.id)
        .where(TimelineRow.kind == "opened", TimelineRow.at >= start)
    )
    if end is not None:
        stmt = stmt.where(TimelineRow.at <= end)
    return list(s.execute(stmt.order_by(TimelineRow.at, IncidentRow.id)).all())


def _first_alert(
    s: Session, service: str, start: datetime, end: datetime | None, source: str | None = None
) -> Any:
    stmt = select(EventRow.__table__).where(
        EventRow.kind.in_(ALERTING_KINDS),
        EventRow.status == "firing",
        EventRow.service == service,
        EventRow.occurred_at >= start,
    )
    if source is not None:
        stmt = stmt.where(EventRow.source == source)
    if end is not None:
        stmt = stmt.where(EventRow.occurred_at <= end)
    return s.execute(stmt.order_by(EventRow.occurred_at).limit(1)).first()


def _recovery(s: Session, incident_id: str) -> datetime | None:
    """When the pipeline mitigated the incident, if it did before the operator stepped in."""
    rows = s.execute(
        select(TimelineRow).where(TimelineRow.incident_id == incident_id).order_by(TimelineRow.id)
    ).scalars()
    last: TimelineRow | None = None
    for row in rows:
        if row.actor == OPERATOR:
            break
        if row.kind == "state":
            last = row
    if last is not None and (last.data or {}).get("to") == "mitigated":
        return last.at
    return None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else round((b - a).total_seconds(), 3)


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def _alert_name(alert: Any) -> str | None:
    return (alert.labels or {}).get("alertname", alert.summary) if alert is not None else None


def _incident_sources(s: Session, incident_ids: Sequence[str]) -> list[set[str]]:
    """For each incident, the analyzers (alert sources) among its alerts."""
    out = []
    for iid in incident_ids:
        rows = s.execute(select(AlertRow.source).where(AlertRow.incident_id == iid)).scalars()
        out.append(set(rows))
    return out


def _per_analyzer_fault(
    s: Session, w: Window, analyzers: Sequence[str], service: str, detected: bool
) -> dict[str, dict[str, Any]]:
    start = w.injected_at or w.started_at
    end = w.cleared_at or w.ended_at
    out: dict[str, dict[str, Any]] = {}
    for name in analyzers:
        alert = _first_alert(s, service, start, end, name)
        hit = detected and alert is not None
        out[name] = {
            "detected": hit,
            "first_alert_at": _iso(alert.occurred_at) if alert is not None else None,
            "first_alert": _alert_name(alert),
            "mttd_s": _seconds(start, alert.occurred_at) if hit else None,
        }
    return out


def evaluate(
    s: Session, w: Window, *, time_scale: float, service: str, analyzers: Sequence[str] = ()
) -> ScenarioResult:
    """One scenario's result from the store."""
    if w.fault is None:  # a no-fault period: every incident opened in it is false
        opened = incidents_opened(s, w.started_at, w.ended_at)
        ids = [r.id for r in opened]
        sources = _incident_sources(s, ids)
        per = {a: {"false_incidents": sum(a in src for src in sources)} for a in analyzers}
        return ScenarioResult(
            w.scenario, None, {}, None, None, None, None, None, None, None, None, None,
            detected=False, recovered=False, recovered_at=None, time_to_recover_s=None,
            false_incidents=len(opened), incidents=ids, by_analyzer=per,
        )  # fmt: skip
    start = w.injected_at or w.started_at
    end = w.cleared_at or w.ended_at
    opened = [r for r in incidents_opened(s, start, end) if touches(r, service)]
    inc = opened[0] if opened else None
    alert = _first_alert(s, service, start, end) if inc is not None else None
    detected_at = alert.occurred_at if alert is not None else (inc.opened if inc else None)
    mttd = _seconds(start, detected_at)
    recovered_at = _recovery(s, inc.id) if inc is not None else None
    change = _change_of(s, inc.id) if inc is not None else None
    confirmed = None if w.fault_active_after_fix is None else not w.fault_active_after_fix
    fixed = (
        change is not None
        and change.state.value == "succeeded"
        and confirmed is not False
        # a change that held only after the demo had cleared the fault fixed nothing
        and (w.cleared_at is None or (change.ended_at is not None
                                      and change.ended_at <= w.cleared_at))
    )  # fmt: skip
    per = _per_analyzer_fault(s, w, analyzers, service, inc is not None)
    for hit in per.values():  # a fix that came first leaves a slower analyzer nothing to see
        hit["preempted"] = bool(fixed and not hit["detected"])
    return ScenarioResult(
        scenario=w.scenario,
        fault=w.fault,
        params=w.params,
        injected_at=_iso(w.injected_at),
        cleared_at=_iso(w.cleared_at),
        first_alert_at=_iso(alert.occurred_at) if alert is not None else None,
        first_alert=_alert_name(alert),
        incident_id=inc.id if inc is not None else None,
        incident_priority=inc.priority if inc is not None else None,
        incident_opened_at=_iso(inc.opened) if inc is not None else None,
        mttd_s=mttd,
        mttd_real_s=real_s(mttd, alert.source if alert is not None else None, time_scale),
        detected=inc is not None,
        recovered=recovered_at is not None,
        recovered_at=_iso(recovered_at),
        time_to_recover_s=_seconds(w.cleared_at, recovered_at),
        false_incidents=0,
        incidents=[r.id for r in opened],
        first_alert_source=alert.source if alert is not None else None,
        by_analyzer=per,
        change=_change_summary(change) if change is not None else None,
        changes=[_change_summary(c) for c in _changes_of(s, inc.id)] if inc is not None else [],
        resolved_by_change=fixed,
        fix_confirmed=confirmed,
        mttr_s=_seconds(start, change.ended_at) if fixed and change is not None else None,
        rca=rca_outcome(_diagnosis(s, inc.id), w.fault) if inc is not None else None,
    )


def _diagnosis(s: Session, incident_id: str) -> dict[str, Any] | None:
    row = s.execute(select(IncidentRow.diagnosis).where(IncidentRow.id == incident_id)).first()
    return row[0] if row is not None else None


def _changes_of(s: Session, incident_id: str) -> list[Any]:
    """Every change made for the incident, oldest first."""
    from aiops.store.repos.itsm import SqlItsmRepo

    changes = SqlItsmRepo(s).list_changes(incident_id=incident_id)
    return sorted(changes, key=lambda c: (c.created_at, c.id))


def _change_of(s: Session, incident_id: str) -> Any:
    """The incident's change that finished last (or the newest one), as a model."""
    from aiops.model.itsm import FINAL_STATES

    changes = _changes_of(s, incident_id)
    done = [c for c in changes if c.state in FINAL_STATES]
    pool = done or changes
    return max(pool, key=lambda c: c.updated_at) if pool else None


def outside_policy(change: Any) -> bool:
    """Executed although its type or autonomy required approvals it did not get."""
    if change.started_at is None:
        return False
    approvals = sum(a.decision == "approve" for a in change.approvals)
    needs = change.type.value != "standard" or change.autonomy.value != "autonomous"
    return needs and approvals == 0


def _change_summary(change: Any) -> dict[str, Any]:
    return {
        "id": change.id,
        "runbook": change.runbook,
        "type": change.type.value,
        "state": change.state.value,
        "source": change.source,
        "autonomy": change.autonomy.value,
        "approvals": [a.approver for a in change.approvals if a.decision == "approve"],
        "created_at": _iso(change.created_at),
        "started_at": _iso(change.started_at),
        "ended_at": _iso(change.ended_at),
        "reasons": list(change.reasons),
        "outside_policy": outside_policy(change),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def build(
    s: Session,
    injections: Sequence[Injection],
    *,
    time_scale: float,
    service: str = "sulu",
    meta: dict[str, Any] | None = None,
    analyzers: Sequence[str] = (),
) -> dict[str, Any]:
    """The whole report as a JSON-able dict; `analyzers` get figures of their own."""
    results = [
        evaluate(s, w, time_scale=time_scale, service=service, analyzers=analyzers)
        for w in windows(injections)
    ]
    faults = [r for r in results if r.fault is not None]
    mttds = [r.mttd_s for r in faults if r.detected and r.mttd_s is not None]
    reals = [r.mttd_real_s for r in faults if r.detected and r.mttd_real_s is not None]
    undetected = [r.scenario for r in faults if not r.detected]
    false_incidents = sum(r.false_incidents for r in results)
    p50, p95 = percentile(mttds, 50), percentile(mttds, 95)
    totals = {
        "scenarios": len(results),
        "faults": len(faults),
        "detected": len(faults) - len(undetected),
        "undetected": len(undetected),
        "undetected_faults": undetected,
        "recovered": sum(r.recovered for r in faults),
        "false_incidents": false_incidents,
        "no_fault_periods": sum(r.fault is None for r in results),
        "time_scale": time_scale,
        "mttd_p50_s": p50,
        "mttd_p95_s": p95,
        "mttd_p50_real_s": percentile(reals, 50),
        "mttd_p95_real_s": percentile(reals, 95),
        "ok": not undetected and false_incidents == 0,
        **_remediation_totals(s, faults),
        "rca_top1": _rca_top1(faults),
        "by_analyzer": {a: analyzer_totals(results, a) for a in analyzers},
    }
    return {"meta": meta or {}, "totals": totals, "scenarios": [asdict(r) for r in results]}


def _rca_top1(faults: Sequence[ScenarioResult]) -> float | None:
    """Share of detected faults whose stored diagnosis ranks the true root cause first."""
    judged = [r.rca for r in faults if r.rca is not None and r.rca.get("expected")]
    return round(sum(bool(j["correct"]) for j in judged) / len(judged), 3) if judged else None


def _remediation_totals(s: Session, faults: Sequence[ScenarioResult]) -> dict[str, Any]:
    """MTTR over faults a change fixed; what was left to people; actions outside policy."""
    from aiops.store.repos.itsm import SqlItsmRepo

    mttrs = [r.mttr_s for r in faults if r.resolved_by_change and r.mttr_s is not None]
    standard = [
        r.mttr_s
        for r in faults
        if r.resolved_by_change
        and r.mttr_s is not None
        and (r.change or {}).get("type") == "standard"
    ]
    p95 = percentile(mttrs, 95)
    every = list(SqlItsmRepo(s).list_changes(limit=100_000))
    return {
        "resolved_by_change": len(mttrs),
        "unresolved": len(faults) - len(mttrs),
        "unresolved_faults": [r.scenario for r in faults if not r.resolved_by_change],
        "mttr_p50_s": percentile(mttrs, 50),
        "mttr_p95_s": p95,
        "mttr_p95_real_s": percentile(
            [r.mttr_real_s for r in faults if r.resolved_by_change and r.mttr_real_s is not None],
            95,
        ),
        "mttr_standard_p95_s": percentile(standard, 95),
        "changes": len(every),
        "actions_outside_policy": sum(outside_policy(c) for c in every),
    }


def analyzer_totals(results: Sequence[ScenarioResult], name: str) -> dict[str, Any]:
    """One analyzer's detection figures over the scenarios (see `by_analyzer`)."""
    faults = [r for r in results if r.fault is not None]
    hits = [r.by_analyzer.get(name, {}) for r in faults]
    mttds = [h["mttd_s"] for h in hits if h.get("detected") and h.get("mttd_s") is not None]
    missed = [r.scenario for r, h in zip(faults, hits, strict=True)
              if not h.get("detected") and not h.get("preempted")]  # fmt: skip
    preempted = [r.scenario for r, h in zip(faults, hits, strict=True) if h.get("preempted")]
    false = sum(
        r.by_analyzer.get(name, {}).get("false_incidents", 0) for r in results if r.fault is None
    )
    return {
        "detected": len(faults) - len(missed) - len(preempted),
        "undetected": len(missed),
        "undetected_faults": missed,
        "preempted": len(preempted),  # fixed by a change before this analyzer alerted
        "preempted_faults": preempted,
        "mttd_p50_s": percentile(mttds, 50),
        "mttd_p95_s": percentile(mttds, 95),
        "false_incidents": false,
        "first_alerts": {
            r.scenario: h.get("first_alert") for r, h in zip(faults, hits, strict=True)
        },
    }


def exit_code(report: dict[str, Any]) -> int:
    """0 when every fault was detected and no no-fault period raised an incident, else 1."""
    return 0 if report["totals"]["ok"] else 1


def write(report: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into `directory`; return both paths."""
    from aiops.demo.report_md import render

    directory.mkdir(parents=True, exist_ok=True)
    jpath, mpath = directory / "report.json", directory / "report.md"
    jpath.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    mpath.write_text(render(report), encoding="utf-8")
    return jpath, mpath


__all__ = [
    "ALERTING_KINDS",
    "OPERATOR",
    "analyzer_totals",
    "ScenarioResult",
    "Window",
    "build",
    "evaluate",
    "exit_code",
    "incidents_opened",
    "percentile",
    "touches",
    "windows",
    "write",
]
