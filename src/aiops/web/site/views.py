"""What the pages show, shaped from the API's models: merged timeline, log excerpts, diagnosis.

Kept apart from the routes so the shaping is testable without HTTP, and from the
templates so no template has to sort, merge or guess at a dict's shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiops.model import Alert, Event, EventKind, TimelineEntry

LOG_EXCERPT_LIMIT = 60


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # alert, resolved, opened, state, grouping, comment, signal, change, ...
    text: str
    actor: str = "system"
    why: str = ""
    severity: str = ""


def _why(data: dict[str, Any]) -> str:
    """A grouping decision in words: rule, detail, score and CMDB distance."""
    g = data.get("grouping")
    if not isinstance(g, dict):
        return ""
    parts = [str(g.get("rule", "")).replace("_", " ")]
    if g.get("detail"):
        parts.append(str(g["detail"]))
    if g.get("distance") is not None:
        parts.append(f"{g['distance']} hop(s) in the CMDB")
    score = g.get("score")
    if isinstance(score, int | float) and score != 1.0:
        parts.append(f"score {score:.2f}")
    return " · ".join(p for p in parts if p)


def timeline(
    entries: Sequence[TimelineEntry], alerts: Sequence[Alert], events: Sequence[Event]
) -> list[TimelineItem]:
    """Alerts and signals, state changes, grouping decisions, comments, changes in time order."""
    items: list[tuple[datetime, int, TimelineItem]] = []
    # A detector's signal enters as an event *and* an alert: show it once, as a signal.
    signals = {e.fingerprint for e in events if e.kind is EventKind.signal}
    for a in alerts:
        kind = "signal" if a.fingerprint in signals else "alert"
        verb = "anomaly" if kind == "signal" else "fired"
        items.append(
            (
                a.first_seen,
                0,
                TimelineItem(
                    a.first_seen,
                    kind,
                    f"{a.name} {verb}" + (f" on {a.ci}" if a.ci else ""),
                    actor=a.source,
                    severity=a.severity.value,
                    why=a.summary if a.summary != a.name else "",
                ),
            )
        )
        if a.resolved_at is not None:
            items.append(
                (a.resolved_at, 0, TimelineItem(a.resolved_at, "resolved", f"{a.name} resolved"))
            )
    for e in events:
        if e.kind is EventKind.change:
            items.append(
                (
                    e.occurred_at,
                    1,
                    TimelineItem(
                        e.occurred_at,
                        e.kind.value,
                        e.summary or e.name,
                        actor=e.source,
                        severity=e.severity.value,
                    ),
                )
            )
    for n, t in enumerate(entries):
        items.append((t.at, 2 + n, TimelineItem(t.at, t.kind, t.text, t.actor, _why(t.data))))
    items.sort(key=lambda x: (x[0], x[1]))
    return [i for _, _, i in items]


def log_excerpts(events: Sequence[Event], *, limit: int = LOG_EXCERPT_LIMIT) -> list[Event]:
    """Log events, oldest first (the API gives newest first), the latest `limit` kept."""
    logs = sorted((e for e in events if e.kind is EventKind.log), key=lambda e: e.occurred_at)
    return logs[-limit:]


@dataclass(frozen=True)
class Candidate:
    name: str
    confidence: float | None
    score: float | None
    metric: str | None
    evidence: list[str]


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def diagnosis(raw: dict[str, Any] | None) -> tuple[list[Candidate], str]:
    """Ranked candidates and a summary line, from whatever shape the diagnose stage stored.

    Accepts `{"candidates": [...]}` (with `ci`/`name`, `confidence`, `score`, `metric`,
    `evidence`) and a summary under `summary` or `explanation`; unknown shapes give none.
    """
    if not raw:
        return [], ""
    found = raw.get("candidates", [])
    out: list[Candidate] = []
    for c in found if isinstance(found, list) else []:
        if not isinstance(c, dict):
            continue
        ev = c.get("evidence", [])
        evidence = [str(x) for x in ev] if isinstance(ev, list) else [str(ev)]
        out.append(
            Candidate(
                name=str(c.get("ci") or c.get("name") or "?"),
                confidence=_num(c.get("confidence")),
                score=_num(c.get("score")),
                metric=str(c["metric"]) if c.get("metric") else None,
                evidence=evidence,
            )
        )
    summary = raw.get("summary") or raw.get("explanation") or ""
    return out, str(summary)


def age(seconds: float) -> str:
    """A compact age for tables: 45s, 12m, 3h 05m, 2d 4h."""
    s = max(int(seconds), 0)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


def when(at: datetime | None) -> str:
    return "—" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def clock(at: datetime | None) -> str:
    """Time of day only, for dense tables (the full time goes in the cell's title)."""
    return "—" if at is None else at.astimezone(UTC).strftime("%H:%M:%S")


def graph_context(session: Any, topology: Any, inc: Any, alerts: Any) -> dict[str, Any]:
    """The affected graph (top candidate marked) and the changes on the incident's CIs
    in the 6 h before it opened, for `_graph.html`."""
    from datetime import timedelta

    from aiops.store.repos.cmdb import ChangeRepo
    from aiops.web.site.graph import layout

    cis = list(dict.fromkeys([*inc.cis, *(a.ci for a in alerts if a.ci)]))
    cands = (inc.diagnosis or {}).get("candidates") or []
    cause = cands[0].get("ci") if cands and isinstance(cands[0], dict) else None
    near = sorted(topology.subgraph(cis, max_hops=1)) if cis else []
    changes = ChangeRepo(session).list(
        cis=near or cis, since=inc.opened_at - timedelta(hours=6), until=inc.opened_at, limit=20
    )
    return {"graph": layout(topology, cis, cause), "changes": changes}
