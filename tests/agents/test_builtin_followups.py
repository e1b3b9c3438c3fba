"""The builtin review draft, change-risk assessment and request classifier."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import BASELINE, T0, fault_context, incident

from aiops.agents.builtin import reason
from aiops.agents.config import AgentKind
from aiops.agents.context import MemoryHit
from aiops.agents.outputs import OUTPUTS, check_semantics
from aiops.model import IncidentState


def _valid(kind: AgentKind, ctx) -> dict:  # type: ignore[no-untyped-def]
    out = reason(kind, ctx).output
    model = OUTPUTS[kind].model_validate(out)
    assert check_semantics(kind, model, ctx) == []
    return out


def test_the_review_tells_what_happened_and_what_to_follow_up() -> None:
    no_workaround = [r for r in BASELINE if r.name != "sulu-open-recommendations-breaker"]
    ctx = fault_context("dependency-timeout", runbooks=no_workaround)
    ctx.incident = ctx.incident.model_copy(update={
        "state": IncidentState.resolved, "resolved_at": T0 + timedelta(minutes=42)})  # fmt: skip
    ctx.memory = [MemoryHit("incident", "INC-OLD", "upstream timeouts", 3.0)]
    out = _valid(AgentKind.review, ctx)
    assert "42 min" in out["what_happened"] and "SuluHighLatencyP95" in out["what_happened"]
    assert "No change was made" in out["what_happened"]
    actions = " | ".join(out["actions"])
    assert "Write a runbook for dependency_failure" in actions  # nothing in the catalogue
    assert "INC-OLD" in actions  # recurrence: a problem record is due


def test_the_review_asks_to_review_a_failed_runbook_and_a_bad_change() -> None:
    ctx = fault_context("error-burst")
    ctx.incident_changes = [("sulu-rollback-last-change", "failed")]
    actions = " | ".join(_valid(AgentKind.review, ctx)["actions"])
    assert "Review runbook sulu-rollback-last-change: it failed" in actions
    assert "review how it was tested and released" in actions


def test_change_risk_starts_from_the_declared_risk_and_rises_with_the_record() -> None:
    ctx = fault_context("memory-leak")  # -> sulu-restart, declared low, fixes memory_leak
    assert _valid(AgentKind.change_risk, ctx)["risk"] == "low"
    ctx.incident = incident(priority=1)  # P1: one level up
    assert _valid(AgentKind.change_risk, ctx)["risk"] == "medium"
    ctx.incident_changes = [("sulu-restart", "failed")]  # failed here before: remediate
    out = _valid(AgentKind.change_risk, ctx)  # now proposes nothing (it failed): low
    assert out["risk"] == "low" and "nothing to assess" in out["summary"]


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("sulu is down, pages fail with 502", "incident"),
        ("Please grant me access to the sulu dashboard", "service_request"),
        ("How do I export articles from sulu?", "question"),
        ("sulu の記事ページが遅い", "incident"),
        ("アカウントの作成をお願いします", "service_request"),
        ("lunch menu", "other"),
    ],
)
def test_requests_are_classified_by_fixed_words_and_name_their_service(
    title: str, category: str
) -> None:
    ctx = fault_context("stop")
    ctx.incident = incident(title=title, service=None)
    ctx.events = []
    out = _valid(AgentKind.request, ctx)
    assert out["category"] == category
    assert out["service"] == ("sulu" if "sulu" in title else None)
