"""The input of root-cause analysis: one `Case`, whatever it was read from.

A case holds, per configuration item (CI) and metric, the values of a *normal*
period and of the *anomalous* period around the incident, the call graph as
caller -> callee edges (optional), the symptom (optional: the SLO metric that
fired), and the optional context the incident path supplies later: recent
changes, log signals (new error templates) and known errors. Loaders build it
from files on disk; the incident path builds it from the store.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class MetricKind(StrEnum):
    """What a metric measures; it decides which direction is bad and how much it weighs."""

    latency = "latency"
    errors = "errors"
    availability = "availability"
    cpu = "cpu"
    memory = "memory"
    traffic = "traffic"
    other = "other"


# Token patterns by priority; the first kind with a matching token wins. Matched on `_`/`-`/`.`/`:` tokens.
_KIND_TOKENS: tuple[tuple[MetricKind, re.Pattern[str]], ...] = (
    (MetricKind.availability, re.compile(r"^(avail\w*|success\w*|uptime|up)$")),
    (MetricKind.errors, re.compile(r"^(err\w*|fail\w*|fault\w*|5xx|4xx|exception\w*)$")),
    (MetricKind.latency, re.compile(r"^(lat\w*|duration\w*|rt|response\w*|delay)$")),
    (MetricKind.cpu, re.compile(r"^cpu\w*$")),
    (MetricKind.memory, re.compile(r"^(mem\w*|rss|heap)$")),
    (
        MetricKind.traffic,
        re.compile(r"^(req\w*|lod|load|rps|qps|tps|throughput|count|calls|sum|hits)$"),
    ),
)


# Reserved, not used: virtual address space grows with thread stacks and mappings, so it
# says nothing about memory pressure (resident memory does).
_RESERVED = re.compile(r"^(virtual|vms|vsz|vsize)$")


def kind_of(metric: str) -> MetricKind:
    """Guess the kind of a metric from the words in its name (`carts_lat_90` -> latency)."""
    tokens = re.split(r"[_\-.:/\s]+", metric.lower())
    if any(_RESERVED.match(t) for t in tokens):
        return MetricKind.other
    for kind, pattern in _KIND_TOKENS:  # by priority: `request_errors` is errors
        if any(pattern.match(t) for t in tokens):
            return kind
    return MetricKind.other


@dataclass(frozen=True)
class Series:
    """One metric of one CI: its values in the normal period and in the anomalous period.

    `times` are the start times (unix seconds) of the anomalous points, for onset order;
    `recent` (optional) holds the points just before the onset, the local level when the
    normal period is far away in time; `samples` (optional) the number of requests
    behind each anomalous point of a ratio metric (availability, error rate), which
    bounds how finely it can move. NaN marks a missing point and is ignored.
    """

    ci: str
    metric: str
    normal: np.ndarray
    anomalous: np.ndarray
    times: np.ndarray | None = None
    kind: MetricKind = MetricKind.other
    recent: np.ndarray | None = None
    samples: np.ndarray | None = None

    @property
    def key(self) -> str:
        return f"{self.ci}/{self.metric}"


@dataclass(frozen=True)
class Symptom:
    """What the incident is about: the CI and metric that breached, and when (unix seconds)."""

    ci: str
    metric: str | None = None
    at: float | None = None

    @property
    def kind(self) -> MetricKind | None:
        return kind_of(self.metric) if self.metric else None


@dataclass(frozen=True)
class Change:
    """A recent change on a CI (deploy, config change), from the CMDB or a webhook."""

    ci: str
    at: float
    summary: str = ""


@dataclass(frozen=True)
class LogSignal:
    """A log signal on a CI: typically a template never seen before, or an error burst."""

    ci: str
    template: str
    at: float | None = None
    new: bool = True
    count: int = 1


@dataclass(frozen=True)
class KnownError:
    """A known error: matches a candidate when `pattern` occurs in one of its log templates."""

    id: str
    title: str
    pattern: str
    ci: str | None = None

    def matches(self, ci: str, templates: list[str]) -> bool:
        if self.ci is not None and self.ci != ci:
            return False
        needle = self.pattern.lower()
        return any(needle in t.lower() for t in templates)


@dataclass
class Case:
    """Everything RCA looks at for one incident. `warnings` records documented degradations."""

    series: list[Series]
    edges: list[tuple[str, str]] = field(default_factory=list)  # (caller, callee)
    nodes: list[str] = field(default_factory=list)  # graph nodes, metrics or not
    symptom: Symptom | None = None
    changes: list[Change] = field(default_factory=list)
    logs: list[LogSignal] = field(default_factory=list)
    known_errors: list[KnownError] = field(default_factory=list)
    name: str = ""
    warnings: list[str] = field(default_factory=list)

    def cis(self) -> list[str]:
        """Every CI the case knows, in first-seen order (graph nodes, then metric owners)."""
        seen: dict[str, None] = dict.fromkeys(self.nodes)
        for s in self.series:
            seen.setdefault(s.ci)
        for extra in (self.changes, self.logs):
            for item in extra:
                seen.setdefault(item.ci)
        if self.symptom is not None:
            seen.setdefault(self.symptom.ci)
        return list(seen)

    @property
    def onset(self) -> float | None:
        """The symptom time, when known."""
        if self.symptom is None or self.symptom.at is None or math.isnan(self.symptom.at):
            return None
        return self.symptom.at


__all__ = [
    "Case",
    "Change",
    "KnownError",
    "LogSignal",
    "MetricKind",
    "Series",
    "Symptom",
    "kind_of",
]
