"""Sulu's change calendar: deploys and config changes, kept on disk beside the database.

A deploy outlives the process it was made to (a restart runs the same release), so the
record does too: every instance of one data directory appends to and reads the same
`changes.jsonl`. The supervisor switches a change on each instance in turn; the fleet
made one change, so an identical record written by another instance moments earlier is
not written again (`FLEET_WINDOW_S`).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiops.sim.faults import ChangeRecord

FLEET_WINDOW_S = 5.0  # the same change seen again within this: another instance's copy


class ChangeLog:
    def __init__(self, path: Path, clock: Callable[[], datetime]) -> None:
        self.path = path
        self.clock = clock

    def record(self, kind: str, summary: str, diff: dict[str, list[Any]]) -> ChangeRecord:
        """Append a change (or return the fleet's identical one made just now)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            text = fh.read()
            records = _parse(text)
            now = self.clock()
            last = records[-1] if records else None
            if (
                last is not None
                and (last.kind, last.summary, last.diff) == (kind, summary, diff)
                and (now - last.at).total_seconds() < FLEET_WINDOW_S
            ):
                return last
            change = ChangeRecord(len(records) + 1, now, kind, summary, diff)
            torn = text and not text.endswith("\n")  # end a torn last line first
            fh.write(("\n" if torn else "") + json.dumps(change.as_dict()) + "\n")
            fh.flush()
            return change

    def all(self) -> list[ChangeRecord]:
        try:
            return _parse(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []


def _parse(text: str) -> list[ChangeRecord]:
    out = []
    for line in text.splitlines():
        try:
            d = json.loads(line)
            out.append(
                ChangeRecord(
                    int(d["id"]),
                    datetime.fromisoformat(d["at"]),
                    str(d["kind"]),
                    str(d["summary"]),
                    dict(d["diff"]),
                )  # fmt: skip
            )
        except (ValueError, KeyError, TypeError):
            continue  # a torn line from a killed process: the rest still counts
    return out


__all__ = ["FLEET_WINDOW_S", "ChangeLog"]
