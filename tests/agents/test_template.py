"""The `_decisions.html` partial renders a decision with its evidence, plan, cost and fallback."""

from __future__ import annotations

from pathlib import Path

from factories import T0
from jinja2 import Environment, FileSystemLoader, select_autoescape

from aiops.model.decisions import Autonomy, Decision

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "aiops" / "web" / "site" / "templates"


def _render(decisions: list[Decision]) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    env.filters["when"] = lambda v: v.isoformat() if v else "—"
    return env.get_template("_decisions.html").render(decisions=decisions, t=lambda k: k)


def test_partial_shows_proposal_evidence_plan_cost_and_fallback() -> None:
    d = Decision(
        id="DEC-1",
        incident_id="INC-1",
        agent="remediate",
        kind="remediate",
        agent_version="1",
        instructions_hash="a" * 64,
        input_digest="i",
        trigger="after:diagnose",
        backend="builtin",
        model=None,
        plan=[{"tool": "runbook_catalogue", "why": "what may be proposed"}],
        tools_called=[{"tool": "shell", "allowed": False}],
        output={
            "runbook": "sulu-restart",
            "params": {"ci": "sulu-app"},
            "rationale": "baseline runbook of SuluHealthCheckFailing",
        },
        summary="run sulu-restart",
        confidence=0.9,
        evidence=["<script>x</script>"],
        autonomy=Autonomy.approve,
        fallback="budget:per_day:cost_usd",
        tokens_in=10,
        tokens_out=5,
        cost_usd=0.0123,
        latency_ms=12.3,
        created_at=T0,
    )
    html = _render([d])
    for text in (
        "remediate",
        "sulu-restart",
        "ci=sulu-app",
        "90%",
        "approve",
        "budget:per_day:cost_usd",
        "runbook_catalogue",
        "15 tokens",
        "$0.0123",
        "12 ms",
        "refused",
    ):
        assert text in html, text
    assert "<script>x</script>" not in html  # evidence is escaped


def test_partial_without_decisions_says_so() -> None:
    assert "No agent decision yet." in _render([])
