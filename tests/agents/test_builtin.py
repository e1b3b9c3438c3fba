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

EXPECTED = {  # fault -> (root-cause CI, runbook from examples/sulu/runbooks)
    "stop": ("sulu-app", "sulu-restart"),
    "slow-db": ("sulu-db", "sulu-restart-app"),
    "db-pool-exhaustion": ("sulu-db", "sulu-restart-app"),
    "memory-leak": ("sulu-app", "sulu-restart-app"),
    "cpu-hog": ("sulu-app", "sulu-scale-out"),
    "error-burst": ("sulu-app", "sulu-rollback-last-change"),
    "dependency-timeout": ("sulu-external-api", None),
    "disk-full": ("sulu-host", "sulu-disk-full"),
    "config-change": ("sulu-app", "sulu-rollback-last-change"),
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
    ci, runbook = EXPECTED[fault]
    assert diag["root_cause_ci"] == ci
    assert diag["evidence"], "a diagnosis cites its evidence"
    assert rem["runbook"] in ctx.runbook_names  # every fault gets a proposal
    if runbook is not None:
        assert rem["runbook"] == runbook


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


def test_feedback_wrong_verdict_steers_away_and_right_verdict_towards() -> None:
    ctx = fault_context("dependency-timeout")
    first = reason(AgentKind.remediate, ctx).output["runbook"]
    ctx.memory = [
        MemoryHit(
            "decision",
            "DEC-1",
            "",
            1.0,
            {"agent_kind": "remediate", "output": {"runbook": first}, "verdict": "wrong"},
        )
    ]
    second = reason(AgentKind.remediate, ctx).output["runbook"]
    assert second != first
    ctx.memory = [
        MemoryHit(
            "decision",
            "DEC-2",
            "",
            1.0,
            {
                "agent_kind": "remediate",
                "output": {"runbook": "sulu-scale-out"},
                "verdict": "right",
            },
        )
    ]
    assert reason(AgentKind.remediate, ctx).output["runbook"] == "sulu-scale-out"


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
