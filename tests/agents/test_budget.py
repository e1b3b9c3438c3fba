"""Budgets are enforced per decision, incident, day and month, and fallbacks are visible."""

from __future__ import annotations

import pytest
from llm_server import ScriptedLLM, answer
from llm_setup import DIAG, agents_cfg, decide

from aiops.agents.budget import BudgetGuard, Usage, cost_usd, estimate_tokens
from aiops.agents.config import Fallback, Limits, Price
from aiops.agents.engine import Spent
from aiops.errors import BudgetExceeded


def _cfg(url: str, **budgets):  # type: ignore[no-untyped-def]
    cfg = agents_cfg(url, tools=())
    for scope, limits in budgets.items():
        setattr(cfg.budgets, scope, Limits(**limits))
    return cfg


def test_cost_from_the_price_table() -> None:
    assert cost_usd(
        Price(input_per_mtok_usd=3, output_per_mtok_usd=15), 1000, 100
    ) == pytest.approx(0.0045)
    assert cost_usd(None, 10**6, 10**6) == 0.0  # a local model costs nothing


def test_guard_names_scope_and_axis() -> None:
    cfg = _cfg("http://x", per_month={"cost_usd": 1.0})
    guard = BudgetGuard(cfg, cfg.agents[0], incident=Usage(), day=Usage(), month=Usage(0, 0, 0.99))
    with pytest.raises(BudgetExceeded, match="budget:per_month:cost_usd"):
        guard.check(prompt_tokens=100, output_cap=1024)


@pytest.mark.parametrize(
    ("scope", "spent"),
    [
        ("per_incident", Spent(Usage(0, 20, 0.0), Usage(), Usage())),
        ("per_day", Spent(Usage(), Usage(0, 0, 4.99), Usage())),
        ("per_month", Spent(Usage(), Usage(), Usage(10**6, 0, 0))),
    ],
)
def test_exhausted_budget_falls_back_without_calling_the_llm(
    llm_server: ScriptedLLM, scope: str, spent: Spent
) -> None:
    limits = {
        "per_incident": {"calls": 20},
        "per_day": {"cost_usd": 5.0},
        "per_month": {"tokens": 10**6},
    }[scope]
    llm_server.push(answer(DIAG))
    d = decide(_cfg(llm_server.base_url, **{scope: limits}), spent=spent)
    assert llm_server.requests == []  # enforced before the call
    assert d.backend == "builtin" and d.fallback.startswith(f"budget:{scope}:")
    assert d.output["root_cause_ci"] == "sulu-app"


def test_on_exceeded_human_sends_the_decision_to_people(llm_server: ScriptedLLM) -> None:
    cfg = _cfg(llm_server.base_url, per_decision={"tokens": 10})
    cfg.budgets.on_exceeded = Fallback.human
    d = decide(cfg)
    assert d.backend == "human" and d.fallback == "budget:per_decision:tokens"


def test_per_decision_budget_stops_a_long_investigation(llm_server: ScriptedLLM) -> None:
    from llm_server import tool_calls

    cfg = agents_cfg(llm_server.base_url, tools=("log_search",), budget={"calls": 2})

    llm_server.push(answer({"plan": []}), tool_calls(("log_search", {"query": "x"})), answer(DIAG))
    d = decide(cfg)
    assert d.fallback == "budget:per_decision:calls"
    assert d.calls == 2 and len(llm_server.requests) == 2
    assert d.tools_called[0]["tool"] == "log_search"  # the work done so far is on record


def test_estimate_counts_japanese_characters() -> None:
    assert estimate_tokens("根本原因") >= 4 > estimate_tokens("abcd")


def test_fallbacks_are_counted_in_metrics(llm_server: ScriptedLLM) -> None:
    from factories import T0, fault_context
    from prometheus_client import CollectorRegistry, generate_latest

    from aiops.agents.engine import Engine
    from aiops.agents.metrics import AgentMetrics
    from aiops.agents.tools import ToolEnv

    reg = CollectorRegistry()
    cfg = _cfg(llm_server.base_url, per_day={"cost_usd": 0.0})
    ctx = fault_context("stop")
    Engine(cfg, metrics=AgentMetrics(reg)).decide(
        cfg.agents[0],
        ctx,
        ToolEnv(ctx),
        trigger="opened",
        trigger_key="k",
        spent=Spent(Usage(), Usage(), Usage()),
        now=T0,
    )
    text = generate_latest(reg).decode()
    assert 'aiops_agent_fallbacks_total{agent="diagnose",reason="budget:per_day"} 1.0' in text
