"""The builtin reasoner triages, diagnoses and picks a runbook for every sulu fault."""

from __future__ import annotations

import pytest
from factories import BASELINE, FAULTS, T0, fault_context

from aiops.agents.builtin import reason
from aiops.agents.config import AgentKind
from aiops.agents.context import MemoryHit, RunbookInfo
from aiops.agents.outputs import OUTPUTS, check_semantics
from aiops.model import EventStatus, IncidentState
from aiops.model.decisions import Decision

EXPECTED = {  # fault -> (root-cause CI, cause, runbook from examples/sulu/runbooks or None)
    "stop": ("sulu-app", "service_down", "sulu-restart"),
    "slow-db": ("sulu-db", "db_slow", "sulu-db-release-locks"),
    "db-pool-exhaustion": ("sulu-db", "db_pool_exhausted", "sulu-restart-app"),
    "memory-leak": ("sulu-app", "memory_leak", "sulu-restart"),
    "cpu-hog": ("sulu-app", "cpu_runaway", "sulu-restart"),
    "error-burst": ("sulu-app", "bad_deploy", "sulu-rollback-last-change"),
    "dependency-timeout": (  # the vendor's: a workaround until it answers again
        "sulu-external-api",
        "dependency_failure",
        "sulu-open-recommendations-breaker",
    ),
    "disk-full": ("sulu-host", "disk_full", "sulu-disk-full"),
    "config-change": ("sulu-app", "bad_config", "sulu-rollback-last-change"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_builtin_handles_every_sulu_fault_with_valid_outputs(fault: str) -> None:
    ctx = fault_context(fault)
    for kind in (AgentKind.triage, AgentKind.diagnose, AgentKind.remediate):
        out = OUTPUTS[kind].model_validate(reason(kind, ctx).output)
        assert check_semantics(kind, out, ctx) == []
        assert 0 < out.confidence <= 1 and out.summary
    diag = reason(AgentKind.diagnose, ctx).output
    rem = reason(AgentKind.remediate, ctx).output
    ci, cause, runbook = EXPECTED[fault]
    assert (diag["root_cause_ci"], diag["cause_key"]) == (ci, cause)
    assert diag["evidence"], "a diagnosis cites its evidence"
    assert rem["runbook"] == runbook
    if runbook is None:
        assert cause in rem["rationale"]  # says which cause nothing in the catalogue fixes


def test_triage_keeps_policy_priority_and_flags_a_flap() -> None:
    ctx = fault_context("stop")
    out = reason(AgentKind.triage, ctx).output
    assert (out["priority"], out["category"], out["is_real"]) == (2, "availability", True)
    a = ctx.alerts[0].model_copy(update={"state": EventStatus.resolved, "resolved_at": T0})
    ctx.alerts = [a]
    ctx.events = []
    assert reason(AgentKind.triage, ctx).output["is_real"] is False


def test_diagnosis_uses_the_rca_ranking_when_present() -> None:
    ctx = fault_context(
        "slow-db",
        diagnosis={
            "summary": "db",
            "candidates": [
                {
                    "ci": "sulu-db",
                    "score": 0.9,
                    "confidence": 0.8,
                    "metric": "query_seconds",
                    "evidence": ["query latency 12x normal"],
                }
            ],
        },
    )
    out = reason(AgentKind.diagnose, ctx).output
    assert out["root_cause_ci"] == "sulu-db" and out["metric"] == "query_seconds"
    assert out["confidence"] >= 0.9  # logs and RCA agree
    assert "query latency 12x normal" in out["evidence"]


def test_remediation_without_catalogue_names_the_baseline_runbook_of_the_alert() -> None:
    baseline_only = [
        RunbookInfo("sulu-error-ratio", "", ("SuluHighErrorRatio",)),
        RunbookInfo("sulu-service-down", "", ("SuluHealthCheckFailing",)),
    ]
    out = reason(AgentKind.remediate, fault_context("stop", runbooks=baseline_only)).output
    assert out["runbook"] == "sulu-service-down"
    assert out["params"] == {"ci": "sulu-app", "service": "sulu"}


def test_resolved_incident_gets_no_runbook() -> None:
    ctx = fault_context("stop", state=IncidentState.resolved)
    assert reason(AgentKind.remediate, ctx).output["runbook"] is None


def _verdict(runbook: str, verdict: str) -> MemoryHit:
    out = {"agent_kind": "remediate", "output": {"runbook": runbook}, "verdict": verdict}
    return MemoryHit("decision", f"DEC-{runbook}", "", 1.0, out)


def test_a_wrong_verdict_vetoes_even_the_declared_fix() -> None:
    ctx = fault_context("memory-leak")
    assert reason(AgentKind.remediate, ctx).output["runbook"] == "sulu-restart"
    ctx.memory = [_verdict("sulu-restart", "wrong")]
    out = reason(AgentKind.remediate, ctx).output
    assert out["runbook"] is None and "memory_leak" in out["rationale"]


WITHOUT_BREAKER = [r for r in BASELINE if r.name != "sulu-open-recommendations-breaker"]


def test_a_right_verdict_proposes_what_people_did_when_nothing_declares_a_fix() -> None:
    ctx = fault_context("dependency-timeout", runbooks=WITHOUT_BREAKER)
    assert reason(AgentKind.remediate, ctx).output["runbook"] is None
    ctx.memory = [_verdict("sulu-scale-out", "right")]
    out = reason(AgentKind.remediate, ctx).output
    assert out["runbook"] == "sulu-scale-out" and "judged right before" in out["rationale"]
    assert out["confidence"] < 0.5  # not a declared fix: a weaker proposal


def test_a_runbook_that_failed_on_the_incident_is_not_proposed_again() -> None:
    ctx = fault_context("error-burst")
    assert reason(AgentKind.remediate, ctx).output["runbook"] == "sulu-rollback-last-change"
    ctx.incident_changes = [("sulu-rollback-last-change", "failed")]
    out = reason(AgentKind.remediate, ctx).output
    assert out["runbook"] is None and "already failed here" in out["rationale"]


def test_remediation_follows_the_upstream_diagnosis_decision() -> None:
    ctx = fault_context("stop")
    ctx.upstream = {
        "diagnose": Decision(
            id="D",
            agent="diagnose",
            kind="diagnose",
            agent_version="1",
            instructions_hash="h",
            input_digest="i",
            trigger="t",
            backend="builtin",
            created_at=T0,
            output={"root_cause_ci": "sulu-db", "cause": "slow", "confidence": 0.9},
        )
    }
    out = reason(AgentKind.remediate, ctx).output
    assert "sulu-db" in out["summary"]


def test_catalogue_reads_runbook_files_and_aliases_from_rules() -> None:
    names = {r.name: r for r in BASELINE}
    assert "sulu-restart" in names
    assert "SuluHealthCheckFailing" in names["sulu-restart"].alerts
