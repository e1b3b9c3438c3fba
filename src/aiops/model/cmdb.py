"""The CMDB as a service manager writes it in `cmdb.yaml`: services, CIs, relations.

Pure pydantic with `extra="forbid"`, so a misspelt key fails with its line. Checks
that need the whole document (a relation naming an unknown CI, duplicate names) live
in `aiops.cmdb.loader`, which reports them with the same `file:line: path: msg` shape.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiops.model.duration import DurationS

# Names appear in URLs, DOT/Mermaid graphs and label values: keep them plain.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$"
PRIORITY_KEYS = ("P1", "P2", "P3", "P4", "P5")


class Criticality(StrEnum):
    """How much the business suffers when the service is down; drives ITIL impact."""

    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class RelationType(StrEnum):
    """`source <type> target`: `app depends_on db`, `app runs_on host`, `web connects_to lb`."""

    depends_on = "depends_on"  # source needs target to work
    runs_on = "runs_on"  # source is hosted by target (VM, node, container host)
    connects_to = "connects_to"  # a network path; no stronger claim


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {"weekdays": "mon-fri", "weekends": "sat-sun", "daily": "mon-sun"}
_HOURS = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")


class ServiceWindow(BaseModel):
    """When the service is supported: `24x7`, `weekdays 10-19`, `mon-sat 08:30-20:00 Asia/Tokyo`.

    Written as a string or a mapping (`days`, `start`, `end`, `timezone`). `end` is
    exclusive; `end` <= `start` means the window runs past midnight.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # 0 = Monday, as datetime.weekday()
    start: time = time(0, 0)
    end: time = time(0, 0)  # equal to start: the whole day
    timezone: str = "UTC"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return _parse_window(value) if isinstance(value, str) else value

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _parse_days(value)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return sorted({d for v in value for d in _parse_days(v)})
        return value

    @field_validator("days")
    @classmethod
    def _days_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(d < 0 or d > 6 for d in value):
            raise ValueError("days must be weekdays 0 (Monday) .. 6 (Sunday), at least one")
        return tuple(sorted(set(value)))

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use e.g. UTC, Asia/Tokyo)") from None
        return value

    @property
    def always(self) -> bool:
        return len(self.days) == 7 and self.start == self.end

    def contains(self, at: datetime) -> bool:
        """Is the (timezone-aware) instant `at` inside the window?"""
        if self.always:
            return True
        local = at.astimezone(ZoneInfo(self.timezone))
        t = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return local.weekday() in self.days and self.start <= t < self.end
        # Past midnight (or whole day when equal): the early part belongs to yesterday's window.
        if t >= self.start:
            return local.weekday() in self.days
        return (local.weekday() - 1) % 7 in self.days and t < self.end

    def __str__(self) -> str:
        if self.always:
            return "24x7"
        days = ",".join(_DAYS[d] for d in self.days)
        text = f"{days} {self.start:%H:%M}-{self.end:%H:%M}"
        return text if self.timezone == "UTC" else f"{text} {self.timezone}"


def _parse_days(text: str) -> list[int]:
    out: set[int] = set()
    for part in _DAY_ALIASES.get(text.lower(), text.lower()).split(","):
        lo, _, hi = part.strip().partition("-")
        if lo not in _DAYS or (hi and hi not in _DAYS):
            raise ValueError(f"unknown day {part.strip()!r} (use mon..sun, weekdays, weekends)")
        a, b = _DAYS.index(lo), _DAYS.index(hi or lo)
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return sorted(out)


def _parse_window(text: str) -> dict[str, Any]:
    words = text.split()
    if [w.lower() for w in words[:1]] == ["24x7"]:
        if len(words) > 1:
            raise ValueError(f"unexpected {' '.join(words[1:])!r} after 24x7")
        return {}
    if len(words) not in (2, 3):
        raise ValueError(f"service window {text!r}: expected '24x7' or 'DAYS HH-HH [ZONE]'")
    m = _HOURS.match(words[1])
    if m is None:
        raise ValueError(f"service window {text!r}: hours must look like 10-19 or 08:30-17:00")
    h1, m1, h2, m2 = (int(g) if g else 0 for g in m.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
        raise ValueError(f"service window {text!r}: hour or minute out of range")
    out: dict[str, Any] = {
        "days": _parse_days(words[0]),
        "start": time(h1 % 24, m1),
        "end": time(h2 % 24, m2),
    }
    if len(words) == 3:
        out["timezone"] = words[2]
    return out


class SlaTarget(BaseModel):
    """Targets for one priority: time to first response and to restore service."""

    model_config = ConfigDict(extra="forbid")

    response_s: DurationS | None = None
    resolve_s: DurationS | None = None


def _check_priority_keys(value: dict[str, SlaTarget]) -> dict[str, SlaTarget]:
    bad = sorted(k for k in value if k not in PRIORITY_KEYS)
    if bad:
        raise ValueError(f"unknown priority {bad[0]!r} (use {', '.join(PRIORITY_KEYS)})")
    return value


class Service(BaseModel):
    """A service as the business sees it, with its owner and agreed targets."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    owner: str | None = None
    criticality: Criticality = Criticality.medium
    service_window: ServiceWindow = Field(default_factory=ServiceWindow)
    sla: dict[str, SlaTarget] = Field(default_factory=dict)  # keyed P1..P5
    ola: dict[str, SlaTarget] = Field(default_factory=dict)  # internal team targets

    _keys_sla = field_validator("sla", "ola")(_check_priority_keys)


AttributeValue = str | int | float | bool | None


class ConfigurationItem(BaseModel):
    """A CI: something that can break (host, database, app, external API, ...)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    type: str = Field(pattern=r"^[a-z][a-z0-9_]*$")  # web, app, database, cache, host, ...
    service: str | None = None
    owner: str | None = None
    description: str = ""
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)


class Relation(BaseModel):
    """A directed edge `source <type> target` between two CIs."""

    model_config = ConfigDict(extra="forbid")

    source: str
    type: RelationType
    target: str


class Cmdb(BaseModel):
    """The whole `cmdb.yaml`. An empty file is a valid, empty CMDB."""

    model_config = ConfigDict(extra="forbid")

    services: list[Service] = Field(default_factory=list)
    cis: list[ConfigurationItem] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)

    def ci(self, name: str) -> ConfigurationItem | None:
        return next((c for c in self.cis if c.name == name), None)


__all__ = [
    "Cmdb",
    "ConfigurationItem",
    "Criticality",
    "PRIORITY_KEYS",
    "Relation",
    "RelationType",
    "Service",
    "ServiceWindow",
    "SlaTarget",
]
