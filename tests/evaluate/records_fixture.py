"""Synthetic raw records (the shape `aiops.evaluate.records.build_records` writes)."""

from __future__ import annotations

from typing import Any

T0 = "2026-01-01T00:00:00+00:00"


def at(s: float) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(T0) + timedelta(seconds=s)).isoformat()


def fault(name: str, *, rules: float | None, detectors: float | None, fixed: bool = True,
          cands: list[str] | None = None, expected: str = "sulu-app",
          decisions: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    """A fault variant injected at T0; `rules`/`detectors` = MTTD wall s or None (missed)."""
    first = min(x for x in (rules, detectors, 1e9) if x is not None)
    detected = rules is not None or detectors is not None
    return {
        "variant": name, "fault": name.split(".")[0], "params": {},
        "injected_at": T0, "cleared_at": at(100),
        "incident_ids": ["INC-" + name] if detected else [],
        "incident": {"id": "INC-" + name, "opened_at": at(first), "candidates": cands or []}
        if detected else None,
        "expected_ci": expected,
        "analyzers": {
            "rules": {"detected": rules is not None, "mttd_s": rules},
            "detectors": {"detected": detectors is not None, "mttd_s": detectors},
        },
        "false_incidents": 0,
        "change": {"state": "succeeded" if fixed else "failed", "started_at": at(first + 10),
                   "ended_at": at(first + 20)} if detected else None,
        "decisions": decisions or [],
        "operator": {"ack_s": 300.0, "investigate_s": 1200.0, "act_s": 300.0},
    }  # fmt: skip


def quiet(name: str, *, rules: int = 0, detectors: int = 0) -> dict[str, Any]:
    return {
        "variant": name, "fault": None, "params": {}, "injected_at": None, "cleared_at": None,
        "incident_ids": [f"INC-{name}-{i}" for i in range(max(rules, detectors))],
        "incident": None, "expected_ci": None,
        "analyzers": {"rules": {"false_incidents": rules},
                      "detectors": {"false_incidents": detectors}},
        "false_incidents": max(rules, detectors), "change": None, "decisions": [],
        "operator": {"ack_s": 300.0, "investigate_s": 1200.0, "act_s": 300.0},
    }  # fmt: skip


def sample() -> list[dict[str, Any]]:
    llm = {"backend": "openai_compat", "tokens_in": 1_000_000, "tokens_out": 0, "calls": 2,
           "cost_usd": 0.0, "created_at": at(6)}  # fmt: skip
    return [
        fault(
            "slow-db.1",
            rules=10,
            detectors=4,
            cands=["sulu-db", "sulu-app"],
            expected="sulu-db",
            decisions=[llm],
        ),
        fault("cpu-hog.1", rules=None, detectors=6, cands=["sulu-host", "sulu-x", "sulu-app"]),
        fault("stop.1", rules=2, detectors=None),
        fault("error-burst.1", rules=8, detectors=8, fixed=False, cands=["sulu-app"]),
        quiet("none.1", rules=1),
        quiet("none.2", detectors=1),
    ]
