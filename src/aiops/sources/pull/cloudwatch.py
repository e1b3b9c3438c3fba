"""`type: cloudwatch`: Amazon CloudWatch `GetMetricData` → Samples.

One call per poll for every configured query (paged with NextToken), over the window
since the last point seen. boto3 is synchronous, so the call runs in a thread. Names
follow cloudwatch_exporter: `aws_<namespace>_<metric>_<stat>` in snake case, unless
the query names its own.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ConfigDict, Field

from aiops.model import Sample
from aiops.model.duration import DurationS
from aiops.sources.pull.base import Item, PullSource, SourceConfig, SourceContext
from aiops.sources.pull.health import ErrorReason


class MetricQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-zA-Z0-9_]*$")  # CloudWatch's own rule for Ids
    namespace: str = Field(min_length=1)
    metric: str = Field(min_length=1)
    dimensions: dict[str, str] = Field(default_factory=dict)
    stat: str = "Average"
    period: DurationS = Field(default=60.0, ge=1)
    name: str | None = None  # the Sample name; default aws_<namespace>_<metric>_<stat>


class CloudWatchConfig(SourceConfig):
    """`type: cloudwatch`: queries for GetMetricData in one region."""

    type: Literal["cloudwatch"] = "cloudwatch"
    interval: DurationS = Field(default=60.0, gt=0)
    region: str = Field(min_length=1)
    endpoint_url: str | None = None  # e.g. a LocalStack endpoint
    lookback: DurationS = Field(default=600.0, gt=0)
    queries: list[MetricQuery] = Field(min_length=1, max_length=500)


def sample_name(q: MetricQuery) -> str:
    if q.name:
        return q.name
    parts = [q.namespace.replace("AWS/", ""), q.metric, q.stat]
    return "aws_" + "_".join(_snake(p) for p in parts)


def _snake(text: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    return re.sub(r"[^a-zA-Z0-9]+", "_", text).strip("_").lower()


class CloudWatchSource(PullSource):
    type_name = "cloudwatch"
    config_model = CloudWatchConfig
    config: CloudWatchConfig

    def __init__(
        self,
        config: CloudWatchConfig,
        *,
        registry: CollectorRegistry | None = None,
        client: Any = None,
    ) -> None:
        super().__init__(config, registry=registry)
        self._client = client
        self._last: dict[str, datetime] = {}  # query id → newest point emitted
        self._by_id = {q.id: q for q in config.queries}

    @classmethod
    def seams(cls, context: SourceContext) -> dict[str, Any]:
        return {"client": context.aws_client}

    def _get_client(self) -> Any:
        if self._client is None:
            import boto3  # only sources that use CloudWatch pay for the import

            self._client = boto3.client(
                "cloudwatch", region_name=self.config.region, endpoint_url=self.config.endpoint_url
            )
        return self._client

    async def poll(self, now: datetime) -> list[Item]:
        try:
            results = await asyncio.to_thread(self._fetch, now)
        except NoCredentialsError as exc:
            self._tracker.failure(now, ErrorReason.auth, f"cloudwatch: {exc}")
            return []
        except ClientError as exc:
            err = exc.response.get("Error", {})
            code = str(err.get("Code", "?"))
            reason = ErrorReason.throttled if "Throttl" in code else ErrorReason.api_error
            self._tracker.failure(now, reason, f"cloudwatch: {code}: {err.get('Message', '')}")
            return []
        except BotoCoreError as exc:
            reason = (
                ErrorReason.timeout
                if "timeout" in type(exc).__name__.lower()
                else ErrorReason.connect
            )
            self._tracker.failure(now, reason, f"cloudwatch: {type(exc).__name__}: {exc}")
            return []
        except (KeyError, TypeError, ValueError) as exc:
            self._tracker.failure(now, ErrorReason.parse, f"cloudwatch: malformed answer: {exc!r}")
            return []
        items = self._samples(results)
        self._tracker.success(now, len(items))
        return items

    def _fetch(self, now: datetime) -> list[dict[str, Any]]:
        start = now - timedelta(seconds=self.config.lookback)
        if self._last:
            start = max(start, min(self._last.values()))
        request: dict[str, Any] = {
            "MetricDataQueries": [_query(q) for q in self.config.queries],
            "StartTime": start,
            "EndTime": now,
            "ScanBy": "TimestampAscending",
        }
        results: list[dict[str, Any]] = []
        client = self._get_client()
        while True:
            answer = client.get_metric_data(**request)
            results.extend(answer["MetricDataResults"])
            token = answer.get("NextToken")
            if not token:
                return results
            request["NextToken"] = token

    def _samples(self, results: list[dict[str, Any]]) -> list[Item]:
        out: list[Item] = []
        for res in results:
            q = self._by_id.get(res["Id"])
            if q is None:
                continue
            labels = self._labels({_snake(k): v for k, v in q.dimensions.items()})
            last = self._last.get(q.id)
            for ts, value in sorted(zip(res["Timestamps"], res["Values"], strict=True)):
                ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
                if last is not None and ts <= last:
                    continue
                self._last[q.id] = ts
                out.append(
                    Sample(
                        name=sample_name(q),
                        value=float(value),
                        timestamp=ts,
                        labels=labels,
                        service=self.config.service,
                        ci=self.config.ci,
                        source=self.name,
                    )
                )
        return out


def _query(q: MetricQuery) -> dict[str, Any]:
    return {
        "Id": q.id,
        "MetricStat": {
            "Metric": {
                "Namespace": q.namespace,
                "MetricName": q.metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in q.dimensions.items()],
            },
            "Period": int(q.period),
            "Stat": q.stat,
        },
        "ReturnData": True,
    }
