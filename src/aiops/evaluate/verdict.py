"""The verdict a service manager reads: each criterion, both sides, the target, and one
recommendation. Pure; works on the dict `scores.score` builds.

Targets (issue 8): detection F1 >= 0.95 where the baseline is below, RCA top-1 >= 0.9,
MTTR at least 3x shorter than the baseline, false-incident rate <= 5 %. Above the cost
budget the recommendation is the human fallback, whatever the other figures say.
"""

from __future__ import annotations

from typing import Any

TARGET_F1, TARGET_RCA, TARGET_MTTR_X, TARGET_FIR = 0.95, 0.9, 3.0, 0.05


def _row(name: str, base: Any, agents: Any, target: str, met: bool | None) -> dict[str, Any]:
    return {"criterion": name, "baseline": base, "agents": agents, "target": target, "met": met}


def verdict(s: dict[str, Any]) -> dict[str, Any]:
    b, a, c = s["baseline"], s["agents"], s["cost"]
    bd, ad = b["detection"], a["detection"]
    f1_ok = None if ad["f1"] is None else ad["f1"] >= TARGET_F1 and ad["f1"] >= (bd["f1"] or 0)
    rca_top1 = a["rca"]["top1"]
    speedup = round(b["mttr_s"] / a["mttr_s"], 2) if a["mttr_s"] and b["mttr_s"] else None
    rows = [
        _row("Detection F1", bd["f1"], ad["f1"], f">= {TARGET_F1} and >= baseline", f1_ok),
        _row("Missed faults", bd["fn"], ad["fn"], "fewer", ad["fn"] <= bd["fn"]),
        _row("False-incident rate", bd["false_incident_rate"], ad["false_incident_rate"],
             f"<= {TARGET_FIR:.0%}", ad["false_incident_rate"] <= TARGET_FIR),
        _row("Mean time to detect (s)", b["mttd_s"], a["mttd_s"], "shorter",
             None if a["mttd_s"] is None or b["mttd_s"] is None else a["mttd_s"] <= b["mttd_s"]),
        _row("Mean time to acknowledge (s)", b["mtta_s"], a["mtta_s"], "shorter",
             None if a["mtta_s"] is None or b["mtta_s"] is None else a["mtta_s"] <= b["mtta_s"]),
        _row("Mean time to restore (s)", b["mttr_s"], a["mttr_s"],
             f"{TARGET_MTTR_X:g}x shorter (now {speedup}x)" if speedup else f"{TARGET_MTTR_X:g}x",
             None if speedup is None else speedup >= TARGET_MTTR_X),
        _row("Root cause right first (top-1)", None, rca_top1, f">= {TARGET_RCA}",
             None if rca_top1 is None else rca_top1 >= TARGET_RCA),
        _row("Agreement with people (root cause)", None,
             (a.get("agreement_with_people") or {}).get("root_cause"), "informative", None),
        _row("Fixed automatically", None, a["remediation_success_rate"], "higher is better", None),
        _row("Cost per incident (USD)", c["people_per_incident_usd"], c["per_incident_usd"],
             "lower", None),
        _row("Agents' cost per month (USD)", None, c["per_month_usd"],
             f"<= budget {c['budget_usd_month']:g}", not c["over_budget"]),
    ]  # fmt: skip
    if c["over_budget"]:
        rec, why = "human fallback", "the agents' monthly cost is above the budget"
    elif all(r["met"] is not False for r in rows):
        rec, why = "use the agents", "every target is met"
    else:
        failed = [r["criterion"] for r in rows if r["met"] is False]
        rec, why = "keep people in the loop (shadow mode)", "not met: " + ", ".join(failed)
    return {"recommendation": rec, "why": why, "mttr_speedup": speedup, "rows": rows}


__all__ = ["verdict"]
