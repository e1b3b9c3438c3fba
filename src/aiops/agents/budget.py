"""Budgets: tokens, calls and cost per decision, incident, day and month — enforced.

Before every LLM call the guard adds the call's worst case (prompt estimate plus the
output cap) to what is already spent at each scope; if any cap would be passed, the call
is not made and the agent falls back (to `builtin` or the human queue, as configured).
The reason (`budget:per_day:cost_usd`) goes in the decision record, the log and a metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aiops.agents.config import AgentConfig, AgentsConfig, Limits, Price
from aiops.errors import BudgetExceeded

SCOPES = ("per_decision", "per_incident", "per_day", "per_month")


@dataclass
class Usage:
    tokens: int = 0
    calls: int = 0
    cost_usd: float = 0.0

    def plus(self, other: Usage) -> Usage:
        return Usage(
            self.tokens + other.tokens, self.calls + other.calls, self.cost_usd + other.cost_usd
        )


def cost_usd(price: Price | None, tokens_in: int, tokens_out: int) -> float:
    """Cost of one call; a model with no price (a local Ollama) costs nothing."""
    if price is None:
        return 0.0
    return (tokens_in * price.input_per_mtok_usd + tokens_out * price.output_per_mtok_usd) / 1e6


def estimate_tokens(text: str) -> int:
    """Rough prompt size (≈ 4 characters per token, 1 per CJK character): for the guard only."""
    cjk = sum(1 for ch in text if ord(ch) > 0x2E80)
    return (len(text) - cjk) // 4 + cjk + 1


def day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def month_start(now: datetime) -> datetime:
    return day_start(now).replace(day=1)


class BudgetGuard:
    """Counts one decision's usage against the caps of every scope."""

    def __init__(
        self, cfg: AgentsConfig, agent: AgentConfig, *, incident: Usage, day: Usage, month: Usage
    ) -> None:
        self.price = cfg.prices.get(agent.model or "")
        self.output_cap = 0
        b = cfg.budgets
        self.limits: dict[str, Limits] = {
            "per_decision": agent.budget or b.per_decision,
            "per_incident": b.per_incident,
            "per_day": b.per_day,
            "per_month": b.per_month,
        }
        self.before = {
            "per_decision": Usage(),
            "per_incident": incident,
            "per_day": day,
            "per_month": month,
        }
        self.spent = Usage()
        self.tokens_in = 0
        self.tokens_out = 0

    def check(self, prompt_tokens: int, output_cap: int) -> None:
        """Raise BudgetExceeded (naming scope and axis) if one more call could pass a cap."""
        worst = Usage(
            prompt_tokens + output_cap, 1, cost_usd(self.price, prompt_tokens, output_cap)
        )
        for scope in SCOPES:
            lim = self.limits[scope]
            total = self.before[scope].plus(self.spent).plus(worst)
            for axis, value, cap in (
                ("tokens", total.tokens, lim.tokens),
                ("calls", total.calls, lim.calls),
                ("cost_usd", total.cost_usd, lim.cost_usd),
            ):
                if cap is not None and value > cap:
                    raise BudgetExceeded(f"budget:{scope}:{axis}")

    def charge(self, tokens_in: int, tokens_out: int) -> None:
        self.tokens_in += tokens_in
        self.tokens_out += tokens_out
        self.spent = self.spent.plus(
            Usage(tokens_in + tokens_out, 1, cost_usd(self.price, tokens_in, tokens_out))
        )


__all__ = [
    "SCOPES",
    "BudgetGuard",
    "Usage",
    "cost_usd",
    "day_start",
    "estimate_tokens",
    "month_start",
]
