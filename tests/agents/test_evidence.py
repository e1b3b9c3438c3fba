"""The builtin reasoner reads evidence from the incident's own episode, cause before symptom."""

from __future__ import annotations

from datetime import timedelta

from factories import T0, fault_context, log

from aiops.agents.builtin import reason
from aiops.agents.config import AgentKind
from aiops.agents.evidence import findings, onset, suspects
from aiops.model import EventKind
from aiops.model.changes import ChangeRecord


def _change(minutes_before: float, kind: str, summary: str, diff: dict) -> ChangeRecord:
    return ChangeRecord(
        id=f"CR-{summary}",
        source="sulu",
        kind=kind,
        ci="sulu-app",
        service="sulu",
        summary=summary,
        at=T0 - timedelta(minutes=minutes_before),
        diff=diff,
    )


def _shifted(text: str, seconds: float, i: int):
    e = log(text, i)
    at = T0 + timedelta(seconds=seconds)
    return e.model_copy(update={"occurred_at": at, "received_at": at})


def test_lines_from_an_earlier_fault_do_not_steer_the_diagnosis() -> None:
    ctx = fault_context("memory-leak")
    old = [_shifted("slow query: list_articles took 1.5s", -600 + k, 100 + k) for k in range(30)]
    ctx.events = [*ctx.events, *old]  # ten minutes before: the previous incident's lines
    assert findings(ctx)[0].sig.key == "memory_leak"
    assert reason(AgentKind.diagnose, ctx).output["cause_key"] == "memory_leak"


def test_a_change_just_before_the_onset_outweighs_a_flood_of_symptoms() -> None:
    ctx = fault_context("slow-db")  # slow queries ...
    ctx.events = [_shifted(f"slow query: q{k} took 1.6s", k, k) for k in range(50)]
    ctx.changes = [_change(2, "config", "config reloaded", {"db.query_plan": ["index", "scan"]})]
    top = findings(ctx)[0]
    assert top.sig.key == "bad_config" and "config: config reloaded" in top.examples
    out = reason(AgentKind.remediate, ctx).output
    assert out["runbook"] == "sulu-rollback-last-change"


def test_a_reverted_change_is_no_suspect() -> None:
    ctx = fault_context("slow-db")
    diff = {"db.query_plan": ["index", "scan"]}
    ctx.changes = [
        _change(10, "config", "config reloaded", diff),
        _change(5, "config", "config rolled back", {"db.query_plan": ["scan", "index"]}),
    ]
    assert suspects(ctx, onset(ctx)) == []  # nor is the revert: it restored what worked
    assert findings(ctx)[0].sig.key == "db_slow"


def test_the_ranking_onset_and_its_suspects_are_preferred() -> None:
    at = T0 - timedelta(minutes=3)
    ctx = fault_context(
        "error-burst",
        diagnosis={
            "onset": at.isoformat(),
            "candidates": [{"ci": "sulu-app", "score": 1, "confidence": 0.9}],
            "changes": [{"ci": "sulu-app", "at": (at - timedelta(seconds=20)).timestamp(),
                         "summary": "deploy: deploy sulu 1.4.2 -> 1.5.0"}],
        },
    )  # fmt: skip
    assert onset(ctx) == at
    f = findings(ctx)
    assert f[0].sig.key == "bad_deploy" and f[0].examples[0].startswith("deploy: deploy sulu")


def test_a_signal_or_health_event_is_evidence_too() -> None:
    ctx = fault_context("disk-full")
    sig = log("level_shift: rate:sulu_log_write_errors_total is 9.5, above its normal 0", 0,
              kind=EventKind.signal)  # fmt: skip
    ctx.events = [sig]
    assert findings(ctx)[0].sig.key == "disk_full"


def test_the_tail_of_the_previous_fault_counts_for_little() -> None:
    """A bad deploy was rolled back seconds before a vendor outage began: its error lines
    still trickle in around the onset, but they were more frequent just before it."""
    ctx = fault_context("dependency-timeout")
    tail = [_shifted("unhandled exception in GET /: KeyError: 'author_id'", s, 100 + k)
            for k, s in enumerate(range(-50, -4, 2))]  # fmt: skip
    now = [_shifted("upstream timeout: GET /v1/recommendations timed out after 2.0s", s, 200 + s)
           for s in (0, 4)]  # fmt: skip
    ctx.events = [*tail, *now]
    assert findings(ctx)[0].sig.key == "dependency_failure"


def _realistic(first: list[str], then: list[str]) -> list:  # type: ignore[type-arg]
    out = [_shifted(t, k, k) for k, t in enumerate(first)]
    out += [_shifted(t, 3 + k * 0.5, 50 + k) for k, t in enumerate(then)]
    return out


def test_slow_queries_then_an_exhausted_pool_is_a_slow_database() -> None:
    """Slow queries hold the connections: the pool exhausts soon after, and louder, and
    the health check fails. The first sign names the cause."""
    ctx = fault_context("slow-db")
    ctx.alerts = [*ctx.alerts, ctx.alerts[0].model_copy(update={"name": "SuluHealthCheckFailing"})]
    ctx.events = _realistic(
        ["slow query: list_articles took 1.52s", "slow query: get_article took 1.61s"],
        ["connection pool exhausted: timeout after 3.0s waiting for connection",
         "slow query: list_articles took 1.55s"] * 12 + ["GET /healthz 503"] * 6,
    )  # fmt: skip
    assert findings(ctx)[0].sig.key == "db_slow"
    assert reason(AgentKind.remediate, ctx).output["runbook"] == "sulu-db-release-locks"


def test_a_leaked_connection_then_an_exhausted_pool_is_an_exhausted_pool() -> None:
    ctx = fault_context("db-pool-exhaustion")
    ctx.events = _realistic(
        [f"db pool: connection checked out by job=report-export not returned (leaked={i}/4)"
         for i in (1, 2, 3, 4)],
        ["connection pool exhausted: timeout after 3.0s waiting for connection"] * 12
        + ["GET /healthz 503"] * 6,
    )  # fmt: skip
    assert findings(ctx)[0].sig.key == "db_pool_exhausted"
    assert reason(AgentKind.remediate, ctx).output["runbook"] == "sulu-restart-app"
