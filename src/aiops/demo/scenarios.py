"""The demo's scenario catalogue: which fault, with which parameters, for how long.

Pure (no I/O, no clock). One scenario per fault in `aiops.sim.FAULTS`, plus `none` (a
no-fault period: any incident it raises is a false incident) and `all` (every fault,
then `none`). Durations are wall seconds; the rules run `time_scale` times faster, so a
`for: 2m` rule fires after 2 min × scale. The timeouts are the same for every fault
(one frozen configuration): a fault the baseline cannot see times out, it is not tuned.

Parameters are chosen so the fault hurts as a real one would under the demo's load
(≈ 8 requests/s, a pool of 4 connections): they do not target a rule's threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput
from aiops.sim.faults import FAULTS, check_params

NO_FAULT = "none"
ALL = "all"


@dataclass(frozen=True)
class Scenario:
    """One step of the demo: inject `fault`, wait for an incident, clear, wait for recovery."""

    name: str
    fault: str | None  # None: the no-fault period
    params: dict[str, float] = field(default_factory=dict)
    summary: str = ""

    @property
    def is_quiet(self) -> bool:
        return self.fault is None


@dataclass(frozen=True)
class Timing:
    """Wall-clock budget of each phase, in seconds (the same for every fault)."""

    # once, before the first scenario: load, scrapes, rule windows and the detectors'
    # learned normal (about 15 scrapes of 2 s) fill
    warmup_s: float = 40.0
    detect_timeout_s: float = 60.0  # inject → an incident on sulu
    recover_timeout_s: float = 45.0  # clear → the incident's alerts resolved (mitigated)
    remediate_timeout_s: float = 60.0  # detection → a change on the incident finished
    approve_delay_s: float = 5.0  # the demo's change manager approves after this long
    quiet_gap_s: float = 4.0  # between scenarios, after the close-out
    no_fault_s: float = 30.0  # length of the `none` period

    def check(self) -> None:
        bad = [
            ErrorDetail((k,), "must be a finite number >= 0", "range")
            for k, v in vars(self).items()
            if not (isinstance(v, int | float) and math.isfinite(v) and v >= 0)
        ]
        if bad:
            raise InvalidInput("bad demo timing", bad)


# Parameters per fault; faults not listed take the catalogue defaults (see sim.faults).
_PARAMS: dict[str, dict[str, float]] = {
    "slow-db": {"delay_ms": 1500},  # lock contention / a failing disk: 1.5 s per query
    "db-pool-exhaustion": {"leak": 0},  # the export job keeps the whole pool
    "memory-leak": {"rate_mb_s": 16, "max_mb": 512},  # compressed: minutes of leak in seconds
    "cpu-hog": {"duty": 0.9, "max_s": 300},  # bounded: switches itself off after 5 min
    "error-burst": {"ratio": 0.3},  # the bad release fails 30 % of API calls
    "dependency-timeout": {"hang_s": 30},
    "config-change": {"extra_latency_ms": 1500},  # cache off + full scans of the table
}

# The scripted tour of the interactive demo: short, and each one visible to the baseline.
TOUR: tuple[str, ...] = ("error-burst", "stop")


def catalogue() -> dict[str, Scenario]:
    """Every named scenario, in the order `all` runs them (`none` last)."""
    out: dict[str, Scenario] = {}
    for name, spec in FAULTS.items():
        params = check_params(name, _PARAMS.get(name, {}))
        out[name] = Scenario(name, name, params, spec.summary)
    out[NO_FAULT] = Scenario(NO_FAULT, None, {}, "no fault: any incident is a false incident")
    return out


def select(name: str) -> list[Scenario]:
    """The scenarios `--scenario NAME` runs; InvalidInput naming the known ones."""
    cat = catalogue()
    if name == ALL:
        return list(cat.values())
    if name in cat:
        return [cat[name]]
    known = ", ".join([*cat, ALL])
    raise InvalidInput(
        f"unknown scenario {name!r}; known: {known}",
        [ErrorDetail(("scenario",), f"unknown scenario {name!r}", "unknown_scenario")],
    )


def select_many(names: list[str]) -> list[Scenario]:
    """Several names (as the bench takes them), duplicates dropped, order kept."""
    seen: dict[str, Scenario] = {}
    for n in names:
        for s in select(n):
            seen.setdefault(s.name, s)
    return list(seen.values())


def describe(s: Scenario) -> dict[str, Any]:
    return {"name": s.name, "fault": s.fault, "params": dict(s.params), "summary": s.summary}


__all__ = [
    "ALL",
    "NO_FAULT",
    "TOUR",
    "Scenario",
    "Timing",
    "catalogue",
    "describe",
    "select",
    "select_many",
]
