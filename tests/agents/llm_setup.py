"""Helpers to run one LLM agent decision against a backend."""

from __future__ import annotations

from typing import Any

from factories import T0, fault_context

from aiops.agents.budget import Usage
from aiops.agents.config import AgentConfig, AgentsConfig, BackendConfig
from aiops.agents.context import Context
from aiops.agents.engine import Engine, Spent
from aiops.agents.registry import BackendPool
from aiops.agents.tools import ToolEnv
from aiops.model.decisions import Decision

DIAG = {
    "summary": "bad deploy on sulu-app",
    "confidence": 0.8,
    "evidence": ["deploy line"],
    "root_cause_ci": "sulu-app",
    "cause": "bad deploy",
}
PLAN = {"plan": [{"tool": "log_search", "why": "find errors"}]}


def agents_cfg(
    base_url: str = "http://127.0.0.1:9/v1",
    *,
    kind: str = "diagnose",
    tools: tuple[str, ...] = ("log_search",),
    backend: dict[str, Any] | None = None,
    **agent: Any,
) -> AgentsConfig:
    b = {
        "kind": "openai_compat",
        "base_url": base_url,
        "max_retries": 0,
        "timeout_s": 5,
        **(backend or {}),
    }
    return AgentsConfig.model_validate(
        {
            "backends": {"llm": b},
            "prices": {"m": {"input_per_mtok_usd": 1000, "output_per_mtok_usd": 2000}},
            "agents": [
                {
                    "name": kind,
                    "kind": kind,
                    "backend": "llm",
                    "model": "m",
                    "tools": list(tools),
                    "trigger": {"on": "opened"},
                    **agent,
                }
            ],
        }
    )


def decide(
    cfg: AgentsConfig,
    ctx: Context | None = None,
    *,
    spent: Spent | None = None,
    overrides: dict[str, Any] | None = None,
) -> Decision:
    ctx = ctx or fault_context("error-burst")
    engine = Engine(cfg, backends=BackendPool(cfg.backends, overrides))
    return engine.decide(
        cfg.agents[0],
        ctx,
        ToolEnv(ctx),
        trigger="opened",
        trigger_key="k",
        spent=spent or Spent(Usage(), Usage(), Usage()),
        now=T0,
    )


def agent(cfg: AgentsConfig) -> AgentConfig:
    return cfg.agents[0]


def backend_cfg(cfg: AgentsConfig) -> BackendConfig:
    return cfg.backends["llm"]
