"""The injection log: what the demo did to sulu and when, one JSON object per line.

The report is computed from this file and the store, never from the orchestrator's
memory, so a report can be rebuilt (or audited) after the run from `DIR/injections.jsonl`
and `DIR/aiops.db` alone.

    {"at": "...", "scenario": "slow-db", "step": "inject", "fault": "slow-db", "params": {...}}

Steps: `start` (scenario begins), `inject`, `checked` (after a change reported success,
the simulator was asked whether the fault is really gone: `params.fault_active` 0 or 1),
`clear`, `end` (close-out done).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput

STEPS = ("start", "inject", "checked", "clear", "end")


@dataclass(frozen=True)
class Injection:
    at: datetime
    scenario: str
    step: str
    fault: str | None = None
    params: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "scenario": self.scenario,
            "step": self.step,
            "fault": self.fault,
            "params": self.params,
        }


class InjectionLog:
    """Append-only, flushed per line, so a crash leaves everything done so far."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def append(self, entry: Injection) -> None:
        line = json.dumps(entry.as_dict(), separators=(",", ":")) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)


def read_injections(path: Path) -> list[Injection]:
    """Parse the log; InvalidInput naming `file:line` for a bad line."""
    out: list[Injection] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw)
            step = doc["step"]
            if step not in STEPS:
                raise ValueError(f"unknown step {step!r}")
            at = datetime.fromisoformat(doc["at"])
            if at.tzinfo is None:
                raise ValueError("time without a zone")
            out.append(
                Injection(at, str(doc["scenario"]), step, doc.get("fault"), doc.get("params") or {})
            )
        except (ValueError, KeyError, TypeError) as exc:
            msg = f"{path}:{lineno}: bad injection record: {exc}"
            raise InvalidInput(
                msg, [ErrorDetail((str(path), lineno), str(exc), "invalid")]
            ) from None
    return out


__all__ = ["STEPS", "Injection", "InjectionLog", "read_injections"]
