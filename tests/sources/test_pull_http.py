"""The HTTP pull sources against a real local server: scrape, probe, Prometheus API.

One uvicorn server on a free 127.0.0.1 port, in a thread, for the module; the
endpoints play a good target, a garbage one, a hanging one and an erroring one. A
vanished target is a port nothing listens on.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from aiops.model import Event, EventKind, EventStatus, Sample
from aiops.sources.pull import (
    HttpProbeSource,
    ProbeConfig,
    PrometheusApiConfig,
    PrometheusApiSource,
    ScrapeConfig,
    ScrapeSource,
)

NOW = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)

EXPOSITION = """\
# HELP sulu_http_requests_total HTTP requests served
# TYPE sulu_http_requests_total counter
sulu_http_requests_total{method="GET",route="/",status="200"} 10.0
sulu_http_requests_total{method="GET",route="/",status="500"} 2.0
sulu_http_requests_created{method="GET",route="/",status="200"} 1.7e9
# HELP sulu_http_request_duration_seconds Time to serve a request
# TYPE sulu_http_request_duration_seconds histogram
sulu_http_request_duration_seconds_bucket{le="0.1",route="/"} 7.0
sulu_http_request_duration_seconds_bucket{le="1.0",route="/"} 11.0
sulu_http_request_duration_seconds_bucket{le="+Inf",route="/"} 12.0
sulu_http_request_duration_seconds_sum{route="/"} 3.5
sulu_http_request_duration_seconds_count{route="/"} 12.0
# TYPE sulu_db_pool_in_use gauge
sulu_db_pool_in_use{instance="pod-1"} 4.0
"""

STOP = threading.Event()
HEALTH = {"status": 200}


async def metrics(_: Request) -> Response:
    return PlainTextResponse(EXPOSITION)


async def garbage(_: Request) -> Response:
    return PlainTextResponse("<html>502 Bad Gateway</html>\n\x00\x01 not metrics {{{")


async def binary(_: Request) -> Response:
    return Response(b"\xff\xfe\x00 metric 1\n", media_type="text/plain")


async def hang(_: Request) -> Response:
    while not STOP.is_set():  # longer than any client timeout in these tests
        await asyncio.sleep(0.05)
    return PlainTextResponse("")


async def huge(_: Request) -> Response:
    return PlainTextResponse("x 1\n" * 50_000)


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"}, status_code=HEALTH["status"])


async def query_range(request: Request) -> Response:
    q = request.query_params["query"]
    start, end = float(request.query_params["start"]), float(request.query_params["end"])
    step = float(request.query_params["step"])
    if q == "bad{":
        return JSONResponse(
            {"status": "error", "errorType": "bad_data", "error": "parse error at char 5"},
            status_code=400,
        )
    if q == "notjson":
        return PlainTextResponse("nope", status_code=200)
    first = int(start // step + (start % step > 0)) * step  # points on the step grid
    values = []
    t = first
    while t <= end:
        values.append([t, "NaN" if q == "nan" else str(t % 100)])
        t += step
    result = [{"metric": {"__name__": "up", "job": "sulu"}, "values": values}]
    return JSONResponse({"status": "success", "data": {"resultType": "matrix", "result": result}})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = Starlette(
        routes=[
            Route("/metrics", metrics),
            Route("/garbage", garbage),
            Route("/binary", binary),
            Route("/hang", hang),
            Route("/huge", huge),
            Route("/healthz", healthz),
            Route("/api/v1/query_range", query_range),
        ]
    )
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "test server did not start"
    yield f"http://127.0.0.1:{port}"
    STOP.set()
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def _value(reg: CollectorRegistry, name: str, **labels: str) -> float | None:
    return reg.get_sample_value(name, labels)


def scrape(url: str, reg: CollectorRegistry, **over: object) -> ScrapeSource:
    cfg = ScrapeConfig.model_validate(
        {"name": "sulu-metrics", "url": url, "service": "sulu", "ci": "sulu-app", **over}
    )
    return ScrapeSource(cfg, registry=reg)


# -- scrape ------------------------------------------------------------------------------


async def test_scrape_turns_exposition_into_samples(base_url: str, registry: CollectorRegistry):
    src = scrape(f"{base_url}/metrics", registry, labels={"job": "sulu"})
    items = await src.poll(NOW)
    await src.aclose()
    samples = {s.series_key: s for s in items if isinstance(s, Sample)}
    inst = base_url.removeprefix("http://")
    key = f"sulu_http_requests_total{{instance={inst},job=sulu,method=GET,route=/,status=500}}"
    assert samples[key].value == 2.0
    assert samples[key].service == "sulu" and samples[key].source == "sulu-metrics"
    assert samples[key].timestamp == NOW
    buckets = [s for s in items if isinstance(s, Sample) and s.name.endswith("_bucket")]
    assert sorted(s.labels["le"] for s in buckets) == ["+Inf", "0.1", "1.0"]
    assert any(
        s.name == "sulu_http_request_duration_seconds_sum" for s in buckets + list(samples.values())
    )
    assert not any(s.name.endswith("_created") for s in samples.values())


async def test_scrape_keeps_a_clashing_target_label_as_exported(
    base_url: str, registry: CollectorRegistry
):
    src = scrape(f"{base_url}/metrics", registry)
    items = await src.poll(NOW)
    await src.aclose()
    pool = next(s for s in items if isinstance(s, Sample) and s.name == "sulu_db_pool_in_use")
    assert pool.labels["exported_instance"] == "pod-1"
    assert pool.labels["instance"] == base_url.removeprefix("http://")


async def test_scrape_emits_up_and_health_on_success(base_url: str, registry: CollectorRegistry):
    src = scrape(f"{base_url}/metrics", registry)
    items = await src.poll(NOW)
    await src.aclose()
    up = [s for s in items if isinstance(s, Sample) and s.name == "up"]
    assert [u.value for u in up] == [1.0]
    assert src.health.up is True and src.health.last_success == NOW
    assert _value(registry, "aiops_source_up", source="sulu-metrics") == 1.0


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/garbage", "parse"), ("/binary", "parse"), ("/nope", "http_status"), ("/huge", "too_large")],
    ids=["garbage-text", "binary-body", "http-404", "over-max-bytes"],
)
async def test_scrape_of_bad_target_counts_error_and_reports_down(
    base_url: str, registry: CollectorRegistry, path: str, reason: str
):
    src = scrape(f"{base_url}{path}", registry, max_bytes=100_000)
    items = await src.poll(NOW)
    await src.aclose()
    assert [(s.name, s.value) for s in items if isinstance(s, Sample)] == [("up", 0.0)]
    assert src.health.up is False and src.health.last_error_reason == reason
    assert _value(registry, "aiops_source_up", source="sulu-metrics") == 0.0
    assert _value(registry, "aiops_source_errors_total", source="sulu-metrics", reason=reason) == 1


async def test_scrape_of_hanging_target_times_out(base_url: str, registry: CollectorRegistry):
    src = scrape(f"{base_url}/hang", registry, timeout="200ms")
    await src.poll(NOW)
    await src.poll(NOW)
    await src.aclose()
    assert src.health.last_error_reason == "timeout"
    assert src.health.consecutive_failures == 2
    assert (
        _value(registry, "aiops_source_errors_total", source="sulu-metrics", reason="timeout") == 2
    )
    assert _value(registry, "aiops_source_consecutive_failures", source="sulu-metrics") == 2


async def test_scrape_of_vanished_target_counts_connect_error(registry: CollectorRegistry):
    src = scrape(f"http://127.0.0.1:{_free_port()}/metrics", registry, timeout="1s")
    items = await src.poll(NOW)
    await src.aclose()
    assert [s.value for s in items if isinstance(s, Sample)] == [0.0]
    assert src.health.last_error_reason == "connect"
    assert (
        _value(registry, "aiops_source_errors_total", source="sulu-metrics", reason="connect") == 1
    )


async def test_scrape_recovers_after_failure(base_url: str, registry: CollectorRegistry):
    src = scrape(f"{base_url}/garbage", registry)
    await src.poll(NOW)
    src.config.url = f"{base_url}/metrics"
    await src.poll(NOW)
    await src.aclose()
    assert src.health.up is True and src.health.consecutive_failures == 0
    assert src.health.errors_total == 1


async def test_scrape_keep_filters_sample_names(base_url: str, registry: CollectorRegistry):
    src = scrape(f"{base_url}/metrics", registry, keep=["^sulu_db_"])
    items = await src.poll(NOW)
    await src.aclose()
    assert {s.name for s in items if isinstance(s, Sample)} == {"sulu_db_pool_in_use", "up"}


# -- probe -------------------------------------------------------------------------------


def probe(url: str, reg: CollectorRegistry, **over: object) -> HttpProbeSource:
    cfg = ProbeConfig.model_validate(
        {"name": "sulu-health", "url": url, "service": "sulu", "ci": "sulu-app", **over}
    )
    return HttpProbeSource(cfg, registry=reg)


async def test_probe_ok_is_a_resolved_health_event_with_latency(
    base_url: str, registry: CollectorRegistry
):
    HEALTH["status"] = 200
    src = probe(f"{base_url}/healthz", registry)
    items = await src.poll(NOW)
    await src.aclose()
    event = next(i for i in items if isinstance(i, Event))
    assert event.kind == EventKind.health and event.status == EventStatus.resolved
    assert event.payload["ok"] is True and event.payload["status_code"] == 200
    assert event.payload["latency_ms"] >= 0
    assert event.labels["probe"] == "sulu-health" and event.service == "sulu"
    assert event.occurred_at == NOW == event.received_at
    success = next(i for i in items if isinstance(i, Sample) and i.name == "probe_success")
    assert success.value == 1.0


async def test_probe_failing_status_is_a_firing_event_and_source_stays_up(
    base_url: str, registry: CollectorRegistry
):
    HEALTH["status"] = 503
    src = probe(f"{base_url}/healthz", registry)
    items = await src.poll(NOW)
    await src.aclose()
    HEALTH["status"] = 200
    event = next(i for i in items if isinstance(i, Event))
    assert event.status == EventStatus.firing and event.payload["ok"] is False
    assert "503" in event.summary and event.severity == "error"
    assert src.health.up is True  # the probe worked; the target is what failed


async def test_probe_of_hanging_target_fails_after_timeout(
    base_url: str, registry: CollectorRegistry
):
    src = probe(f"{base_url}/hang", registry, timeout="200ms")
    items = await src.poll(NOW)
    await src.aclose()
    event = next(i for i in items if isinstance(i, Event))
    assert event.payload["ok"] is False and "timeout" in event.payload["error"]


async def test_probe_events_of_one_target_share_a_fingerprint_not_an_id(
    base_url: str, registry: CollectorRegistry
):
    src = probe(f"{base_url}/healthz", registry)
    first = [i for i in await src.poll(NOW) if isinstance(i, Event)][0]
    second = [i for i in await src.poll(NOW) if isinstance(i, Event)][0]
    await src.aclose()
    assert first.fingerprint == second.fingerprint and first.id != second.id


async def test_probe_expect_body_must_be_found(base_url: str, registry: CollectorRegistry):
    src = probe(f"{base_url}/healthz", registry, expect_body="all good")
    items = await src.poll(NOW)
    await src.aclose()
    event = next(i for i in items if isinstance(i, Event))
    assert event.payload["ok"] is False and "all good" in event.payload["error"]


# -- Prometheus HTTP API -----------------------------------------------------------------


def api(url: str, reg: CollectorRegistry, query: str = "up", **over: object) -> PrometheusApiSource:
    cfg = PrometheusApiConfig.model_validate(
        {"name": "prom", "url": url, "query": query, "step": "15s", "lookback": "1m", **over}
    )
    return PrometheusApiSource(cfg, registry=reg)


async def test_query_range_returns_samples_and_never_repeats_points(
    base_url: str, registry: CollectorRegistry
):
    src = api(base_url, registry)
    first = await src.poll(NOW)
    later = await src.poll(datetime.fromtimestamp(NOW.timestamp() + 30, tz=UTC))
    await src.aclose()
    times1 = [s.timestamp for s in first if isinstance(s, Sample)]
    times2 = [s.timestamp for s in later if isinstance(s, Sample)]
    assert len(times1) == 5 and len(times2) == 2  # 1 min at 15 s, then two new steps
    assert not set(times1) & set(times2)
    sample = first[0]
    assert isinstance(sample, Sample)
    assert sample.name == "up" and sample.labels == {"job": "sulu"} and sample.source == "prom"


@pytest.mark.parametrize(
    ("query", "reason"),
    [("bad{", "api_error"), ("notjson", "parse")],
    ids=["api-error", "not-json"],
)
async def test_query_range_errors_are_counted_by_reason(
    base_url: str, registry: CollectorRegistry, query: str, reason: str
):
    src = api(base_url, registry, query=query)
    assert await src.poll(NOW) == []
    await src.aclose()
    assert src.health.last_error_reason == reason
    assert "bad_data" in (src.health.last_error or "") or reason == "parse"
    assert _value(registry, "aiops_source_errors_total", source="prom", reason=reason) == 1


async def test_query_range_against_hanging_server_times_out(registry: CollectorRegistry):
    async def never(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    cfg = PrometheusApiConfig(name="prom", url="http://prom.test", query="up")
    src = PrometheusApiSource(cfg, registry=registry, transport=httpx.MockTransport(never))
    assert await src.poll(NOW) == []
    await src.aclose()
    assert src.health.last_error_reason == "timeout"


@pytest.mark.parametrize(
    "body",
    [
        {"status": "success", "data": {"resultType": "vector", "result": []}},
        {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}}]}},
        {
            "status": "success",
            "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [["x", "1"]]}]},
        },
        [1, 2, 3],
    ],
    ids=["vector", "no-values", "bad-timestamp", "array"],
)
async def test_query_range_malformed_answer_is_a_parse_error(
    registry: CollectorRegistry, body: object
):
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=json.dumps(body).encode())
    )
    cfg = PrometheusApiConfig(name="prom", url="http://prom.test", query="up")
    src = PrometheusApiSource(cfg, registry=registry, transport=transport)
    assert await src.poll(NOW) == []
    await src.aclose()
    assert src.health.last_error_reason == "parse"
