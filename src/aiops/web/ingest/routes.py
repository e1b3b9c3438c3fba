"""The push endpoints: native events, Alertmanager, CloudWatch via SNS, OTLP/HTTP JSON."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import APIRouter, Request

from aiops.bus.nats import describe
from aiops.errors import AiopsError, Retryable
from aiops.model import Event, Sample
from aiops.normalize.events import parse_native
from aiops.runtime import Runtime
from aiops.sources.push.alertmanager import translate_alertmanager
from aiops.sources.push.cloudwatch import SnsVerifier, translate_sns
from aiops.sources.push.otlp import translate_otlp_logs, translate_otlp_metrics
from aiops.web.deps import RuntimeDep
from aiops.web.ingest.common import accept, reject

log = structlog.get_logger("aiops.ingest")
router = APIRouter(tags=["ingest"])


async def _pipeline(runtime: Runtime, source: str, events: list[Event]) -> dict[str, Any]:
    if not events:
        return {"ok": True, "accepted": 0, "duplicates": 0, "incidents_opened": [],
                "incidents_updated": []}
    if runtime.bus is not None:
        return await _publish(runtime, source, events)
    try:
        result = await runtime.submit(events)
    except AiopsError:
        raise
    except Exception as exc:
        err = Retryable("the pipeline could not store this batch; retry it", code="pipeline_unavailable")
        reject(runtime, source, err)
        log.error("ingest.pipeline_failed", source=source, error=repr(exc))
        raise err from exc
    runtime.metrics.ingest_events.labels(source=source).inc(len(events))
    return {
        "ok": True,
        "accepted": len(events) - result.duplicates,
        "duplicates": result.duplicates,
        "incidents_opened": result.incidents_opened,
        "incidents_updated": result.incidents_updated,
    }


async def _publish(runtime: Runtime, source: str, events: list[Event]) -> dict[str, Any]:
    """Scale-out mode: queue the batch on JetStream; `aiops worker` correlates it."""
    assert runtime.bus is not None
    try:
        ack = await runtime.bus.publish(source, events)
    except Exception as exc:
        err = Retryable("the event bus could not take this batch; retry it", code="bus_unavailable")
        reject(runtime, source, err)
        log.error("ingest.bus_failed", source=source, error=repr(exc))
        raise err from exc
    runtime.metrics.ingest_events.labels(source=source).inc(len(events))
    return describe(ack, len(events), runtime.clock())


@router.post("/api/v1/events", summary="Push native events (one object or an array)")
async def post_events(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """The native schema is documented in `aiops.normalize.events`; a batch is all-or-nothing."""
    now = runtime.clock()
    max_batch = runtime.config.ingest.max_batch
    events = await accept(request, runtime, "native",
                          lambda d: parse_native(d, now=now, max_batch=max_batch))
    return await _pipeline(runtime, "native", events)


@router.post("/api/v1/ingest/alertmanager", summary="Prometheus Alertmanager webhook (v4)")
async def post_alertmanager(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    now = runtime.clock()
    events = await accept(request, runtime, "alertmanager",
                          lambda d: translate_alertmanager(d, now=now))
    return await _pipeline(runtime, "alertmanager", events)


@router.post("/api/v1/ingest/cloudwatch", summary="CloudWatch alarm via an SNS HTTP subscription")
async def post_cloudwatch(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    now = runtime.clock()
    verifier = SnsVerifier() if runtime.config.ingest.cloudwatch.verify_signature else None
    headers = dict(request.headers)
    result = await accept(request, runtime, "cloudwatch",
                          lambda d: translate_sns(headers, d, now=now, verifier=verifier))
    if result.kind != "notification":
        # Never fetched blindly: an operator confirms the subscription by hand.
        log.warning("ingest.sns_confirmation", kind=result.kind, topic=result.topic_arn,
                    subscribe_url=result.subscribe_url)
        return {"ok": True, "accepted": 0, "sns": result.kind, "topic_arn": result.topic_arn,
                "note": "logged for an operator to confirm; not fetched"}
    return await _pipeline(runtime, "cloudwatch", list(result.events))


@router.post("/v1/logs", summary="OTLP/HTTP logs, JSON encoding")
async def post_otlp_logs(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    now = runtime.clock()
    events = await accept(request, runtime, "otlp", lambda d: translate_otlp_logs(d, now=now))
    body = await _pipeline(runtime, "otlp", events)
    return {"partialSuccess": {}, **body}


@router.post("/v1/metrics", summary="OTLP/HTTP metrics, JSON encoding")
async def post_otlp_metrics(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    now = runtime.clock()
    samples: list[Sample] = await accept(request, runtime, "otlp",
                                         lambda d: translate_otlp_metrics(d, now=now))
    runtime.publish_samples(samples)
    runtime.metrics.ingest_samples.labels(source="otlp").inc(len(samples))
    return {"partialSuccess": {}, "ok": True, "accepted": len(samples)}


@router.post("/api/v1/ingest/{source}", include_in_schema=False)
async def post_unknown_source(source: str, runtime: RuntimeDep) -> dict[str, Any]:
    from aiops.errors import NotFound

    known = "alertmanager, cloudwatch (and /api/v1/events, /v1/logs, /v1/metrics)"
    err = NotFound(f"unknown ingest source {source[:60]!r}; known: {known}", code="unknown_source")
    reject(runtime, "unknown", err)
    raise err
