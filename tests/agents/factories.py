"""Sulu incidents as the baseline rules and the logs show each fault."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiops.agents.catalogue import load_catalogue
from aiops.agents.context import Context, RunbookInfo
from aiops.cmdb.loader import load_cmdb
from aiops.model import Alert, Event, EventKind, Incident, Severity

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sulu"
T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
CMDB = load_cmdb(EXAMPLES / "cmdb.yaml")
BASELINE = load_catalogue(EXAMPLES)

_SEV = {
    "SuluHighErrorRatio": "error",
    "SuluHighLatencyP95": "warning",
    "SuluHealthCheckFailing": "critical",
    "SuluErrorLogBurst": "error",
}

# fault -> (alerts, log lines), as examples/sulu/rules.yaml and aiops.sim log them
FAULTS: dict[str, tuple[list[str], list[str]]] = {
    "stop": (
        ["SuluHealthCheckFailing"],
        [
            "shutdown requested by operator: stopping service",
            "service stopping: shutdown signal received",
        ],
    ),
    "slow-db": (
        ["SuluHighLatencyP95"],
        ["slow query: list_articles took 1.52s", "slow query: get_article took 1.61s"],
    ),
    "db-pool-exhaustion": (
        ["SuluHighLatencyP95", "SuluErrorLogBurst"],
        [
            "db pool: connection checked out by job=export-orders not returned (leaked=4/4)",
            "PoolTimeout: no connection available after 5.0s",
        ],
    ),
    "memory-leak": (
        ["SuluHighLatencyP95"],
        ["session store growing without eviction: entries=90000 size=320MB"],
    ),
    "cpu-hog": (
        ["SuluHighLatencyP95"],
        ["search index rebuild started (no rate limit)", "event loop blocked for 0.42s"],
    ),
    "error-burst": (
        ["SuluHighErrorRatio", "SuluErrorLogBurst"],
        [
            "deploy: sulu 1.4.2 -> 1.4.3-bad",
            "unhandled exception in GET /api/articles: injected bug in 1.4.3-bad",
        ],
    ),
    "dependency-timeout": (
        ["SuluHighLatencyP95", "SuluHighErrorRatio"],
        ["upstream timeout: GET http://127.0.0.1:8083/v1/recommendations timed out after 2.0s"],
    ),
    "disk-full": (["SuluHighErrorRatio"], ["OperationalError: database or disk is full"]),
    "config-change": (
        ["SuluHighLatencyP95"],
        ["config reloaded: cache.ttl_s 60 -> 0.0, db.query_plan index -> scan"],
    ),
}


def alert(name: str, i: int = 0, **over: Any) -> Alert:
    data: dict[str, Any] = dict(
        id=f"ALR-{i}",
        fingerprint=f"fp-{name}",
        source="rules",
        name=name,
        service="sulu",
        ci="sulu-app",
        severity=Severity(_SEV.get(name, "warning")),
        summary=f"sulu: {name}",
        labels={"alertname": name, "runbook": ""},
        first_seen=T0,
        last_seen=T0,
        count=3,
        incident_id="INC-1",
    )
    data.update(over)
    return Alert(**data)


def log(text: str, i: int = 0, kind: EventKind = EventKind.log) -> Event:
    return Event(
        id=f"EV-{i}-{abs(hash(text)) % 10**8}",
        source="logfile",
        kind=kind,
        service="sulu",
        ci="sulu-app",
        severity=Severity.error,
        summary=text,
        occurred_at=T0 + timedelta(seconds=i),
        received_at=T0 + timedelta(seconds=i),
        fingerprint=f"log-{i}",
    )


def incident(**over: Any) -> Incident:
    data: dict[str, Any] = dict(
        id="INC-1",
        title="sulu: high error ratio",
        service="sulu",
        cis=["sulu-app"],
        severity=Severity.error,
        impact=1,
        urgency=2,
        priority=2,
        opened_at=T0,
        updated_at=T0,
        alert_count=1,
    )
    data.update(over)
    return Incident(**data)


def fault_context(fault: str, *, runbooks: list[RunbookInfo] | None = None, **over: Any) -> Context:
    names, lines = FAULTS[fault]
    alerts = [alert(n, i) for i, n in enumerate(names)]
    inc = incident(**{"title": f"sulu: {names[0]}", **over})
    return Context(
        incident=inc,
        alerts=alerts,
        events=[log(t, i) for i, t in enumerate(lines)],
        cmdb=CMDB,
        runbooks=BASELINE if runbooks is None else runbooks,
        now=T0,
    )
