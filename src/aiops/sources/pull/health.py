"""How each pull source is doing: a health record for pages and the CLI, and metrics.

A source never crashes on bad targets or bad data; it records the failure here, by
reason, so a service manager can see "sulu-metrics: down, timeout, 4 in a row"
instead of a silent gap. Metrics live on a `CollectorRegistry` passed in (default the
global one) so tests can read their own.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge


class ErrorReason(StrEnum):
    """Why a poll failed; the `reason` label of aiops_source_errors_total."""

    timeout = "timeout"
    connect = "connect"  # refused, unreachable, DNS: the target vanished
    http_status = "http_status"
    parse = "parse"  # garbage exposition text / JSON
    too_large = "too_large"
    api_error = "api_error"  # the API answered with an error document
    throttled = "throttled"
    auth = "auth"
    io = "io"  # local file errors
    missing = "missing"  # the tailed file is not there
    state = "state"  # the tail position file was unreadable
    internal = "internal"  # a bug in an adapter, caught by the scheduler


@dataclass
class SourceHealth:
    """The last known state of one source, as `aiops sources` and the dashboard show it."""

    name: str
    type: str
    up: bool | None = None  # None: never polled
    last_poll: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_reason: ErrorReason | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    errors_total: int = 0
    items_total: int = 0
    lines_cut: int = 0
    bytes_skipped: int = 0


class SourceMetrics:
    """The aiops_source_* families on one registry; get one with `metrics_for(registry)`."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.up = Gauge(
            "aiops_source_up",
            "1 if the last poll of the source succeeded.",
            ["source"],
            registry=registry,
        )
        self.errors = Counter(
            "aiops_source_errors_total",
            "Failed polls by reason.",
            ["source", "reason"],
            registry=registry,
        )
        self.items = Counter(
            "aiops_source_items_total",
            "Samples and events produced.",
            ["source"],
            registry=registry,
        )
        self.consecutive_failures = Gauge(
            "aiops_source_consecutive_failures",
            "Failed polls since the last success.",
            ["source"],
            registry=registry,
        )
        self.last_success = Gauge(
            "aiops_source_last_success_timestamp_seconds",
            "Unix time of the last good poll.",
            ["source"],
            registry=registry,
        )
        self.lines_truncated = Counter(
            "aiops_tail_lines_truncated_total",
            "Log lines cut at max_line_bytes.",
            ["source"],
            registry=registry,
        )
        self.bytes_skipped = Counter(
            "aiops_tail_bytes_skipped_total",
            "Log bytes dropped: binary junk and the cut tails of huge lines.",
            ["source"],
            registry=registry,
        )


_BY_REGISTRY: weakref.WeakKeyDictionary[CollectorRegistry, SourceMetrics] = (
    weakref.WeakKeyDictionary()
)


def metrics_for(registry: CollectorRegistry | None = None) -> SourceMetrics:
    """One SourceMetrics per registry: every source shares the families, by `source` label."""
    reg = REGISTRY if registry is None else registry
    found = _BY_REGISTRY.get(reg)
    if found is None:
        found = _BY_REGISTRY[reg] = SourceMetrics(reg)
    return found


class HealthTracker:
    """Updates one source's `SourceHealth` and its metric children together."""

    def __init__(self, name: str, type_: str, metrics: SourceMetrics) -> None:
        self.health = SourceHealth(name=name, type=type_)
        self._m = metrics
        self._name = name
        metrics.up.labels(source=name)  # the series exists (as 0) before the first poll
        metrics.consecutive_failures.labels(source=name)

    def success(self, now: datetime, items: int) -> None:
        h = self.health
        h.up, h.last_poll, h.last_success = True, now, now
        h.consecutive_failures = 0
        h.items_total += items
        self._m.up.labels(source=self._name).set(1)
        self._m.consecutive_failures.labels(source=self._name).set(0)
        self._m.last_success.labels(source=self._name).set(now.timestamp())
        self._m.items.labels(source=self._name).inc(items)

    def failure(self, now: datetime, reason: ErrorReason, message: str, items: int = 0) -> None:
        h = self.health
        h.up, h.last_poll = False, now
        h.last_error, h.last_error_reason, h.last_error_at = message, reason, now
        h.consecutive_failures += 1
        h.errors_total += 1
        h.items_total += items
        self._m.up.labels(source=self._name).set(0)
        self._m.consecutive_failures.labels(source=self._name).set(h.consecutive_failures)
        self._m.errors.labels(source=self._name, reason=reason.value).inc()
        if items:
            self._m.items.labels(source=self._name).inc(items)

    def note_error(self, now: datetime, reason: ErrorReason, message: str) -> None:
        """Count a problem that did not stop the poll (e.g. an unreadable state file)."""
        h = self.health
        h.last_error, h.last_error_reason, h.last_error_at = message, reason, now
        h.errors_total += 1
        self._m.errors.labels(source=self._name, reason=reason.value).inc()

    def lines_cut(self, n: int) -> None:
        if n:
            self.health.lines_cut += n
            self._m.lines_truncated.labels(source=self._name).inc(n)

    def bytes_skipped(self, n: int) -> None:
        if n:
            self.health.bytes_skipped += n
            self._m.bytes_skipped.labels(source=self._name).inc(n)
