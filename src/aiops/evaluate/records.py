"""Raw records: one per scenario variant, everything the scores need and nothing derived.

Pure. `build_records` joins what the driver read from the store (the demo report's
per-scenario rows, computed from the store + DIR/injections.jsonl; each incident's row
with its stored diagnosis; each incident's decision-log entries) with the operator
delays drawn for the run. They are written to DIR/raw_records.json; `scores.score` on
that file gives the report's numbers again (tests/evaluate recomputes them).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput

DECISION_KEYS = ("agent", "kind", "backend", "model", "tokens_in", "tokens_out", "calls",
                 "cost_usd", "latency_ms", "verdict", "created_at")  # fmt: skip
INCIDENT_KEYS = ("id", "opened_at", "acknowledged_at", "mitigated_at", "resolved_at")


def incident_record(inc: Mapping[str, Any], opened_at: str | None = None) -> dict[str, Any]:
    """The incident's timestamps and its diagnosis as a ranked list of CIs.

    `opened_at`: when it opened in this variant (its timeline's `opened` entry). The
    row's own `opened_at` is kept as `first_seen_at`: an incident opened by a re-fired
    alert takes that alert's first sighting, which may be variants ago.
    """
    diag = inc.get("diagnosis")
    raw = diag.get("candidates") if isinstance(diag, dict) else None
    cands = [c.get("ci") for c in raw if isinstance(c, dict)] if isinstance(raw, list) else []
    out = {**{k: inc.get(k) for k in INCIDENT_KEYS}, "candidates": cands}
    out["first_seen_at"] = inc.get("opened_at")
    out["opened_at"] = opened_at or inc.get("opened_at")
    return out


def build_records(
    scenarios: Sequence[Mapping[str, Any]],
    incidents: Mapping[str, Mapping[str, Any]],
    decisions: Mapping[str, Sequence[Mapping[str, Any]]],
    truth: Mapping[str, str],
    delays: Sequence[Mapping[str, float]],
    also: Mapping[str, Any] | None = None,
    outside_window: Collection[str] = (),
) -> list[dict[str, Any]]:
    """One record per demo scenario row (`aiops.demo.report.ScenarioResult` as a dict);
    `also`: variant name -> (second fault, params) for overlapping variants;
    `outside_window`: the variants injected outside the service's window."""
    if len(delays) < len(scenarios):
        raise InvalidInput(f"{len(delays)} operator draws for {len(scenarios)} variants")
    out = []
    for row, people in zip(scenarios, delays, strict=False):
        ids = list(row.get("incidents") or [])
        inc_id = row.get("incident_id")
        inc = incidents.get(inc_id) if inc_id else None
        fault = row.get("fault")
        analyzers = {
            name: {k: a.get(k) for k in ("detected", "first_alert_at", "first_alert", "mttd_s",
                                         "false_incidents") if k in a}
            for name, a in (row.get("by_analyzer") or {}).items()
        }  # fmt: skip
        ch = row.get("change")
        made = row.get("changes") or ([ch] if ch else [])
        out.append({
            "variant": row["scenario"], "fault": fault, "params": row.get("params") or {},
            "also": _also((also or {}).get(row["scenario"])),
            "outside_window": row["scenario"] in set(outside_window),
            "injected_at": row.get("injected_at"), "cleared_at": row.get("cleared_at"),
            "incident_ids": ids,
            "incident": incident_record(inc, row.get("incident_opened_at")) if inc is not None
            else None,
            "expected_ci": truth.get(fault) if fault else None,
            "analyzers": analyzers,
            "false_incidents": int(row.get("false_incidents") or 0),
            "change": change_record(ch) if ch else None,
            "changes": [change_record(c) for c in made],
            # the simulator's fault board after a change held (None: not asked)
            "fix_confirmed": row.get("fix_confirmed"),
            "decisions": [_decision(d) for i in ids for d in decisions.get(i, [])],
            "operator": dict(people),
        })  # fmt: skip
    return out


# Why a change waited, besides shadow mode's own hold ("autonomy is approve: ...").
_SHADOW_HOLD = "autonomy is "


def change_record(ch: Mapping[str, Any]) -> dict[str, Any]:
    """A change's timing, and whether it would wait for a person outside shadow mode: a
    normal or emergency change, or a standard one a policy sends to approval."""
    out = {k: ch.get(k) for k in ("id", "runbook", "type", "state", "created_at",
                                  "started_at", "ended_at")}  # fmt: skip
    reasons = [str(r) for r in ch.get("reasons") or []]
    policy = [r for r in reasons if not r.startswith(_SHADOW_HOLD) and not r.endswith("runs now")]
    out["needs_approval"] = ch.get("type") not in (None, "standard") or bool(policy)
    return out


def _decision(d: Mapping[str, Any]) -> dict[str, Any]:
    """The decision's cost and timing; a person's decision keeps what was decided too."""
    out = {k: d.get(k) for k in DECISION_KEYS}
    if d.get("backend") == "human":
        out["decided"] = d.get("summary")
    return out


def _also(pair: Any) -> dict[str, Any] | None:
    return {"fault": pair[0], "params": dict(pair[1])} if pair else None


def write_records(
    records: Sequence[Mapping[str, Any]], meta: Mapping[str, Any], path: Path
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"meta": dict(meta), "records": list(records)}
    path.write_text(json.dumps(doc, indent=1, default=str) + "\n", encoding="utf-8")
    return path


def read_records(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(meta, records) from raw_records.json; InvalidInput naming the file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        meta, records = doc["meta"], doc["records"]
        if not isinstance(meta, dict) or not isinstance(records, list):
            raise TypeError("meta must be an object and records a list")
        for i, r in enumerate(records):
            if not isinstance(r, dict) or "analyzers" not in r or "variant" not in r:
                raise TypeError(f"records[{i}] lacks variant/analyzers")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"{path}: bad raw records: {exc}",
                           [ErrorDetail((str(path),), str(exc), "invalid")]) from None  # fmt: skip
    return meta, records


__all__ = ["build_records", "change_record", "incident_record", "read_records", "write_records"]
