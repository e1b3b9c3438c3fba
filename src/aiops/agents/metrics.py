"""Prometheus counters for agents: decisions, fallbacks (by reason), tokens and cost."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class AgentMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        r = registry if registry is not None else CollectorRegistry()
        self.decisions = Counter(
            "aiops_agent_decisions",
            "Agent decisions, by agent and backend.",
            ["agent", "backend"],
            registry=r,
        )
        self.fallbacks = Counter(
            "aiops_agent_fallbacks",
            "Decisions not made by the configured backend, by reason.",
            ["agent", "reason"],
            registry=r,
        )
        self.tokens = Counter(
            "aiops_agent_tokens", "LLM tokens used, by agent.", ["agent"], registry=r
        )
        self.cost = Counter(
            "aiops_agent_cost_usd", "LLM cost in USD, by agent.", ["agent"], registry=r
        )


__all__ = ["AgentMetrics"]
