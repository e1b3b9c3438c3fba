"""The read-only investigation tools an agent may call (only those on its allow-list).

Each tool reads the agent's `Context`, the in-memory metric series and the memory
index; none writes anything. Results are JSON, redacted and fenced as untrusted data
before they reach a model, since they quote logs and past incidents verbatim.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiops.agents.config import ToolName
from aiops.agents.context import Context
from aiops.agents.fencing import Redactor, fence
from aiops.agents.memory import Index, tokens
from aiops.model import EventKind

MAX_RESULT_CHARS = 6000


class SeriesInfoLike(Protocol):
    key: str
    name: str
    service: str | None
    ci: str | None


class SeriesReader(Protocol):
    """What `metrics_query` needs of the runtime's in-memory series store."""

    def series(
        self, *, name: str | None = None, service: str | None = None
    ) -> Sequence[SeriesInfoLike]: ...

    def points(self, key: str, *, since: datetime | None = None) -> list[tuple[float, float]]: ...


@dataclass
class ToolEnv:
    ctx: Context
    series: SeriesReader | None = None
    memory: Index | None = None
    redact: Redactor = field(default_factory=Redactor)


@dataclass(frozen=True)
class Tool:
    name: ToolName
    description: str
    parameters: dict[str, Any]
    run: Callable[[ToolEnv, dict[str, Any]], Any]


def _obj(props: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(required),
        "additionalProperties": False,
    }


def _int(args: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    v = args.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return default
    return max(low, min(high, int(v)))


def _metrics(env: ToolEnv, args: dict[str, Any]) -> Any:
    if env.series is None:
        return {"series": [], "note": "no metric store attached"}
    name = str(args.get("name", "")) or None
    minutes = _int(args, "minutes", 15, 1, 24 * 60)
    since = (env.ctx.now or env.ctx.incident.updated_at) - timedelta(minutes=minutes)
    out = []
    for info in list(env.series.series(name=name, service=args.get("service") or None))[:10]:
        vals = [v for _, v in env.series.points(info.key, since=since) if math.isfinite(v)]
        if vals:
            out.append(
                {
                    "series": info.key,
                    "ci": info.ci,
                    "n": len(vals),
                    "last": vals[-1],
                    "min": min(vals),
                    "max": max(vals),
                    "mean": sum(vals) / len(vals),
                }
            )
    return {"series": out}


def _logs(env: ToolEnv, args: dict[str, Any]) -> Any:
    q = set(tokens(str(args.get("query", ""))))
    limit = _int(args, "limit", 20, 1, 100)
    lines = [
        e
        for e in env.ctx.events
        if e.kind in (EventKind.log, EventKind.alert, EventKind.signal, EventKind.health)
    ]
    hits = [e for e in lines if not q or q & set(tokens(e.summary))]
    return {
        "lines": [
            {
                "at": e.occurred_at.isoformat(),
                "ci": e.ci or e.service,
                "severity": e.severity.value,
                "text": e.summary[:400],
            }
            for e in hits[:limit]
        ]
    }


def _cmdb(env: ToolEnv, args: dict[str, Any]) -> Any:
    cmdb = env.ctx.cmdb
    name = str(args.get("ci", ""))
    if cmdb is None:
        return {"error": "no CMDB loaded"}
    ci = cmdb.ci(name)
    if ci is None:
        return {"error": f"unknown CI {name!r}", "known": sorted(c.name for c in cmdb.cis)}
    rels = [
        {"source": r.source, "type": r.type.value, "target": r.target}
        for r in cmdb.relations
        if name in (r.source, r.target)
    ]
    svc = cmdb.service(ci.service) if ci.service else None
    return {
        "ci": ci.model_dump(mode="json"),
        "relations": rels,
        "service": {"name": svc.name, "criticality": svc.criticality.value, "owner": svc.owner}
        if svc
        else None,
    }


def _changes(env: ToolEnv, args: dict[str, Any]) -> Any:
    minutes = _int(args, "minutes", 60, 1, 7 * 24 * 60)
    since = env.ctx.incident.opened_at - timedelta(minutes=minutes)
    items: list[tuple[datetime, str | None, str]] = [
        (c.at, c.ci, f"{c.kind}: {c.summary}") for c in env.ctx.changes if c.at >= since
    ]
    items += [
        (e.occurred_at, e.ci or e.service, e.summary)
        for e in env.ctx.events
        if e.kind is EventKind.change and e.occurred_at >= since
    ]
    items.sort(key=lambda t: t[0], reverse=True)
    return {
        "changes": [
            {"at": at.isoformat(), "ci": ci, "text": text[:400]} for at, ci, text in items[:20]
        ]
    }


def _search(kinds: Sequence[str]) -> Callable[[ToolEnv, dict[str, Any]], Any]:
    def run(env: ToolEnv, args: dict[str, Any]) -> Any:
        if env.memory is None:
            return {"hits": []}
        q = str(args.get("query", "")) or env.ctx.incident.title
        hits = env.memory.search(q, limit=_int(args, "limit", 5, 1, 20), kinds=kinds)
        return {
            "hits": [
                {
                    "kind": h.kind,
                    "ref": h.ref,
                    "text": h.text[:400],
                    "score": h.score,
                    "verdict": h.data.get("verdict"),
                }
                for h in hits
            ]
        }

    return run


def _catalogue(env: ToolEnv, args: dict[str, Any]) -> Any:
    return {
        "runbooks": [
            {"name": r.name, "description": r.description, "alerts": list(r.alerts)}
            for r in env.ctx.runbooks
        ]
    }


_Q = {"query": {"type": "string"}, "limit": {"type": "integer"}}
TOOLS: dict[ToolName, Tool] = {
    t.name: t
    for t in (
        Tool(
            ToolName.metrics_query,
            "Recent statistics of metric series (last, min, max, mean).",
            _obj(
                {
                    "name": {"type": "string"},
                    "service": {"type": "string"},
                    "minutes": {"type": "integer"},
                },
                ["name"],
            ),
            _metrics,
        ),
        Tool(
            ToolName.log_search,
            "Search the incident's log lines and events by words.",
            _obj(_Q),
            _logs,
        ),
        Tool(
            ToolName.cmdb_lookup,
            "A configuration item, its relations and its service.",
            _obj({"ci": {"type": "string"}}, ["ci"]),
            _cmdb,
        ),
        Tool(
            ToolName.recent_changes,
            "Deploys and config changes before the incident.",
            _obj({"minutes": {"type": "integer"}}),
            _changes,
        ),
        Tool(
            ToolName.similar_incidents,
            "Past incidents and decisions like this one, with verdicts.",
            _obj(_Q),
            _search(("incident", "decision", "review")),
        ),
        Tool(
            ToolName.known_errors,
            "Known errors and their workarounds.",
            _obj(_Q),
            _search(("known_error",)),
        ),
        Tool(
            ToolName.runbook_catalogue, "The runbooks that may be proposed.", _obj({}), _catalogue
        ),
    )
}


def run_tool(env: ToolEnv, name: str, args: dict[str, Any]) -> str:
    """Run one tool; the result is redacted, truncated and fenced as untrusted data."""
    tool = TOOLS[ToolName(name)]
    try:
        result = tool.run(env, args)
    except Exception as exc:  # a tool bug must not end the decision
        result = {"error": f"{type(exc).__name__}: {exc}"}
    text = env.redact(json.dumps(result, ensure_ascii=False, default=str))[:MAX_RESULT_CHARS]
    return fence(text, source=f"tool:{name}")


__all__ = ["TOOLS", "SeriesReader", "Tool", "ToolEnv", "run_tool"]
