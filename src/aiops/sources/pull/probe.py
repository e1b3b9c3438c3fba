"""`type: http_probe`: GET a health URL; each result is an `Event(kind=health)`.

A failing target is data, not a source failure: the event says `fail` (status
`firing`) with why and how long it took, and the source stays up. Beside the event,
blackbox-exporter style samples (`probe_success`, `probe_duration_seconds`) let a page
chart the probe.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Literal

import httpx
from prometheus_client import CollectorRegistry
from pydantic import Field, field_validator

from aiops.model import EventKind, EventStatus, Sample, Severity
from aiops.normalize import fingerprint, make_event
from aiops.sources.pull.base import HttpSourceConfig, Item, PullSource, SourceContext
from aiops.sources.pull.http import FetchError, fetch, make_client


class ProbeConfig(HttpSourceConfig):
    """`type: http_probe`: healthy when the status is expected and the body contains text."""

    type: Literal["http_probe"] = "http_probe"
    url: str = Field(pattern=r"^https?://")
    expect_status: list[int] = Field(default_factory=lambda: list(range(200, 400)))
    expect_body: str | None = None  # a substring the body must contain
    max_bytes: int = Field(default=64 * 1024, gt=0)

    @field_validator("expect_status")
    @classmethod
    def _statuses(cls, value: list[int]) -> list[int]:
        if not value or any(not 100 <= v <= 599 for v in value):
            raise ValueError("expect_status must list HTTP status codes (100-599)")
        return value


class HttpProbeSource(PullSource):
    type_name = "http_probe"
    config_model = ProbeConfig
    config: ProbeConfig

    def __init__(
        self,
        config: ProbeConfig,
        *,
        registry: CollectorRegistry | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(config, registry=registry)
        self._client = make_client(config.timeout, config.headers, transport)
        self._seq = 0

    @classmethod
    def seams(cls, context: SourceContext) -> dict[str, Any]:
        return {"transport": context.transport}

    async def poll(self, now: datetime) -> list[Item]:
        started = time.perf_counter()
        status: int | None = None
        try:
            got = await fetch(
                self._client, self.config.url, max_bytes=self.config.max_bytes, check_status=False
            )
            status = got.status
            error = self._verdict(got.status, got.body)
        except FetchError as exc:
            error = f"{exc.reason.value}: {exc}"
        latency_s = time.perf_counter() - started
        self._tracker.success(now, 3)
        return self._items(now, error, status, latency_s)

    def _verdict(self, status: int, body: bytes) -> str | None:
        if status not in self.config.expect_status:
            return f"unexpected HTTP {status}"
        if self.config.expect_body and self.config.expect_body not in body.decode(
            "utf-8", "replace"
        ):
            return f"body lacks {self.config.expect_body!r}"
        return None

    def _items(
        self, now: datetime, error: str | None, status: int | None, latency_s: float
    ) -> list[Item]:
        ok = error is None
        self._seq += 1
        latency_ms = round(latency_s * 1000, 1)
        summary = (
            f"{self.name}: ok, HTTP {status} in {latency_ms:g} ms"
            if ok
            else f"{self.name}: failed after {latency_ms:g} ms: {error}"
        )
        fp = fingerprint(self.name, "health", self.config.url)
        event = make_event(
            source=self.name,
            kind=EventKind.health,
            fingerprint=fp,
            id=fingerprint(fp, now.isoformat(), str(self._seq)),
            now=now,
            occurred_at=now,
            service=self.config.service,
            ci=self.config.ci,
            severity=Severity.info if ok else Severity.error,
            status=EventStatus.resolved if ok else EventStatus.firing,
            summary=summary,
            labels=self._labels({"probe": self.name, "result": "ok" if ok else "fail"}),
            payload={
                "ok": ok,
                "status_code": status,
                "latency_ms": latency_ms,
                "error": error,
                "url": self.config.url,
            },
        )
        base = self._labels({"probe": self.name})
        common = {
            "timestamp": now,
            "labels": base,
            "service": self.config.service,
            "ci": self.config.ci,
            "source": self.name,
        }
        return [
            event,
            Sample(name="probe_success", value=1.0 if ok else 0.0, **common),
            Sample(name="probe_duration_seconds", value=latency_s, **common),
        ]

    async def aclose(self) -> None:
        await self._client.aclose()
