"""The Prometheus HTTP API (`/api/v1/query_range`), for users who already run Prometheus.

Each poll asks for the points since the last one it saw, so overlapping windows do not
emit duplicates. The answer's own error document (`status: error`) is counted as
`api_error`; a body that is not the documented JSON shape, as `parse`.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from prometheus_client import CollectorRegistry
from pydantic import Field

from aiops.model import Sample
from aiops.model.duration import DurationS
from aiops.sources.pull.base import HttpSourceConfig, Item, PullSource, SourceContext
from aiops.sources.pull.health import ErrorReason
from aiops.sources.pull.http import FetchError, fetch, make_client


class PrometheusApiConfig(HttpSourceConfig):
    """`type: prometheus_api`: one PromQL expression, polled as a range query."""

    type: Literal["prometheus_api"] = "prometheus_api"
    url: str = Field(pattern=r"^https?://", description="Prometheus base URL")
    query: str = Field(min_length=1)
    step: DurationS = Field(default=15.0, gt=0)
    lookback: DurationS = Field(default=300.0, gt=0)  # first poll reaches this far back
    metric_name: str | None = None  # used when the result series has no __name__


class ApiError(Exception):
    def __init__(self, reason: ErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def parse_matrix(body: bytes) -> list[tuple[dict[str, str], list[tuple[float, float]]]]:
    """A query_range answer → [(labels, [(unix_s, value)])]; ApiError if it is not one."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(ErrorReason.parse, f"not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ApiError(ErrorReason.parse, "expected a JSON object")
    if doc.get("status") != "success":
        kind, err = doc.get("errorType", "?"), doc.get("error", "no error text")
        raise ApiError(ErrorReason.api_error, f"Prometheus error ({kind}): {err}")
    data = doc.get("data")
    if not isinstance(data, dict) or data.get("resultType") != "matrix":
        raise ApiError(ErrorReason.parse, "expected data.resultType 'matrix'")
    try:
        return [_series(item) for item in data.get("result") or []]
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise ApiError(ErrorReason.parse, f"malformed result: {exc!r}") from exc


def _series(item: Any) -> tuple[dict[str, str], list[tuple[float, float]]]:
    labels = {str(k): str(v) for k, v in dict(item["metric"]).items()}
    points = [(float(ts), float(val)) for ts, val in item["values"]]
    if not all(math.isfinite(ts) for ts, _ in points):
        raise ValueError("non-finite timestamp")
    return labels, points


class PrometheusApiSource(PullSource):
    type_name = "prometheus_api"
    config_model = PrometheusApiConfig
    config: PrometheusApiConfig

    def __init__(
        self,
        config: PrometheusApiConfig,
        *,
        registry: CollectorRegistry | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(config, registry=registry)
        self._client = make_client(config.timeout, config.headers, transport)
        self._endpoint = config.url.rstrip("/") + "/api/v1/query_range"
        self._seen_until: float | None = None  # unix seconds of the last point emitted

    @classmethod
    def seams(cls, context: SourceContext) -> dict[str, Any]:
        return {"transport": context.transport}

    async def poll(self, now: datetime) -> list[Item]:
        end = now.timestamp()
        start = end - self.config.lookback
        if self._seen_until is not None:
            start = max(start, self._seen_until + self.config.step)
        if start > end:
            self._tracker.success(now, 0)
            return []
        params = {
            "query": self.config.query,
            "start": f"{start:.3f}",
            "end": f"{end:.3f}",
            "step": f"{self.config.step:g}",
        }
        try:
            got = await fetch(
                self._client,
                self._endpoint,
                max_bytes=self.config.max_bytes,
                params=params,
                check_status=False,
            )
            if got.status >= 400 and not got.content_type.startswith("application/json"):
                raise ApiError(ErrorReason.http_status, f"HTTP {got.status}")
            matrix = parse_matrix(got.body)
        except (FetchError, ApiError) as exc:
            self._tracker.failure(now, exc.reason, f"{self._endpoint}: {exc}")
            return []
        items = self._samples(matrix)
        self._tracker.success(now, len(items))
        return items

    def _samples(
        self, matrix: list[tuple[dict[str, str], list[tuple[float, float]]]]
    ) -> list[Item]:
        out: list[Item] = []
        newest = self._seen_until
        for labels, points in matrix:
            name = labels.pop("__name__", None) or self.config.metric_name or "promql_result"
            merged = self._labels(labels)
            for ts, value in points:
                if self._seen_until is not None and ts <= self._seen_until:
                    continue
                newest = ts if newest is None else max(newest, ts)
                out.append(
                    Sample(
                        name=name,
                        value=value,
                        labels=merged,
                        source=self.name,
                        timestamp=datetime.fromtimestamp(ts, tz=UTC),
                        service=self.config.service,
                        ci=self.config.ci,
                    )
                )
        self._seen_until = newest
        return out

    async def aclose(self) -> None:
        await self._client.aclose()
