"""Fault signatures the builtin reasoner recognises in logs, changes and alerts.

A signature is evidence, not an instruction: it only adds weight to a cause, a CI type
and the words used to look up a runbook. The runbook query is built from these fixed
words, never from free log text, so a hostile log line cannot steer the choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    key: str  # a cause of the vocabulary (aiops.model.causes)
    cause: str
    ci_type: str  # CMDB CI type the cause sits on
    category: str  # triage category
    pattern: re.Pattern[str]
    words: str  # runbook lookup words
    alerts: tuple[str, ...] = ()  # alert names that hint at it (weaker than logs)


def _p(text: str) -> re.Pattern[str]:
    return re.compile(text, re.I)


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "db_pool_exhausted",
        "database connection pool exhausted (connections not returned)",
        "database",
        "performance",
        _p(
            r"db pool|pool ?timeouts?|pool exhausted|connection checked out|waiting for a "
            r"(db )?connection|db_pool_(in_use|timeouts)|接続プール"
        ),
        "restart app application connection pool leak release",
    ),
    Signature(
        "db_slow",
        "database queries are slow",
        "database",
        "performance",
        _p(r"slow query|query took|lock wait|db_query_duration|遅いクエリ"),
        "database slow query restart app",
    ),
    Signature(
        "disk_full",
        "disk full: writes fail",
        "host",
        "capacity",
        _p(
            r"disk is full|no space left|enospc|lines lost|log_write_errors|write errors?\b|ディスク"
        ),
        "disk full free space purge logs",
    ),
    Signature(
        "memory_leak",
        "memory leak in the application",
        "app",
        "capacity",
        _p(r"session store growing|out of memory|memoryerror|oom"),
        "memory leak restart app application",
    ),
    Signature(
        "cpu_runaway",
        "runaway CPU work in the application",
        "app",
        "capacity",
        _p(r"index rebuild|event loop blocked|cpu"),
        "cpu load scale out restart",
    ),
    Signature(
        "dependency_failure",
        "the external dependency times out",
        "external_api",
        "errors",
        _p(r"upstream timeout|external api|recommendations.*timed out"),
        "external dependency upstream timeout circuit breaker",
    ),
    Signature(
        "bad_deploy",
        "a bad deploy makes requests fail",
        "app",
        "change",
        _p(r"deploy: |unhandled exception|injectedbug|release"),
        "roll back rollback deploy release change",
    ),
    Signature(
        "bad_config",
        "a configuration change degraded the service",
        "app",
        "change",
        _p(r"config reloaded|config(uration)? change|cache\.ttl"),
        "roll back rollback config change",
    ),
    Signature(
        "service_down",
        "the service is down (stopped or not answering)",
        "app",
        "availability",
        # not the failing health check itself: a slow database fails it too
        _p(r"service stopping|shutdown|connection refused|not answering|\bup\{[^}]*\} is 0\b"),
        "restart service down start",
    ),
)

# Alert name words -> triage category, for incidents no signature explains.
ALERT_CATEGORY: tuple[tuple[re.Pattern[str], str], ...] = (
    (_p(r"health|down|unavailable|probe"), "availability"),
    (_p(r"latency|slow|p9\d"), "performance"),
    (_p(r"error|5xx|fail"), "errors"),
    (_p(r"disk|memory|cpu|capacity"), "capacity"),
)

__all__ = ["ALERT_CATEGORY", "SIGNATURES", "Signature"]
