"""From an incident to a `Case`, and from the ranked candidates to `incident.diagnosis`.

Pure: the stage (`diagnose.stage`) gathers the inputs from the store and the in-memory
series, this module decides. The onset is the first alert of the incident's latest
episode (`episode`: an incident can outlive several faults); metrics are compared between
the `NORMAL_S` before `onset - lead` (normal) and from there on (anomalous), so a cause
that started moving just before the first alert fired is seen, and its lead is told.
Changes reverted before the onset are over and no suspect (`suspect_changes`).
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiops.cmdb.topology import Topology
from aiops.diagnose.case import Case, Change, KnownError, LogSignal, Symptom
from aiops.diagnose.episode import episode_start
from aiops.diagnose.magnitude import measure
from aiops.diagnose.ranking import Candidate, has_root_cause, rank
from aiops.diagnose.recent import RawSeries, patterns, to_series
from aiops.model import Alert, Event, EventKind, Incident, Severity
from aiops.model.changes import ChangeRecord
from aiops.model.cmdb import Cmdb

METHOD = "robust-z + dependency graph + changes"
VERSION = 1
# The fault starts before the first alert (a rule waits `for:`, a detector a few readings):
# the anomalous period begins `lead` before it. Short, because faults come back to back
# (a previous fault's tail must not count as this one's), and never more than a share of
# the history, so a platform that just started still has a normal period to compare with.
LEAD_S = 10.0
MIN_LEAD_S = 6.0
LEAD_SHARE = 0.25
NORMAL_S = 600.0  # the normal period: this long before the split (the median absorbs old faults)
MAX_CANDIDATES = 5
_DIGITS = re.compile(r"\d+(\.\d+)?")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass
class IncidentInputs:
    incident: Incident
    alerts: list[Alert]
    events: list[Event] = field(default_factory=list)  # evidence around the incident
    series: list[RawSeries] = field(default_factory=list)
    cmdb: Cmdb | None = None
    changes: list[ChangeRecord] = field(default_factory=list)
    known_errors: list[KnownError] = field(default_factory=list)


def onset_of(inputs: IncidentInputs) -> datetime:
    """The first alert of the incident's latest episode (see `episode`)."""
    times = [a.first_seen for a in inputs.alerts]
    first = min(times) if times else inputs.incident.opened_at
    start = episode_start(inputs.events)
    return max(first, start) if start is not None else first


def _symptom(inputs: IncidentInputs, onset: datetime) -> Symptom | None:
    # alerts of this episode first (an older one may have fired again into it)
    alerts = sorted(inputs.alerts, key=lambda a: (a.last_seen < onset, a.first_seen))
    ci = next((a.ci for a in alerts if a.ci), None) or (inputs.incident.cis or [None])[0]
    if ci is None:
        return None
    name = alerts[0].name if alerts else inputs.incident.title
    return Symptom(ci, "_".join(_CAMEL.split(name)).lower(), onset.timestamp())


def _log_ci(e: Event, pats: list[tuple[str, str]]) -> str | None:
    logger = e.labels.get("logger", "")
    for pat, ci in pats:
        if logger and fnmatch.fnmatchcase(logger, pat):
            return ci
    return e.ci


def _logs(events: Sequence[Event], cmdb: Cmdb | None, split: float) -> list[LogSignal]:
    """Error log templates (numbers masked) seen from the split on, and not before it."""
    pats = patterns(cmdb, "logs")
    before: set[tuple[str, str]] = set()
    after: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], float] = {}
    for e in events:
        if e.kind is not EventKind.log or e.severity.rank < Severity.error.rank:
            continue
        ci = _log_ci(e, pats)
        if ci is None:
            continue
        key = (ci, _DIGITS.sub("<n>", e.summary)[:200])
        t = e.occurred_at.timestamp()
        if t < split:
            before.add(key)
        else:
            after[key] += 1
            first[key] = min(first.get(key, t), t)
    return [
        LogSignal(ci, tpl, first[(ci, tpl)], True, n)
        for (ci, tpl), n in after.most_common(20)
        if (ci, tpl) not in before
    ]


def split_at(inputs: IncidentInputs, onset: datetime, lead_s: float = LEAD_S) -> float:
    """Where the normal period ends and the anomalous one begins (unix seconds)."""
    t = onset.timestamp()
    starts = [float(r.points[0][0]) for r in inputs.series if len(r.points)]
    history = t - min(starts) if starts else 0.0
    return t - min(lead_s, max(MIN_LEAD_S, LEAD_SHARE * history))


def _reverts(later: ChangeRecord, earlier: ChangeRecord) -> bool:
    """`later` puts back what `earlier` changed: same CI, every key's [old, new] swapped."""
    a, b = earlier.diff, later.diff
    if later.ci != earlier.ci or not a or a.keys() != b.keys():
        return False
    return all(
        isinstance(a[k], list | tuple)
        and isinstance(b[k], list | tuple)
        and len(a[k]) == len(b[k]) == 2
        and list(b[k]) == list(a[k])[::-1]
        for k in a
    )


def suspect_changes(changes: Sequence[ChangeRecord], onset: datetime) -> list[ChangeRecord]:
    """The changes that can explain an incident starting at `onset`.

    A revert (a rollback, a config put back) restores a state that worked, so it is no
    suspect; a change reverted before the onset is over: what it broke then was another
    incident's (faults and fixes can follow each other within minutes). Undoing a revert
    is no revert: it applies the reverted change again (the same bad release redeployed),
    and is as much a suspect as that change was.
    """
    ordered = sorted(changes, key=lambda c: c.at)
    out: list[ChangeRecord] = []
    reverted: set[int] = set()
    reverts: set[int] = set()  # positions of changes that were reverts
    for i, c in enumerate(ordered):
        undone = next(
            (j for j in range(i - 1, -1, -1) if j not in reverted and _reverts(c, ordered[j])),
            None,
        )
        if undone is None or undone in reverts:
            if undone is not None:
                reverted.add(undone)  # the revert is over; this re-applies what it undid
            out.append(c)
            continue
        reverted.add(undone)
        reverts.add(i)
        if c.at <= onset:
            out = [x for x in out if x is not ordered[undone]]
    return out


def build_case(inputs: IncidentInputs, *, now: datetime, lead_s: float = LEAD_S) -> Case:
    onset = onset_of(inputs)
    split = split_at(inputs, onset, lead_s)
    topo = Topology(inputs.cmdb)
    around = set(inputs.incident.cis) | {a.ci for a in inputs.alerts if a.ci}
    keep = topo.subgraph(around, max_hops=3) if around & set(topo.cis) else None
    nodes = sorted(keep) if keep else []
    edges = [(a, b) for a, _, b in topo.edges() if keep is None or (a in keep and b in keep)]
    series = to_series(
        inputs.series,
        inputs.cmdb,
        split_at=split,
        end=now.timestamp(),
        keep=keep,
        start=split - NORMAL_S,
    )
    changes = [
        Change(c.ci, c.at.timestamp(), f"{c.kind}: {c.summary}".strip(": "))
        for c in suspect_changes(inputs.changes, onset)
        if c.at <= now and (keep is None or c.ci in keep)
    ]
    logs = [g for g in _logs(inputs.events, inputs.cmdb, split) if keep is None or g.ci in keep]
    case = Case(
        series=series,
        edges=edges,
        nodes=nodes,
        symptom=_symptom(inputs, onset),
        changes=changes,
        logs=logs,
        known_errors=list(inputs.known_errors),
        name=inputs.incident.id,
    )
    if not series:
        case.warnings.append(
            "no recent metrics for the incident's CIs: ranked on graph, changes and logs only"
        )
    return case


def _reason(c: Candidate, case: Case, first_alert: float) -> str:
    changes = [x for x in case.changes if x.ci == c.ci and x.at <= first_alert]
    if changes:
        ch = max(changes, key=lambda x: x.at)
        return f"{ch.summary} {first_alert - ch.at:.0f} s before the first alert"
    onsets = [
        s for s in case.series if s.ci == c.ci and s.metric == c.metric and s.times is not None
    ]
    for s in onsets:
        m = measure(s)
        if m is not None and m.onset is not None:
            lead = first_alert - m.onset
            when = f"{lead:.0f} s before" if lead >= 0 else f"{-lead:.0f} s after"
            return f"{s.metric} anomalous from {when} the first alert"
    return c.evidence[0] if c.evidence else "no evidence"


def diagnosis_doc(
    case: Case, candidates: list[Candidate], *, onset: datetime, now: datetime
) -> dict[str, Any]:
    top = candidates[0] if candidates else None
    if top is None:
        summary = "no candidate: nothing to rank"
    elif has_root_cause(candidates):
        summary = f"{top.ci} ({top.confidence:.2f}) — {_reason(top, case, onset.timestamp())}"
    else:
        summary = f"no clear root cause (best: {top.ci}, {top.confidence:.2f})"
    return {
        "summary": summary,
        "candidates": [c.as_dict() for c in candidates[:MAX_CANDIDATES]],
        "at": now.isoformat(),
        "method": METHOD,
        "version": VERSION,
        "onset": onset.isoformat(),
        "changes": [
            {"ci": c.ci, "at": c.at, "summary": c.summary}
            for c in case.changes
            if c.at <= onset.timestamp()
        ],
        "warnings": list(case.warnings),
    }


def diagnose(inputs: IncidentInputs, *, now: datetime) -> dict[str, Any]:
    """The diagnosis of one incident, shaped for `incident.diagnosis`."""
    case = build_case(inputs, now=now)
    candidates = [c for c in rank(case) if c.score > 0] if case.cis() else []
    return diagnosis_doc(case, candidates, onset=onset_of(inputs), now=now)


__all__ = [
    "IncidentInputs",
    "build_case",
    "diagnose",
    "diagnosis_doc",
    "onset_of",
    "split_at",
    "suspect_changes",
]
