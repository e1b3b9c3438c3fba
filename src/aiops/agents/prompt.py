"""What an LLM agent is told: its instructions, the rules, the output contract and the
context — every piece of untrusted text redacted and fenced."""

from __future__ import annotations

import json
from typing import Any

from aiops.agents.config import AgentConfig, InputName
from aiops.agents.context import Context
from aiops.agents.fencing import FENCE_RULES, Redactor, fence
from aiops.agents.outputs import json_schema

MAX_LOG_LINES = 40

_RULES = {
    "en": "Answer with ONE JSON object matching this JSON schema, and nothing else:",
    "ja": "次の JSON スキーマに合う JSON オブジェクトを1つだけ返してください（他の文章は不要）:",
}


def system_prompt(agent: AgentConfig) -> str:
    schema = json.dumps(json_schema(agent.kind), ensure_ascii=False)
    tools = ", ".join(t.value for t in agent.tools) or "none"
    return "\n\n".join(
        [
            agent.instructions.strip() or f"You are the {agent.kind.value} agent of an IT service.",
            FENCE_RULES,
            f"Tools you may call: {tools}. Tools only read; they never change anything.",
            f"{_RULES[agent.language]}\n{schema}",
        ]
    )


PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["plan"],
    "properties": {
        "plan": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["tool", "why"],
                "properties": {"tool": {"type": "string"}, "why": {"type": "string"}},
            },
        }
    },
}


def plan_request(agent: AgentConfig) -> str:
    tools = ", ".join(t.value for t in agent.tools)
    return (
        'Before investigating, write your plan as JSON {"plan": [{"tool": ..., "why": '
        f"...}}]}}: which tools (from: {tools}), in what order, and why. Only the plan now."
    )


def context_message(agent: AgentConfig, ctx: Context, redact: Redactor) -> str:
    """The facts, as a user message; anything people outside could have written is fenced."""
    want = set(agent.inputs)
    inc = ctx.incident
    parts = [
        f"Incident {inc.id}: priority P{inc.priority}, state {inc.state.value}, "
        f"severity {inc.severity.value}, service {inc.service}, CIs {', '.join(inc.cis)}"
    ]
    parts.append("Title: " + fence(redact(inc.title), source="incident_title"))
    if InputName.alerts in want and ctx.alerts:
        lines = [
            f"{a.name} severity={a.severity.value} state={a.state.value} ci={a.ci} "
            f"count={a.count}: {a.summary}"
            for a in ctx.alerts
        ]
        parts.append("Alerts:\n" + fence(redact("\n".join(lines)), source="alerts"))
    if InputName.logs in want and ctx.events:
        lines = [
            f"{e.occurred_at:%H:%M:%S} {e.kind.value} {e.severity.value} "
            f"{e.ci or e.service}: {e.summary[:300]}"
            for e in ctx.events[:MAX_LOG_LINES]
        ]
        parts.append("Logs and events:\n" + fence(redact("\n".join(lines)), source="logs"))
    if InputName.diagnosis in want and inc.diagnosis:
        parts.append(
            "Root-cause ranking: "
            + fence(
                redact(json.dumps(inc.diagnosis, default=str, ensure_ascii=False)[:3000]),
                source="rca",
            )
        )
    if InputName.upstream in want and ctx.upstream:
        ups = {n: d.output for n, d in ctx.upstream.items()}
        parts.append(
            "Earlier agents' decisions: "
            + fence(
                redact(json.dumps(ups, ensure_ascii=False, default=str)[:3000]), source="decisions"
            )
        )
    if InputName.runbooks in want and ctx.runbooks:
        rbs = "\n".join(f"- {r.name}: {r.description}" for r in ctx.runbooks)
        parts.append("Runbooks you may propose (or null):\n" + rbs)
    if InputName.cmdb in want and ctx.cmdb is not None:
        cis = ", ".join(f"{c.name} ({c.type})" for c in ctx.cmdb.cis if c.service == inc.service)
        parts.append(f"CIs of {inc.service}: {cis}")
    if InputName.memory in want and ctx.memory:
        mem = "\n".join(
            f"{h.kind} {h.ref} verdict={h.data.get('verdict')}: {h.text[:200]}"
            for h in ctx.memory[:5]
        )
        parts.append("Similar past cases:\n" + fence(redact(mem), source="memory"))
    return "\n\n".join(parts)


__all__ = ["PLAN_SCHEMA", "context_message", "plan_request", "system_prompt"]
