"""The builtin change-risk assessment of a proposed remediation.

It starts from what the runbook's author declared (`risk:`, else its change type: a
standard change is pre-approved as low risk) and raises it one level for each thing the
record says makes this change riskier than usual: the incident is P1 (the service is
already hurting, a bad change hurts more), the runbook is not declared to fix the
diagnosed cause (it would be a guess), people judged it wrong on similar incidents, or it
already failed on this one. Pure: no I/O, no clock.
"""

from __future__ import annotations

from typing import Any

from aiops.agents.context import Context

LEVELS = ("low", "medium", "high")
_BY_TYPE = {"standard": "low", "normal": "medium", "emergency": "high"}


def change_risk(
    ctx: Context, proposal: dict[str, Any], diag: dict[str, Any], feedback: dict[str, float]
) -> dict[str, Any]:
    name = proposal.get("runbook")
    rb = ctx.runbook(str(name)) if name else None
    if rb is None:
        return {"summary": "no change proposed: nothing to assess", "confidence": 0.9,
                "evidence": [], "risk": "low"}  # fmt: skip
    base = rb.risk if rb.risk in LEVELS else _BY_TYPE.get(rb.change_type or "", "medium")
    why = [
        f"{rb.name} is declared {base} risk"
        if rb.risk
        else f"{rb.change_type or 'an undeclared'} change: {base} by default"
    ]  # noqa: E501
    level = LEVELS.index(base)
    cause = diag.get("cause_key")
    raises = [
        (ctx.incident.priority <= 1, "a P1 incident: a bad change hurts more"),
        (bool(cause) and cause not in rb.fixes, f"not declared to fix {cause}: a guess"),
        (feedback.get(rb.name, 0.0) < 0, "judged wrong on similar incidents"),
        (any(r == rb.name and s == "failed" for r, s in ctx.incident_changes),
         "already failed on this incident"),
    ]  # fmt: skip
    for hit, reason in raises:
        if hit:
            level = min(level + 1, len(LEVELS) - 1)
            why.append(reason)
    risk = LEVELS[level]
    return {"summary": f"{rb.name}: {risk} risk", "confidence": 0.7, "evidence": why[:20],
            "risk": risk}  # fmt: skip


__all__ = ["LEVELS", "change_risk"]
