"""What the builtin reasoner takes as evidence of a cause, and how much each piece weighs.

Evidence is read from the incident's own episode only: log lines, health events and
detector signals from shortly before its onset on, the changes that can explain it (made
before the onset and not reverted), and its alerts. Lines from earlier faults on the same
service are older than the onset, so they no longer steer the diagnosis; a kind of line
that was already as frequent in the minute before the onset is the tail of something
earlier, and counts for little.

A signature's weight grows with the number of lines that show it, but slowly (a flood of
one symptom must not drown the cause), and a signature gets more when:
- a suspect change shows it (most incidents follow a change; the nearer, the stronger);
- it appeared first (a cause precedes its symptoms);
- an alert names it, or the root-cause ranking's top CI is of its CI type.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiops.agents.context import Context
from aiops.agents.signatures import SIGNATURES, Signature
from aiops.diagnose.incident import suspect_changes
from aiops.model import EventKind

LEAD = timedelta(seconds=10)  # a fault starts before its first alert fires
BEFORE = timedelta(seconds=60)  # the window before the lead a line's rate is compared with
TAIL = 0.25  # weight of lines no more frequent than before the onset
RECENT_CHANGE = timedelta(minutes=30)  # a change this close to the onset is a prime suspect
W_CHANGE_RECENT, W_CHANGE_OLD = 5.0, 2.0
W_LINES_MAX = 4.0  # 1 line: 1, 2: 2, 4: 3, 8 or more: 4
W_FIRST = 1.0
W_ALERT = 2.0
W_RCA = 1.5  # times the ranking's confidence
_EVIDENCE_KINDS = (EventKind.log, EventKind.change, EventKind.health, EventKind.signal)


@dataclass(frozen=True)
class Finding:
    sig: Signature
    hits: float  # the weight of the evidence (see the module docstring)
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SuspectChange:
    at: datetime
    text: str


def onset(ctx: Context) -> datetime:
    """When this episode began: the ranking's onset, else its alerts' first sighting."""
    diag = ctx.incident.diagnosis or {}
    raw = diag.get("onset")
    if isinstance(raw, str):
        try:
            return _aware(datetime.fromisoformat(raw))
        except ValueError:
            pass
    opened = _aware(ctx.incident.opened_at)
    current = [_aware(a.first_seen) for a in ctx.alerts if _aware(a.last_seen) >= opened]
    return min(current) if current else opened


def suspects(ctx: Context, at: datetime) -> list[SuspectChange]:
    """Changes that can explain an episode starting `at` (the ranking's list when it has
    one: it already dropped reverted changes), newest first."""
    diag = ctx.incident.diagnosis or {}
    listed = diag.get("changes")
    if isinstance(listed, list):
        out = [
            SuspectChange(datetime.fromtimestamp(float(c["at"]), UTC), str(c.get("summary", "")))
            for c in listed
            if isinstance(c, dict) and isinstance(c.get("at"), int | float)
        ]
    else:
        out = [
            SuspectChange(_aware(c.at), f"{c.kind}: {c.summary}")
            for c in suspect_changes(list(ctx.changes), at)
            if _aware(c.at) <= at
        ]
    return sorted(out, key=lambda c: c.at, reverse=True)


def findings(ctx: Context) -> list[Finding]:
    """Signatures seen in the incident's episode, strongest first."""
    start = onset(ctx)
    relevant = [e for e in ctx.events if e.kind in _EVIDENCE_KINDS]
    events = sorted(
        (e for e in relevant if _aware(e.occurred_at) >= start - LEAD),
        key=lambda e: e.occurred_at,
    )
    before = [e for e in relevant if start - LEAD - BEFORE <= _aware(e.occurred_at) < start - LEAD]
    end = max([start, *(_aware(e.occurred_at) for e in events)])
    after_s = max((end - (start - LEAD)).total_seconds(), LEAD.total_seconds())
    changes = suspects(ctx, start)
    names = {a.name for a in ctx.alerts}
    rca_type = _rca_ci_type(ctx)
    scored: list[tuple[float, Signature, list[str], datetime | None]] = []
    for sig in SIGNATURES:
        lines = [e for e in events if sig.pattern.search(e.summary)]
        near = [c for c in changes if sig.pattern.search(c.text)]
        earlier = sum(1 for e in before if sig.pattern.search(e.summary))
        new = len(lines) / after_s > 2 * earlier / BEFORE.total_seconds()
        weight = _lines_weight(len(lines)) * (1.0 if new else TAIL)
        weight += W_ALERT * len(names & set(sig.alerts))
        if near:
            recent = start - near[0].at <= RECENT_CHANGE
            weight += W_CHANGE_RECENT if recent else W_CHANGE_OLD
        if weight > 0 and rca_type is not None and rca_type[0] == sig.ci_type:
            weight += W_RCA * rca_type[1]
        shown = [_aware(e.occurred_at) for e in lines] if new else []
        first = min(shown + [c.at for c in near], default=None)
        texts = [c.text for c in near] + [e.summary for e in lines]
        if weight > 0:
            scored.append((weight, sig, texts, first))
    timed = [i for i, s in enumerate(scored) if s[3] is not None]
    if timed:  # the cause that showed first
        i = min(timed, key=lambda i: scored[i][3])  # type: ignore[arg-type, return-value]
        w, sig, texts, first = scored[i]
        scored[i] = (w + W_FIRST, sig, texts, first)
    order = {s.key: i for i, s in enumerate(SIGNATURES)}
    scored.sort(key=lambda s: (-s[0], order[s[1].key]))
    return [
        Finding(sig, round(w, 3), tuple(t[:160] for t in texts[:3])) for w, sig, texts, _ in scored
    ]


def _lines_weight(n: int) -> float:
    return 0.0 if n == 0 else min(W_LINES_MAX, 1.0 + math.log2(n))


def _rca_ci_type(ctx: Context) -> tuple[str, float] | None:
    """(CI type, confidence) of the ranking's top candidate, when the CMDB knows it."""
    cands = (ctx.incident.diagnosis or {}).get("candidates") or []
    top = cands[0] if cands and isinstance(cands[0], dict) else None
    if top is None or ctx.cmdb is None:
        return None
    ci = next((c for c in ctx.cmdb.cis if c.name == top.get("ci")), None)
    if ci is None:
        return None
    return ci.type, float(top.get("confidence") or 0.0)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


__all__ = ["LEAD", "Finding", "SuspectChange", "findings", "onset", "suspects"]
