"""The fault catalogue and the board of active faults (pure: no I/O, no clock).

Every fault sulu can suffer is declared here once, with its parameters, their defaults
and bounds, so the control API, the supervisor and `aiops sim fault` validate the same
way and a bad request gets a reason (`params.delay_ms: must be <= 5000`), not a crash.
Bounds exist so a fault can hurt the service but never the machine: the CPU hog stops
on its own after `max_s`, the memory leak stops growing at `max_mb`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput, NotFound, Unparsable


@dataclass(frozen=True)
class Param:
    """One numeric fault parameter: default and inclusive bounds."""

    default: float
    low: float
    high: float
    doc: str


@dataclass(frozen=True)
class FaultSpec:
    """A fault. `durable`: it lives outside the sulu process (the disk, the database, the
    deployed release, the config, the external API), so restarting sulu does not clear it;
    the supervisor puts it back on every instance it starts. Only the right fix does."""

    name: str
    summary: str
    params: dict[str, Param] = field(default_factory=dict)
    durable: bool = False


FAULTS: dict[str, FaultSpec] = {
    f.name: f
    for f in (
        FaultSpec(
            "stop",
            "service stopped (night-time mis-operation); the supervisor starts it again",
        ),
        FaultSpec(
            "slow-db",
            "every database query takes longer (lock contention on the database file)",
            {"delay_ms": Param(400, 1, 5000, "extra time per query")},
            durable=True,
        ),
        FaultSpec(
            "db-pool-exhaustion",
            "a background job leaks pool connections until requests time out waiting",
            {"leak": Param(0, 0, 64, "connections to leak; 0 = the whole pool")},
        ),
        FaultSpec(
            "memory-leak",
            "a session store grows without bound (capped at max_mb)",
            {
                "rate_mb_s": Param(4, 0.1, 32, "growth per second"),
                "max_mb": Param(256, 1, 1024, "growth stops here"),
            },
        ),
        FaultSpec(
            "cpu-hog",
            "a runaway indexer thread spins (one thread: at most one core)",
            {
                "duty": Param(0.8, 0.05, 1.0, "fraction of each 100 ms slice spent spinning"),
                "max_s": Param(600, 1, 3600, "switches itself off after this long"),
            },
        ),
        FaultSpec(
            "error-burst",
            "a bad deploy: a share of API requests fail with HTTP 500",
            {"ratio": Param(0.5, 0.01, 1.0, "share of API requests that fail")},
            durable=True,
        ),
        FaultSpec(
            "dependency-timeout",
            "the external API hangs; calls to it time out",
            {"hang_s": Param(30, 0.1, 120, "how long the external API holds each call")},
            durable=True,
        ),
        FaultSpec("disk-full", "log and database writes fail with ENOSPC", durable=True),
        FaultSpec(
            "config-change",
            "a recorded config change disables the cache and makes queries scan",
            {"extra_latency_ms": Param(250, 1, 5000, "cost of a table scan per query")},
            durable=True,
        ),
    )
}


def spec_of(name: str) -> FaultSpec:
    """The spec of `name`, or NotFound listing the known faults."""
    try:
        return FAULTS[name]
    except KeyError:
        known = ", ".join(FAULTS)
        raise NotFound(
            f"unknown fault {name!r}; known faults: {known}",
            [ErrorDetail(("path", "name"), f"unknown fault {name!r}", "unknown_fault")],
        ) from None


def check_params(name: str, params: Any) -> dict[str, float]:
    """Validate `params` for fault `name`; return them merged over the defaults.

    Unknown keys, non-numbers, NaN and out-of-bounds values are all reported at once.
    """
    spec = spec_of(name)
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise InvalidInput(
            "params must be an object",
            [ErrorDetail(("body", "params"), "must be an object", "type_error")],
        )
    errors: list[ErrorDetail] = []
    out = {k: p.default for k, p in spec.params.items()}
    for key, value in params.items():
        loc = ("body", "params", str(key))
        p = spec.params.get(key)
        if p is None:
            allowed = ", ".join(spec.params) or "none"
            errors.append(ErrorDetail(loc, f"unknown parameter (allowed: {allowed})", "extra"))
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errors.append(ErrorDetail(loc, "must be a number", "type_error"))
        elif value != value or not p.low <= value <= p.high:
            errors.append(ErrorDetail(loc, f"must be between {p.low:g} and {p.high:g}", "range"))
        else:
            out[key] = float(value)
    if errors:
        raise InvalidInput(f"bad parameters for fault {name!r}", errors)
    return out


def parse_switch(name: str, body: bytes) -> tuple[bool, dict[str, float]]:
    """Parse a control request body `{"on": bool, "params": {...}}` for fault `name`."""
    on, params, _ = parse_switch_request(name, body)
    return on, params


def parse_switch_request(name: str, body: bytes) -> tuple[bool, dict[str, float], bool]:
    """`{"on": bool, "params": {...}, "restore": bool}` → (on, params, restore).

    `restore` (sulu's own control API only): put a durable fault back on an instance that
    just started, as the state it inherits (no new deploy, no change record)."""
    spec_of(name)
    try:
        doc = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unparsable(
            f"body is not JSON: {exc}", [ErrorDetail(("body",), str(exc), "json_invalid")]
        ) from None
    if not isinstance(doc, dict):
        raise InvalidInput(
            "body must be a JSON object",
            [ErrorDetail(("body",), "must be an object", "type_error")],
        )
    extra = sorted(set(doc) - {"on", "params", "restore"})
    if extra:
        raise InvalidInput(
            "unknown keys in body",
            [
                ErrorDetail(("body", k), "unknown key (allowed: on, params, restore)", "extra")
                for k in extra
            ],
        )
    on = doc.get("on")
    if not isinstance(on, bool):
        raise InvalidInput(
            "'on' must be true or false",
            [ErrorDetail(("body", "on"), "must be a boolean", "type_error")],
        )
    restore = doc.get("restore", False)
    if not isinstance(restore, bool) or (restore and not (on and FAULTS[name].durable)):
        raise InvalidInput(
            "'restore' must be a boolean, and only restores a durable fault switched on",
            [ErrorDetail(("body", "restore"), "restores a durable fault only", "invalid")],
        )
    return on, check_params(name, doc.get("params")), restore


def parse_breaker(body: bytes) -> bool:
    """`{"open": bool}` → open; InvalidInput / Unparsable naming the field otherwise."""
    try:
        doc = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unparsable(
            f"body is not JSON: {exc}", [ErrorDetail(("body",), str(exc), "json_invalid")]
        ) from None
    if not isinstance(doc, dict) or set(doc) != {"open"} or not isinstance(doc["open"], bool):
        raise InvalidInput(
            'body must be {"open": true|false}',
            [ErrorDetail(("body", "open"), "must be a boolean, the only key", "type_error")],
        )
    return bool(doc["open"])


@dataclass
class ActiveFault:
    name: str
    since: datetime
    params: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "since": self.since.isoformat(), "params": self.params}


@dataclass
class FaultBoard:
    """Which faults are on, since when, with which parameters."""

    active: dict[str, ActiveFault] = field(default_factory=dict)

    def switch(self, name: str, on: bool, params: dict[str, float], *, now: datetime) -> bool:
        """Set fault `name`; return True if its state changed (off->on or on->off)."""
        spec_of(name)
        was = name in self.active
        if on:
            self.active[name] = ActiveFault(name, self.active[name].since if was else now, params)
        else:
            self.active.pop(name, None)
        return was != on

    def is_on(self, name: str) -> bool:
        return name in self.active

    def param(self, name: str, key: str) -> float:
        """The parameter of an active fault, or its default when the fault is off."""
        fault = self.active.get(name)
        if fault is not None and key in fault.params:
            return fault.params[key]
        return FAULTS[name].params[key].default

    def as_dict(self) -> dict[str, Any]:
        return {
            "active": [f.as_dict() for f in self.active.values()],
            "known": {
                n: {
                    "summary": s.summary,
                    "params": {k: p.default for k, p in s.params.items()},
                }
                for n, s in FAULTS.items()
            },
        }


@dataclass(frozen=True)
class ChangeRecord:
    """A change to the running service (deploy or config), as a change calendar keeps it."""

    id: int
    at: datetime
    kind: str  # "deploy" | "config"
    summary: str
    diff: dict[str, list[Any]]  # key -> [old, new]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "summary": self.summary,
            "diff": self.diff,
        }


__all__ = [
    "FAULTS",
    "ActiveFault",
    "ChangeRecord",
    "FaultBoard",
    "FaultSpec",
    "Param",
    "check_params",
    "parse_breaker",
    "parse_switch",
    "parse_switch_request",
    "spec_of",
]
