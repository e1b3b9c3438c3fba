"""Sulu's Prometheus metrics, on a registry of its own (one per app, so tests can run
several apps in one process without name clashes).

Names follow Prometheus conventions; the platform scrapes them from `/metrics`:

- `sulu_http_requests_total{method,route,status}` and
  `sulu_http_request_duration_seconds{method,route}` (request rate, latency)
- `sulu_http_errors_total{route,status}` (responses >= 400, by status)
- `sulu_db_pool_size`, `sulu_db_pool_in_use`, `sulu_db_pool_timeouts_total`,
  `sulu_db_query_duration_seconds`
- `sulu_cache_hit_ratio` (recent window), `sulu_cache_requests_total{result}`
- `sulu_queue_depth` (requests waiting for a DB connection), `sulu_requests_in_flight`
- `sulu_external_requests_total{outcome}`, `sulu_external_request_duration_seconds`
- `sulu_log_write_errors_total`, `sulu_event_loop_lag_seconds`, `sulu_build_info{version}`
- `process_*` (CPU seconds, resident memory, open fds) from prometheus-client
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class SuluMetrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    errors: Counter
    in_flight: Gauge
    queue_depth: Gauge
    pool_size: Gauge
    pool_in_use: Gauge
    pool_timeouts: Counter
    query_latency: Histogram
    cache_hit_ratio: Gauge
    cache_requests: Counter
    external_requests: Counter
    external_latency: Histogram
    log_write_errors: Counter
    loop_lag: Gauge
    build_info: Gauge


def make_metrics() -> SuluMetrics:
    r = CollectorRegistry()
    ProcessCollector(registry=r)
    PlatformCollector(registry=r)
    return SuluMetrics(
        registry=r,
        requests=Counter(
            "sulu_http_requests", "HTTP requests served", ["method", "route", "status"], registry=r
        ),
        latency=Histogram(
            "sulu_http_request_duration_seconds",
            "Time to serve a request",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        ),
        errors=Counter(
            "sulu_http_errors", "Responses with status >= 400", ["route", "status"], registry=r
        ),
        in_flight=Gauge("sulu_requests_in_flight", "Requests being served", registry=r),
        queue_depth=Gauge(
            "sulu_queue_depth", "Requests waiting for a database connection", registry=r
        ),
        pool_size=Gauge("sulu_db_pool_size", "Connections in the DB pool", registry=r),
        pool_in_use=Gauge("sulu_db_pool_in_use", "DB connections checked out", registry=r),
        pool_timeouts=Counter(
            "sulu_db_pool_timeouts", "Requests that gave up waiting for a connection", registry=r
        ),
        query_latency=Histogram(
            "sulu_db_query_duration_seconds",
            "Time a query holds its connection",
            buckets=LATENCY_BUCKETS,
            registry=r,
        ),
        cache_hit_ratio=Gauge(
            "sulu_cache_hit_ratio", "Cache hits over the last 200 lookups", registry=r
        ),
        cache_requests=Counter("sulu_cache_requests", "Cache lookups", ["result"], registry=r),
        external_requests=Counter(
            "sulu_external_requests", "Calls to the external API", ["outcome"], registry=r
        ),
        external_latency=Histogram(
            "sulu_external_request_duration_seconds",
            "Time of calls to the external API",
            buckets=LATENCY_BUCKETS,
            registry=r,
        ),
        log_write_errors=Counter(
            "sulu_log_write_errors", "Log lines lost because the write failed", registry=r
        ),
        loop_lag=Gauge(
            "sulu_event_loop_lag_seconds", "How late the event loop woke up last", registry=r
        ),
        build_info=Gauge("sulu_build_info", "Running version", ["version"], registry=r),
    )


__all__ = ["LATENCY_BUCKETS", "SuluMetrics", "make_metrics"]
