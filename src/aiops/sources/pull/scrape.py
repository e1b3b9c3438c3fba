"""Prometheus text-format scrape: GET /metrics, parse with prometheus-client, emit Samples.

Like Prometheus itself, a scrape is all or nothing: garbage anywhere in the text fails
the whole scrape (counted as `parse`), and an `up` sample (1 or 0) is emitted every
time so a vanished target is visible as data, not only as a gap.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from pydantic import Field

from aiops.model import Sample
from aiops.sources.pull.base import HttpSourceConfig, Item, PullSource, SourceContext
from aiops.sources.pull.health import ErrorReason
from aiops.sources.pull.http import FetchError, fetch, make_client


class ScrapeConfig(HttpSourceConfig):
    """`type: prometheus_scrape`: one target's /metrics."""

    type: Literal["prometheus_scrape"] = "prometheus_scrape"
    url: str = Field(pattern=r"^https?://")
    keep: list[str] = Field(
        default_factory=list, description="Regexes on sample names; empty keeps all."
    )
    keep_created: bool = False  # `_created` series are timestamps, noise for detection


class ParseError(Exception):
    pass


def parse_exposition(
    text: str, *, now: datetime, base_labels: dict[str, str], keep_created: bool = False
) -> list[tuple[str, dict[str, str], float, datetime]]:
    """Text exposition → (name, labels, value, timestamp) tuples; ParseError on garbage.

    Target labels that clash with `base_labels` are kept as `exported_<name>`, as
    Prometheus does without honor_labels.
    """
    out = []
    try:
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if not keep_created and s.name.endswith("_created"):
                    continue
                labels = dict(base_labels)
                for key, val in s.labels.items():
                    labels[f"exported_{key}" if key in base_labels else key] = val
                ts = now if s.timestamp is None else _from_unix(float(s.timestamp))
                out.append((s.name, labels, float(s.value), ts))
    except Exception as exc:  # the parser raises ValueError, but junk finds other paths too
        raise ParseError(
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        ) from exc
    return out


def _from_unix(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise ValueError(f"bad timestamp {seconds}")
    return datetime.fromtimestamp(seconds, tz=UTC)


class ScrapeSource(PullSource):
    type_name = "prometheus_scrape"
    config_model = ScrapeConfig
    config: ScrapeConfig

    def __init__(
        self,
        config: ScrapeConfig,
        *,
        registry: CollectorRegistry | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(config, registry=registry)
        self._client = make_client(config.timeout, config.headers, transport)
        self._keep = [re.compile(p) for p in config.keep]
        self._base = {**config.labels, "instance": urlsplit(config.url).netloc}

    @classmethod
    def seams(cls, context: SourceContext) -> dict[str, Any]:
        return {"transport": context.transport}

    async def poll(self, now: datetime) -> list[Item]:
        try:
            got = await fetch(self._client, self.config.url, max_bytes=self.config.max_bytes)
            text = got.body.decode("utf-8")
            rows = parse_exposition(
                text, now=now, base_labels=self._base, keep_created=self.config.keep_created
            )
        except FetchError as exc:
            self._tracker.failure(now, exc.reason, str(exc), items=1)
            return [self._up(now, 0.0)]
        except (UnicodeDecodeError, ParseError) as exc:
            msg = f"{self.config.url}: unparsable exposition: {exc}"
            self._tracker.failure(now, ErrorReason.parse, msg, items=1)
            return [self._up(now, 0.0)]
        items: list[Item] = [
            Sample(
                name=name,
                value=value,
                timestamp=ts,
                labels=labels,
                service=self.config.service,
                ci=self.config.ci,
                source=self.name,
            )
            for name, labels, value, ts in rows
            if not self._keep or any(p.search(name) for p in self._keep)
        ]
        items.append(self._up(now, 1.0))
        self._tracker.success(now, len(items))
        return items

    def _up(self, now: datetime, value: float) -> Sample:
        return Sample(
            name="up",
            value=value,
            timestamp=now,
            labels=dict(self._base),
            service=self.config.service,
            ci=self.config.ci,
            source=self.name,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
