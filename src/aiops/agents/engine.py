"""One decision: run the agent's backend (or the builtin reasoner), enforce the budget,
fall back visibly, and return the `Decision` record with everything needed to audit it."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime

import structlog

from aiops.agents.budget import BudgetGuard, Usage
from aiops.agents.builtin import reason
from aiops.agents.config import AgentConfig, AgentsConfig, Fallback
from aiops.agents.context import Context, input_digest
from aiops.agents.fencing import Redactor
from aiops.agents.loop import Loop
from aiops.agents.metrics import AgentMetrics
from aiops.agents.outputs import OUTPUTS
from aiops.agents.registry import BackendPool
from aiops.agents.tools import ToolEnv
from aiops.errors import ConfigError
from aiops.model.decisions import Decision

log = structlog.get_logger("aiops.agents")


@dataclass
class Spent:
    """What was already spent at the wider scopes, from the decision log."""

    incident: Usage
    day: Usage
    month: Usage


class Engine:
    def __init__(
        self,
        cfg: AgentsConfig,
        *,
        backends: BackendPool | None = None,
        metrics: AgentMetrics | None = None,
        policy_version: str | None = None,
    ) -> None:
        self.cfg = cfg
        self.backends = backends or BackendPool(cfg.backends)
        self.metrics = metrics or AgentMetrics()
        self.policy_version = policy_version
        self.redact = Redactor(self.backends.secrets())

    def decide(
        self,
        agent: AgentConfig,
        ctx: Context,
        env: ToolEnv,
        *,
        trigger: str,
        trigger_key: str,
        spent: Spent,
        now: datetime,
    ) -> Decision:
        start = time.perf_counter()
        env.redact = self.redact
        base = Decision(
            id="DEC-" + uuid.uuid4().hex[:16],
            incident_id=ctx.incident.id,
            agent=agent.name,
            kind=agent.kind.value,
            agent_version=agent.instructions_version,
            instructions_hash=agent.instructions_hash,
            policy_version=self.policy_version,
            input_digest=input_digest(ctx),
            trigger=trigger,
            trigger_key=trigger_key,
            backend="builtin",
            autonomy=agent.autonomy,
            created_at=now,
        )
        fallback: str | None = None
        to = agent.fallback
        d = base
        if agent.uses_llm:
            guard = BudgetGuard(
                self.cfg, agent, incident=spent.incident, day=spent.day, month=spent.month
            )
            result = self._llm(agent, ctx, env, guard)
            cost = guard.spent.cost_usd
            d = base.model_copy(
                update={
                    "backend": self.cfg.backends[agent.backend].kind,
                    "model": agent.model,
                    "plan": result.plan,
                    "tools_called": result.tools_called,
                    "calls": result.calls,
                    "tokens_in": guard.tokens_in,
                    "tokens_out": guard.tokens_out,
                    "cost_usd": round(cost, 8),
                }
            )
            if result.output is not None:
                d = _with_output(d, result.output)
            else:
                fallback = (result.failure or "no_output")[:500]
                if fallback.startswith("budget:"):
                    to = self.cfg.budgets.on_exceeded
        if not agent.uses_llm or fallback is not None:
            d = self._fallback(d, agent, ctx, to if fallback else Fallback.builtin, fallback)
        d = d.model_copy(update={"latency_ms": round((time.perf_counter() - start) * 1000, 2)})
        self._observe(d)
        return d

    def _llm(self, agent: AgentConfig, ctx: Context, env: ToolEnv, guard: BudgetGuard):  # type: ignore[no-untyped-def]
        from aiops.agents.loop import LoopResult

        try:
            backend = self.backends.get(agent.backend)
        except ConfigError as exc:
            return LoopResult(failure=f"backend_error: {exc.message}")
        return Loop(
            agent, backend, self.cfg.backends.get(agent.backend), env, guard, self.redact
        ).run(ctx)

    def _fallback(
        self, d: Decision, agent: AgentConfig, ctx: Context, to: Fallback, reason_: str | None
    ) -> Decision:
        if reason_ is not None:
            log.warning(
                "agent.fallback",
                agent=agent.name,
                incident_id=ctx.incident.id,
                reason=reason_,
                to=to.value,
            )
        if to is Fallback.human:
            return d.model_copy(
                update={
                    "backend": "human",
                    "fallback": reason_,
                    "output": {},
                    "summary": f"waiting for a person ({reason_})",
                    "confidence": None,
                }
            )
        r = reason(agent.kind, ctx)
        out = OUTPUTS[agent.kind].model_validate(r.output).model_dump(mode="json")
        plan = d.plan if d.plan else r.plan
        return _with_output(
            d.model_copy(update={"backend": "builtin", "fallback": reason_, "plan": plan}), out
        )

    def _observe(self, d: Decision) -> None:
        m = self.metrics
        m.decisions.labels(d.agent, d.backend).inc()
        if d.fallback:
            m.fallbacks.labels(
                d.agent,
                d.fallback.split(":", 1)[0]
                if not d.fallback.startswith("budget:")
                else ":".join(d.fallback.split(":")[:2]),
            ).inc()
        if d.tokens:
            m.tokens.labels(d.agent).inc(d.tokens)
        if d.cost_usd:
            m.cost.labels(d.agent).inc(d.cost_usd)
        log.info(
            "agent.decision",
            agent=d.agent,
            incident_id=d.incident_id,
            backend=d.backend,
            model=d.model,
            fallback=d.fallback,
            confidence=d.confidence,
            tokens=d.tokens,
        )


def _with_output(d: Decision, output: dict[str, object]) -> Decision:
    conf = output.get("confidence")
    ev = output.get("evidence")
    return d.model_copy(
        update={
            "output": output,
            "summary": str(output.get("summary", ""))[:2000],
            "confidence": float(conf) if isinstance(conf, int | float) else None,
            "evidence": [str(e) for e in ev] if isinstance(ev, list) else [],
        }
    )


__all__ = ["Engine", "Spent"]
