"""The people of the baseline procedure, modelled by three delays: acknowledge,
investigate, act (real-world seconds, drawn per incident from a seeded distribution).

Pure (no I/O, no clock). The defaults are ASSUMPTIONS, not measurements: a log-normal
per phase (right-skewed, as response times are), with medians chosen to sit inside the
ranges incident-response write-ups commonly quote for a paged on-call engineer
(acknowledge within minutes; tens of minutes to find the cause; minutes to run a
known runbook). We could not pin them to one citable table, so every figure is
configurable (`OperatorModel`) and can be replaced by recorded real timings
(`load_timings`: a CSV with columns ack_s, investigate_s, act_s).
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aiops.errors import ErrorDetail, InvalidInput

PHASES = ("ack_s", "investigate_s", "act_s")


@dataclass(frozen=True)
class Phase:
    """A log-normal delay: `median_s` and the spread `sigma` of its logarithm."""

    median_s: float
    sigma: float

    def draw(self, rng: random.Random) -> float:
        return self.median_s * math.exp(rng.gauss(0.0, self.sigma))


@dataclass(frozen=True)
class OperatorModel:
    """Delays of the people (defaults are assumptions, see the module docstring)."""

    ack: Phase = field(default_factory=lambda: Phase(300.0, 0.6))  # ~5 min to acknowledge
    investigate: Phase = field(default_factory=lambda: Phase(1200.0, 0.7))  # ~20 min to diagnose
    act: Phase = field(default_factory=lambda: Phase(300.0, 0.5))  # ~5 min to start the fix
    source: str = "assumption: log-normal medians 5/20/5 min (configurable)"
    recorded: tuple[dict[str, float], ...] = ()  # real timings; replaces the distributions

    def check(self) -> None:
        bad = [
            ErrorDetail((name,), "median_s must be > 0 and sigma >= 0, both finite", "range")
            for name, p in (("ack", self.ack), ("investigate", self.investigate), ("act", self.act))
            if not (math.isfinite(p.median_s) and math.isfinite(p.sigma))
            or p.median_s <= 0 or p.sigma < 0
        ]  # fmt: skip
        if bad:
            raise InvalidInput("bad operator model", bad)


def draw_delays(model: OperatorModel, n: int, seed: int) -> list[dict[str, float]]:
    """`n` incidents' delays; recorded timings are sampled with replacement when given."""
    model.check()
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if model.recorded:
            out.append(dict(rng.choice(model.recorded)))
        else:
            out.append({"ack_s": round(model.ack.draw(rng), 1),
                        "investigate_s": round(model.investigate.draw(rng), 1),
                        "act_s": round(model.act.draw(rng), 1)})  # fmt: skip
    return out


def load_timings(path: Path) -> OperatorModel:
    """An OperatorModel replaying recorded real timings; InvalidInput naming file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc}") from None
    rows = list(csv.DictReader(text.splitlines()))
    missing = [c for c in PHASES if rows and c not in (rows[0] or {})] or ([] if rows else ["rows"])
    if missing:
        msg = f"{path}:1: needs columns {', '.join(PHASES)} and at least one row"
        raise InvalidInput(msg, [ErrorDetail((str(path), 1), msg, "missing")])
    out: list[dict[str, float]] = []
    for lineno, row in enumerate(rows, start=2):
        try:
            values = {c: float(row[c]) for c in PHASES}
        except (TypeError, ValueError):
            values = {}
        if len(values) != 3 or any(not math.isfinite(v) or v < 0 for v in values.values()):
            msg = f"{path}:{lineno}: {', '.join(PHASES)} must be finite numbers >= 0"
            raise InvalidInput(msg, [ErrorDetail((str(path), lineno), msg, "invalid")])
        out.append(values)
    return OperatorModel(source=f"recorded timings: {path.name} ({len(out)} rows)",
                         recorded=tuple(out))  # fmt: skip


def total_s(delays: dict[str, float], phases: Sequence[str] = PHASES) -> float:
    return sum(float(delays.get(p, 0.0)) for p in phases)


__all__ = ["PHASES", "OperatorModel", "Phase", "draw_delays", "load_timings", "total_s"]
