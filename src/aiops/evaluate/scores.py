"""Scores of the two procedures from raw records. Pure: no I/O, no clock.

A raw record is one scenario variant (see `records.py`). The baseline procedure is the
`rules` analyzer + the people (operator delays); the agents' procedure is the
`detectors` analyzer + the incident stages (diagnose, agents, change, verification).

Times are real-world-equivalent seconds: the demo multiplies the rules' durations by
`time_scale`, so the baseline's MTTD is divided by it; the detectors' windows are not
compressed, so the agents' MTTD is taken as measured. What follows detection (the
agents' chain, the runbook, the people) ran or is modelled at real speed.

- detection: a fault variant is a positive; a procedure's true positive is a fault its
  analyzer alerted on (and an incident opened); a false positive is an incident in a
  no-fault period holding its alert. false_incident_rate = FP / (TP + FP);
  false_positive_rate = no-fault periods with a false incident / no-fault periods.
- MTTA: baseline = MTTD + the people's acknowledge delay; agents = MTTD + the time from
  the incident opening to the agents' first decision.
- MTTR: baseline = MTTD + acknowledge + investigate + act + the runbook's run time
  (the change's start → verification held). Agents = MTTD + `agents_chain_s`: each
  change the agents made, in turn, proposed → (a person's approval where production
  would ask for one, modelled by the acknowledge delay) → run and verified, until one
  held; shadow mode's own hold before approval is not counted. When no change held, the
  people take over from the agents' detection (same delays).
- agreement with people: where a person recorded a decision (human-decisions API), the
  share the agents' top root cause / change runbook equals the person's.
- cost per incident: each decision's recorded cost, else tokens × price + calls × fee;
  per month = per incident × incidents_per_month + model fee + data transfer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput
from aiops.evaluate.operator import PHASES, total_s
from aiops.evaluate.verdict import verdict

BASELINE, AGENTS = "baseline", "agents"
ANALYZER = {BASELINE: "rules", AGENTS: "detectors"}
COMPRESSED = {BASELINE: True, AGENTS: False}  # does the demo scale its durations?


@dataclass(frozen=True)
class CostConfig:
    """Prices and volumes (assumptions; configurable). Builtin agents cost nothing."""

    price_in_per_mtok_usd: float = 3.0  # per million input tokens
    price_out_per_mtok_usd: float = 15.0  # per million output tokens
    price_per_call_usd: float = 0.0
    incidents_per_month: float = 60.0
    model_fee_usd_month: float = 0.0  # a fixed subscription / hosting fee
    data_transfer_usd_month: float = 0.0
    budget_usd_month: float = 500.0  # above it the verdict recommends the human fallback
    people_usd_hour: float = 100.0  # loaded cost of an on-call engineer's hour

    def check(self) -> None:
        bad = [
            ErrorDetail((k,), "must be a finite number >= 0", "range")
            for k, v in asdict(self).items()
            if isinstance(v, bool) or not isinstance(v, int | float)
            or not math.isfinite(v) or v < 0
        ]  # fmt: skip
        if bad:
            raise InvalidInput("bad cost config", bad)


def _t(v: Any) -> datetime | None:
    return datetime.fromisoformat(v) if isinstance(v, str) and v else None


def _secs(a: Any, b: Any) -> float | None:
    ta, tb = _t(a), _t(b)
    return None if ta is None or tb is None else (tb - ta).total_seconds()


def _mean(xs: Sequence[float]) -> float | None:
    return round(sum(xs) / len(xs), 3) if xs else None


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def detection(records: Sequence[Mapping[str, Any]], analyzer: str) -> dict[str, Any]:
    """Confusion counts and rates of one analyzer over the variants."""
    faults = [r for r in records if r.get("fault")]
    quiet = [r for r in records if not r.get("fault")]
    tp = sum(bool(r["analyzers"].get(analyzer, {}).get("detected")) for r in faults)
    fps = [int(r["analyzers"].get(analyzer, {}).get("false_incidents", 0)) for r in quiet]
    fp, fn = sum(fps), len(faults) - tp
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, len(faults))
    f1 = (round(2 * precision * recall / (precision + recall), 4)
          if precision and recall else (0.0 if faults else None))  # fmt: skip
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": sum(n == 0 for n in fps),
        "faults": len(faults), "no_fault_periods": len(quiet),
        "precision": precision, "recall": recall, "f1": f1,
        "miss_rate": _ratio(fn, len(faults)),
        "false_positive_rate": _ratio(sum(n > 0 for n in fps), len(quiet)),
        "false_incident_rate": _ratio(fp, tp + fp) if tp + fp else 0.0,
    }  # fmt: skip


def _runbook_s(ch: Mapping[str, Any]) -> float:
    """A change's run, start to end (0 when it never ran)."""
    return max(0.0, _secs(ch.get("started_at"), ch.get("ended_at")) or 0.0)


def times(r: Mapping[str, Any], procedure: str, time_scale: float) -> dict[str, Any]:
    """MTTD / MTTA / MTTR of one fault variant for one procedure (None: not detected)."""
    a = r["analyzers"].get(ANALYZER[procedure], {})
    if not a.get("detected") or a.get("mttd_s") is None:
        return {"mttd_s": None, "mtta_s": None, "mttr_s": None, "automated": False}
    mttd = float(a["mttd_s"]) / (time_scale if COMPRESSED[procedure] else 1.0)
    people = r.get("operator") or {}
    by_people = mttd + total_s(people, PHASES) + _runbook_s(r.get("change") or {})
    inc = r.get("incident") or {}
    if procedure == BASELINE:
        return {"mttd_s": round(mttd, 1), "mtta_s": round(mttd + float(people.get("ack_s", 0)), 1),
                "mttr_s": round(by_people, 1), "automated": False}  # fmt: skip
    decided = [d.get("created_at") for d in r.get("decisions", []) if d.get("created_at")]
    to_decide = _secs(inc.get("opened_at"), min(decided)) if decided else None
    chain = agents_chain_s(r)
    return {
        "mttd_s": round(mttd, 1),
        "mtta_s": round(mttd + max(0.0, to_decide), 1) if to_decide is not None else None,
        "mttr_s": round(mttd + chain, 1) if chain is not None else round(by_people, 1),
        "automated": chain is not None,
    }


def agents_chain_s(r: Mapping[str, Any]) -> float | None:
    """Incident opened → the agents' fix held, as it would run outside shadow mode; None
    when no change held.

    Change by change, oldest first: the time to propose it (from the opening, or from the
    end of the change before), a person's approval when it would need one in production
    (`needs_approval`; modelled by the operator's acknowledge delay, as the approver is
    paged like anyone on call), and its run until verification held. Shadow mode's own
    hold (every change waits until the baseline has seen the fault too) is not counted.
    A change that held its verification while the fault stayed on (`fix_confirmed` is
    False: the simulator's own board), or only after the fault had been cleared, fixed
    nothing: the people take over.
    """
    inc = r.get("incident") or {}
    made = list(r.get("changes") or ([r["change"]] if r.get("change") else []))
    made.sort(key=lambda c: str(c.get("created_at") or c.get("started_at") or ""))
    approval_s = float((r.get("operator") or {}).get("ack_s", 0.0))
    total, since = 0.0, inc.get("opened_at")
    cleared = r.get("cleared_at")
    for ch in made:
        if cleared and ch.get("ended_at") and _secs(cleared, ch["ended_at"]) > 0:
            return None  # it held only after the fault was cleared: it fixed nothing
        proposed = ch.get("created_at") or ch.get("started_at")
        total += max(0.0, _secs(since, proposed) or 0.0)
        decided = ch.get("state") not in ("withdrawn", "pending_approval")  # a person acted
        total += approval_s if ch.get("needs_approval") and decided else 0.0
        total += _runbook_s(ch)
        if ch.get("state") == "succeeded":  # and the simulator agrees the fault is gone
            return None if r.get("fix_confirmed") is False else total
        since = ch.get("ended_at") or proposed
    return None


def rca(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Top-1 / top-3 of the stored diagnosis against the truth, over detected faults."""
    scored = [r for r in records if r.get("fault") and r.get("incident") and r.get("expected_ci")]
    ranks = []
    for r in scored:
        cands = list((r["incident"] or {}).get("candidates") or [])
        ranks.append(cands.index(r["expected_ci"]) + 1 if r["expected_ci"] in cands else None)
    return {"n": len(scored),
            "top1": _ratio(sum(k == 1 for k in ranks), len(ranks)),
            "top3": _ratio(sum(k is not None and k <= 3 for k in ranks), len(ranks))}  # fmt: skip


def agreement(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """How often the agents agreed with the people who decided on the same incident:
    the root cause (a person's `diagnose` vs the diagnosis's top CI) and the action (a
    person's `remediate` vs the runbook of the agents' change)."""
    cause, action = [], []
    for r in records:
        people = {d.get("kind"): d.get("decided") for d in r.get("decisions", [])
                  if d.get("backend") == "human" and d.get("decided")}  # fmt: skip
        cands = (r.get("incident") or {}).get("candidates") or []
        if "diagnose" in people and cands:
            cause.append(people["diagnose"] == cands[0])
        if "remediate" in people and r.get("change"):
            action.append(people["remediate"] == (r["change"] or {}).get("runbook"))
    return {"root_cause_n": len(cause), "root_cause": _ratio(sum(cause), len(cause)),
            "action_n": len(action), "action": _ratio(sum(action), len(action))}  # fmt: skip


def decision_cost(d: Mapping[str, Any], c: CostConfig) -> float:
    recorded = float(d.get("cost_usd") or 0.0)
    if recorded > 0:
        return recorded
    tokens = (
        float(d.get("tokens_in") or 0) * c.price_in_per_mtok_usd
        + float(d.get("tokens_out") or 0) * c.price_out_per_mtok_usd
    ) / 1e6
    return tokens + float(d.get("calls") or 0) * c.price_per_call_usd


def cost(records: Sequence[Mapping[str, Any]], c: CostConfig) -> dict[str, Any]:
    """The agents' LLM cost per incident and per month; the people's cost for comparison."""
    incidents = sum(len(r.get("incident_ids") or []) for r in records)
    decisions = [d for r in records for d in r.get("decisions", []) if d.get("backend") != "human"]
    total = sum(decision_cost(d, c) for d in decisions)
    per_inc = total / incidents if incidents else 0.0
    month = per_inc * c.incidents_per_month + c.model_fee_usd_month + c.data_transfer_usd_month
    people_h = [total_s(r.get("operator") or {}) / 3600 for r in records if r.get("fault")]
    return {
        "incidents": incidents, "decisions": len(decisions),
        "tokens": sum(int(d.get("tokens_in") or 0) + int(d.get("tokens_out") or 0)
                      for d in decisions),
        "calls": sum(int(d.get("calls") or 0) for d in decisions),
        "backends": sorted({str(d.get("backend")) for d in decisions}),
        "total_usd": round(total, 6), "per_incident_usd": round(per_inc, 6),
        "per_month_usd": round(month, 2), "budget_usd_month": c.budget_usd_month,
        "over_budget": month > c.budget_usd_month,
        "people_per_incident_usd": round(sum(people_h) / len(people_h) * c.people_usd_hour, 2)
        if people_h else None,
    }  # fmt: skip


def procedure(records: Sequence[Mapping[str, Any]], name: str, time_scale: float) -> dict[str, Any]:
    faults = [r for r in records if r.get("fault")]
    per = [times(r, name, time_scale) for r in faults]
    col: dict[str, list[float]] = {
        k: [float(p[k]) for p in per if p[k] is not None] for k in ("mttd_s", "mtta_s", "mttr_s")
    }
    detected = [p for p in per if p["mttd_s"] is not None]
    out = {
        "detection": detection(records, ANALYZER[name]),
        **{k: _mean(v) for k, v in col.items()},
        **{f"{k.removesuffix('_s')}_p50_s": percentile(v, 50) for k, v in col.items()},
        **{f"{k.removesuffix('_s')}_p95_s": percentile(v, 95) for k, v in col.items()},
        "mttd_values_s": col["mttd_s"], "mttr_values_s": col["mttr_s"],
    }  # fmt: skip
    if name == AGENTS:
        out["remediation_success_rate"] = _ratio(sum(bool(p["automated"]) for p in detected),
                                                 len(detected))  # fmt: skip
        out["rca"] = rca(records)
        out["agreement_with_people"] = agreement(records)
    return out


def score(
    records: Sequence[Mapping[str, Any]], *, time_scale: float, cost_config: CostConfig
) -> dict[str, Any]:
    """Everything the report shows, from raw records alone (a test recomputes it)."""
    if not 0 < time_scale <= 1:
        raise InvalidInput(f"time_scale must be in (0, 1], got {time_scale}")
    cost_config.check()
    out = {
        BASELINE: procedure(records, BASELINE, time_scale),
        AGENTS: procedure(records, AGENTS, time_scale),
        "cost": cost(records, cost_config),
        "variants": len(records),
    }
    out["verdict"] = verdict(out)
    return out


__all__ = ["AGENTS", "ANALYZER", "BASELINE", "CostConfig", "agents_chain_s", "detection",
           "percentile", "rca", "score", "times"]  # fmt: skip
