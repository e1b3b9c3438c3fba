"""Deterministic sulu-like metrics and incidents for the site tests and the browser test."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from aiops.model import Sample

BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, math.inf)


def _le(b: float) -> str:
    return "+Inf" if math.isinf(b) else str(b)


def sulu_samples(
    end: datetime, *, minutes: int = 10, step_s: int = 5, fault_at: datetime | None = None
) -> list[Sample]:
    """Counters, a latency histogram and a gauge, as scraped from sulu every `step_s`.

    Traffic follows a gentle wave around 20 req/s; from `fault_at` on, 15 % of requests
    fail with 500 and requests slow down, as in an error-burst fault.
    """
    out: list[Sample] = []
    ok = err = 0.0
    hist = dict.fromkeys(BUCKETS, 0.0)
    n = minutes * 60 // step_s
    common = {"service": "sulu", "ci": "sulu-app", "source": "sulu-scrape"}
    for k in range(n + 1):
        ts = end - timedelta(seconds=(n - k) * step_s)
        faulty = fault_at is not None and ts >= fault_at
        reqs = (20 + 6 * math.sin(k / 18)) * step_s
        bad = reqs * 0.15 if faulty else reqs * 0.002
        ok += reqs - bad
        err += bad
        slow = 0.45 if faulty else 0.08  # median latency in seconds
        for b in BUCKETS:  # cumulative: the share of requests under each bound
            hist[b] += reqs * min(1.0, b / (2 * slow)) if not math.isinf(b) else reqs
        out += [
            Sample(
                name="sulu_http_requests_total",
                value=ok,
                timestamp=ts,
                labels={"route": "/orders", "status": "200"},
                **common,
            ),
            Sample(
                name="sulu_http_requests_total",
                value=err,
                timestamp=ts,
                labels={"route": "/orders", "status": "500"},
                **common,
            ),
            Sample(
                name="sulu_db_pool_in_use",
                value=3 + (5 if faulty else 2 * math.sin(k / 7)),
                timestamp=ts,
                **common,
            ),
        ]
        out += [
            Sample(
                name="sulu_http_request_duration_seconds_bucket",
                value=hist[b],
                timestamp=ts,
                labels={"le": _le(b)},
                **common,
            )
            for b in BUCKETS
        ]
    return out


ERROR_BURST = {
    "source": "rules",
    "service": "sulu",
    "ci": "sulu-app",
    "severity": "error",
    "summary": "sulu: 15 % of requests fail with 5xx over 1m (limit 0.05)",
    "labels": {"alertname": "SuluHighErrorRatio"},
}
SLOW_DB = {
    "source": "rules",
    "service": "sulu",
    "ci": "sulu-db",
    "severity": "critical",
    "summary": "sulu: /healthz failed 3 times in a row",
    "labels": {"alertname": "SuluHealthCheckFailing"},
}
LOG_LINES = [
    {
        "source": "sulu-log",
        "kind": "log",
        "service": "sulu",
        "ci": "sulu-app",
        "severity": "error",
        "summary": 'POST /orders 500 in 812 ms: OperationalError("database is locked")',
    },
    {
        "source": "sulu-log",
        "kind": "log",
        "service": "sulu",
        "ci": "sulu-app",
        "severity": "warning",
        "summary": "db pool: waited 750 ms for a connection (in use 8/8)",
    },
]
SIGNAL = {
    "source": "detect",
    "kind": "signal",
    "service": "sulu",
    "ci": "sulu-app",
    "severity": "warning",
    "summary": "error ratio 0.15 vs expected 0.002 (robust z 41)",
    "labels": {"alertname": "anomaly:error_ratio"},
}
