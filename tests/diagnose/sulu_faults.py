"""Recorded-looking sulu scrapes for each fault: what the platform's series store holds.

Every series comes from the one scrape source (ci=sulu-app), as in examples/sulu; the
CMDB's `metrics` attributes move the db/cache/external/host families to their CIs.
Normal operation for NORMAL_S, the fault from FAULT_AT, the first alert ALERT_DELAY_S later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from aiops.diagnose.recent import RawSeries
from aiops.model import Alert, Incident, Severity
from aiops.model.changes import ChangeRecord

T0 = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC).timestamp()
STEP = 2.0
NORMAL_S = 600.0
FAULT_AT = T0 + NORMAL_S
ALERT_DELAY_S = 60.0
END = FAULT_AT + ALERT_DELAY_S + 40.0

Effect = Callable[[str, float], float | None]  # (metric, baseline) -> value during the fault

# metric -> (kind, baseline level or rate per second)
BASE: dict[str, tuple[str, float]] = {
    "up": ("gauge", 1.0),
    "sulu_http_requests_total": ("counter", 20.0),
    "sulu_http_request_duration_seconds": ("mean", 0.05),
    "sulu_db_query_duration_seconds": ("mean", 0.01),
    "sulu_db_pool_in_use": ("gauge", 2.0),
    "sulu_queue_depth": ("gauge", 0.0),
    "sulu_cache_hit_ratio": ("gauge", 0.9),
    "sulu_external_request_duration_seconds": ("mean", 0.1),
    "sulu_external_requests_total": ("counter", 5.0),
    "process_cpu_seconds_total": ("counter", 0.1),
    "process_resident_memory_bytes": ("gauge", 80e6),
    "sulu_event_loop_lag_seconds": ("gauge", 0.001),
}
INTEGER_GAUGES = ("sulu_db_pool_in_use", "sulu_queue_depth")
FLAT_GAUGES = ("up", "process_virtual_memory_bytes")  # no jitter: reserved, not used
# counters that only appear once the fault makes them count
NEW_COUNTERS = (
    "sulu_http_errors_total",
    "sulu_db_pool_timeouts_total",
    "sulu_log_write_errors_total",
)

FAULTS: dict[str, tuple[dict[str, float], str, str]] = {
    # fault: (values during the fault, first alert name, true root-cause CI)
    "stop": ({"up": 0.0, "*stopped": 1}, "SuluHealthCheckFailing", "sulu-app"),
    "slow-db": (
        {
            "sulu_db_query_duration_seconds": 0.41,
            "sulu_http_request_duration_seconds": 0.5,
            "sulu_queue_depth": 4.0,
        },
        "SuluHighLatencyP95",
        "sulu-db",
    ),
    "db-pool-exhaustion": (
        {
            "sulu_db_pool_in_use": 10.0,
            "sulu_db_pool_timeouts_total": 3.0,
            "sulu_http_errors_total": 3.0,
            "sulu_queue_depth": 20.0,
            "sulu_http_request_duration_seconds": 1.0,
        },
        "SuluHighErrorRatio",
        "sulu-db",
    ),
    "memory-leak": (
        {"process_resident_memory_bytes": -4e6},
        "ProcessResidentMemoryBytesAnomaly",
        "sulu-app",
    ),
    "cpu-hog": (
        {
            "process_cpu_seconds_total": 0.9,
            "sulu_event_loop_lag_seconds": 0.08,
            "sulu_http_request_duration_seconds": 0.15,
            "sulu_db_query_duration_seconds": 0.03,
        },
        "SuluHighLatencyP95",
        "sulu-app",
    ),
    "error-burst": ({"sulu_http_errors_total": 10.0}, "SuluHighErrorRatio", "sulu-app"),
    "dependency-timeout": (
        {"sulu_external_request_duration_seconds": 5.0, "sulu_http_request_duration_seconds": 3.0},
        "SuluHighLatencyP95",
        "sulu-external-api",
    ),
    "disk-full": (
        {"sulu_log_write_errors_total": 10.0, "sulu_http_errors_total": 5.0},
        "SuluErrorLogBurst",
        "sulu-host",
    ),
    "config-change": (
        {
            "sulu_cache_hit_ratio": 0.0,
            "sulu_db_query_duration_seconds": 0.26,
            "sulu_http_request_duration_seconds": 0.6,
        },
        "SuluHighLatencyP95",
        "sulu-app",
    ),
}
CHANGES = {
    "error-burst": (
        "deploy",
        "deploy sulu 1.4.2 -> 1.4.3-bad",
        {"version": ["1.4.2", "1.4.3-bad"]},
    ),
    "config-change": (
        "config",
        "config reloaded",
        {"cache.ttl_s": [60, 0], "db.query_plan": ["index", "scan"]},
    ),
}


def scrape(fault: str, seed: int = 7) -> list[RawSeries]:
    rng = np.random.default_rng(seed)
    effect, _, _ = FAULTS[fault]
    times = np.arange(T0, END + 1e-9, STEP)
    out: list[RawSeries] = []
    labels = {"job": "sulu", "instance": "127.0.0.1:8101"}
    for name in [*BASE, *NEW_COUNTERS]:
        kind, base = BASE.get(name, ("counter", 0.0))
        pts_v: list[tuple[float, float]] = []
        cnt: list[tuple[float, float]] = []
        total = s_total = c_total = 0.0
        for t in times:
            on = t >= FAULT_AT
            if on and "*stopped" in effect and name != "up":
                continue
            level = effect.get(name, base) if on else base
            if kind == "gauge":
                if level < 0:  # a leak: grows by -level per second
                    level = base + (-level) * (t - FAULT_AT)
                noise = 0.0 if name in FLAT_GAUGES else 0.03
                v = (
                    level * (1 + noise * rng.standard_normal())
                    if level
                    else abs(0.2 * rng.standard_normal())
                    if name == "sulu_queue_depth"
                    else level
                )
                if name in INTEGER_GAUGES:  # connections and queued requests are whole numbers
                    v = round(v)
                pts_v.append((t, float(v)))
            elif kind == "counter":
                if level == 0.0 and name in NEW_COUNTERS and not on:
                    continue
                total += max(level * STEP * (1 + 0.1 * rng.standard_normal()), 0.0)
                pts_v.append((t, total))
            else:  # histogram: _sum and _count
                n = 20.0 * STEP * (1 + 0.1 * rng.standard_normal())
                c_total += n
                s_total += n * level * (1 + 0.1 * rng.standard_normal())
                pts_v.append((t, s_total))
                cnt.append((t, c_total))
        if kind == "mean":
            out.append(RawSeries(name + "_sum", labels, "sulu-app", pts_v))
            out.append(RawSeries(name + "_count", labels, "sulu-app", cnt))
        elif pts_v:
            out.append(RawSeries(name, labels, "sulu-app", pts_v))
    return out


def incident_for(fault: str) -> tuple[Incident, list[Alert]]:
    _, alert_name, _ = FAULTS[fault]
    first = datetime.fromtimestamp(FAULT_AT + ALERT_DELAY_S, tz=UTC)
    alert = Alert(
        id="ALR-1",
        fingerprint="f1",
        source="rules",
        name=alert_name,
        service="sulu",
        ci="sulu-app",
        severity=Severity.error,
        first_seen=first,
        last_seen=first,
        incident_id="INC-1",
    )
    inc = Incident(
        id="INC-1",
        title=alert_name,
        service="sulu",
        cis=["sulu-app"],
        opened_at=first,
        updated_at=first,
        alert_count=1,
    )
    return inc, [alert]


def changes_for(fault: str) -> list[ChangeRecord]:
    if fault not in CHANGES:
        return []
    kind, summary, diff = CHANGES[fault]
    at = datetime.fromtimestamp(FAULT_AT, tz=UTC) - timedelta(seconds=1)
    return [
        ChangeRecord(
            id=f"sulu:{fault}",
            ci="sulu-app",
            service="sulu",
            kind=kind,
            summary=summary,
            diff=diff,
            source="sulu",
            at=at,
            actor="sulu",
        )
    ]


def now() -> datetime:
    return datetime.fromtimestamp(END, tz=UTC)
