"""The hand-written tool-calling loop (no agent framework).

    plan  → one call that returns the investigation plan (recorded, then followed)
    steps → call; run allowed tool calls; until the model answers
    check → strict JSON schema + context checks; one repair attempt; else give up

Only tools on the agent's allow-list run; any other name gets an error result and is
recorded as refused. Every call is checked against the budget first. The loop never
raises for model behaviour: it returns a `LoopResult` whose `failure` says why the
caller must fall back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from aiops.agents.backends.base import Backend, ChatRequest, Message, ToolSpec
from aiops.agents.budget import BudgetGuard, estimate_tokens
from aiops.agents.config import AgentConfig, BackendConfig
from aiops.agents.context import Context
from aiops.agents.fencing import Redactor
from aiops.agents.outputs import OUTPUTS, check_semantics, json_schema
from aiops.agents.prompt import PLAN_SCHEMA, context_message, plan_request, system_prompt
from aiops.agents.tools import TOOLS, ToolEnv, run_tool
from aiops.errors import AiopsError, BudgetExceeded

_FENCED_JSON = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


@dataclass
class LoopResult:
    output: dict[str, Any] | None = None
    plan: list[dict[str, Any]] = field(default_factory=list)
    tools_called: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    failure: str | None = None


def parse_json(text: str) -> Any:
    """The JSON object in a reply, tolerating code fences and prose around it."""
    m = _FENCED_JSON.search(text)
    body = m.group(1) if m else text
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    return json.loads(body[start : end + 1])


def validate(agent: AgentConfig, ctx: Context, text: str) -> tuple[dict[str, Any] | None, str]:
    """(output, "") when valid, else (None, what is wrong) — said to the model on repair."""
    try:
        data = parse_json(text)
        out = OUTPUTS[agent.kind].model_validate(data)
    except (ValueError, ValidationError) as exc:
        return None, str(exc)[:1500]
    problems = check_semantics(agent.kind, out, ctx)
    if problems:
        return None, "; ".join(str(p) for p in problems)
    return out.model_dump(mode="json"), ""


class Loop:
    def __init__(
        self,
        agent: AgentConfig,
        backend: Backend,
        backend_cfg: BackendConfig | None,
        env: ToolEnv,
        guard: BudgetGuard,
        redact: Redactor,
    ) -> None:
        self.agent, self.backend, self.env, self.guard = agent, backend, env, guard
        self.max_tokens = backend_cfg.max_output_tokens if backend_cfg else 1024
        self.redact = redact
        self.system = redact(system_prompt(agent))
        self.tools = tuple(
            ToolSpec(t.value, TOOLS[t].description, TOOLS[t].parameters) for t in agent.tools
        )
        self.result = LoopResult()

    def _call(
        self, messages: list[Message], *, tools: bool, schema: dict[str, Any] | None, name: str
    ) -> Any:
        prompt = self.system + "".join(m.content for m in messages)
        self.guard.check(estimate_tokens(prompt), self.max_tokens)
        req = ChatRequest(
            self.agent.model or "",
            self.system,
            tuple(messages),
            self.tools if tools else (),
            schema,
            name,
            self.max_tokens,
        )
        reply = self.backend.complete(req)
        self.guard.charge(reply.tokens_in, reply.tokens_out)
        self.result.calls += 1
        return reply

    def run(self, ctx: Context) -> LoopResult:
        try:
            self._run(ctx)
        except BudgetExceeded as exc:
            self.result.failure = exc.message
        except AiopsError as exc:  # Retryable / Permanent from the backend
            self.result.failure = f"backend_error: {exc.message}"[:500]
        return self.result

    def _run(self, ctx: Context) -> None:
        messages = [Message("user", context_message(self.agent, ctx, self.redact))]
        if self.tools:
            messages = self._plan(messages)
        repaired = False
        for _ in range(self.agent.max_steps):
            reply = self._call(
                messages,
                tools=bool(self.tools),
                schema=json_schema(self.agent.kind),
                name=self.agent.kind.value,
            )
            if reply.tool_calls:
                messages.append(Message("assistant", reply.text, tuple(reply.tool_calls)))
                messages += [self._tool(c.id, c.name, c.arguments) for c in reply.tool_calls]
                continue
            output, problem = validate(self.agent, ctx, reply.text)
            if output is not None:
                self.result.output = output
                return
            if repaired:
                self.result.failure = f"invalid_output: {problem}"[:500]
                return
            repaired = True
            messages += [
                Message("assistant", reply.text[:4000]),
                Message(
                    "user",
                    f"That answer is not valid: {problem}\nReply with only "
                    "the corrected JSON object.",
                ),
            ]
        self.result.failure = f"step_limit: no answer within {self.agent.max_steps} steps"

    def _plan(self, messages: list[Message]) -> list[Message]:
        ask = [*messages, Message("user", plan_request(self.agent))]
        reply = self._call(ask, tools=False, schema=PLAN_SCHEMA, name="plan")
        try:
            plan = parse_json(reply.text).get("plan", [])
            self.result.plan = [
                {"tool": str(p.get("tool", ""))[:64], "why": str(p.get("why", ""))[:300]}
                for p in plan
                if isinstance(p, dict)
            ][:10]
        except (ValueError, AttributeError):
            self.result.plan = [{"tool": "", "why": "the model gave no readable plan"}]
        return [
            *ask,
            Message("assistant", json.dumps({"plan": self.result.plan})),
            Message(
                "user",
                "Follow your plan: call the tools you need, then answer with the decision JSON.",
            ),
        ]

    def _tool(self, call_id: str, name: str, arguments: str) -> Message:
        allowed = {t.value for t in self.agent.tools}
        planned = any(p["tool"] == name for p in self.result.plan)
        entry: dict[str, Any] = {"tool": name[:64], "allowed": name in allowed, "planned": planned}
        if name not in allowed:
            entry["error"] = "not on the allow-list"
            content = f"error: tool {name!r} is not allowed; allowed: {sorted(allowed)}"
        else:
            try:
                args = json.loads(arguments or "{}")
                if not isinstance(args, dict):
                    raise ValueError("arguments must be a JSON object")
            except ValueError as exc:
                entry["error"] = f"bad arguments: {exc}"
                content = f"error: bad arguments: {exc}"
            else:
                entry["args"] = args
                content = run_tool(self.env, name, args)
        self.result.tools_called.append(entry)
        return Message("tool", content, tool_call_id=call_id, name=name)


__all__ = ["Loop", "LoopResult", "parse_json", "validate"]
