"""The builtin post-incident review: a draft people finish, written from the record.

What happened is told from the incident's own facts (priority, service, how long it
lasted, what alerted first, the diagnosis, each change and how it ended); the follow-up
actions come from what the record shows went wrong or was missing: a change that failed,
a cause no runbook fixes, a change that caused the incident, similar incidents before
(a problem record is due). Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiops.agents.context import Context

_CHANGE_CAUSES = frozenset({"bad_deploy", "bad_config"})
_FAILED = frozenset({"failed", "rejected", "expired", "blocked"})


def _minutes(start: datetime, end: datetime | None) -> str:
    if end is None:
        return "still open"
    m = (end - start).total_seconds() / 60
    return f"{m:.0f} min" if m >= 1 else f"{m * 60:.0f} s"


def what_happened(ctx: Context, diag: dict[str, Any]) -> str:
    inc = ctx.incident
    first = min(ctx.alerts, key=lambda a: a.first_seen, default=None)
    parts = [
        f"P{inc.priority} incident on {inc.service or 'an unknown service'} "
        f"({_minutes(inc.opened_at, inc.resolved_at)}): {inc.title}."
    ]
    if first is not None:
        parts.append(f"First alert: {first.name} ({first.source}).")
    if diag:
        parts.append(f"Diagnosis: {diag.get('summary', '')}.")
    for rb, state in ctx.incident_changes:
        parts.append(f"Change {rb}: {state}.")
    if not ctx.incident_changes:
        parts.append("No change was made by the agents; people restored the service.")
    return " ".join(parts)[:2000]


def follow_ups(ctx: Context, diag: dict[str, Any]) -> list[str]:
    cause = diag.get("cause_key")
    actions: list[str] = []
    for rb, state in ctx.incident_changes:
        if state in _FAILED:
            actions.append(f"Review runbook {rb}: it {state} on this incident.")
    fixed = any(state == "succeeded" for _, state in ctx.incident_changes)
    if cause and not fixed and not any(cause in r.fixes for r in ctx.runbooks):
        actions.append(f"Write a runbook for {cause}: none in the catalogue fixes it.")
    if cause in _CHANGE_CAUSES:
        actions.append("A change caused this incident: review how it was tested and released.")
    similar = [h.ref for h in ctx.memory if h.kind == "incident"][:3]
    if similar:
        actions.append(
            f"Open or update a problem record: similar incidents before ({', '.join(similar)})."
        )
    if diag.get("root_cause_ci"):
        actions.append(
            f"Confirm the root cause ({diag['root_cause_ci']}) and mark the agents' "
            "decisions right or wrong: the verdicts steer the next proposals."
        )
    return actions[:20]


def review(ctx: Context, diag: dict[str, Any]) -> dict[str, Any]:
    actions = follow_ups(ctx, diag)
    return {
        "summary": f"review draft for {ctx.incident.id}: {len(actions)} follow-up action(s)",
        "confidence": 0.6,
        "evidence": [f"{rb}: {state}" for rb, state in ctx.incident_changes][:20],
        "what_happened": what_happened(ctx, diag),
        "actions": actions,
    }


__all__ = ["follow_ups", "review", "what_happened"]
