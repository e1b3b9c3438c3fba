"""Anthropic Messages API through the `anthropic` SDK (tool_use / tool_result blocks)."""

from __future__ import annotations

import json
from typing import Any

from aiops.agents.backends.base import ChatReply, ChatRequest, Message, ToolCall, api_key
from aiops.agents.config import BackendConfig
from aiops.errors import Permanent, Retryable


class AnthropicBackend:
    kind = "anthropic"

    def __init__(self, cfg: BackendConfig, *, http_client: Any = None) -> None:
        import anthropic

        self.cfg = cfg
        self._sdk = anthropic
        kwargs: dict[str, Any] = {
            "api_key": api_key(cfg) or "not-set",
            "timeout": cfg.timeout_s,
            "max_retries": cfg.max_retries,
            "http_client": http_client,
        }
        if cfg.base_url:
            kwargs["base_url"] = cfg.base_url
        self.client = anthropic.Anthropic(**kwargs)

    def complete(self, req: ChatRequest) -> ChatReply:
        kwargs: dict[str, Any] = {
            "model": req.model,
            "system": req.system,
            "messages": _wire(req.messages),
            "max_tokens": req.max_tokens,
        }
        if req.tools:
            kwargs["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters}
                for t in req.tools
            ]
        a = self._sdk
        try:
            resp = self.client.messages.create(**kwargs)
        except (
            a.RateLimitError,
            a.InternalServerError,
            a.APITimeoutError,
            a.APIConnectionError,
        ) as exc:
            raise Retryable(f"anthropic: {type(exc).__name__}: {exc}") from exc
        except a.APIError as exc:
            raise Permanent(f"anthropic: {type(exc).__name__}: {exc}") from exc
        text, calls = [], []
        for block in resp.content:
            if block.type == "text":
                text.append(block.text)
            elif block.type == "tool_use":
                calls.append(ToolCall(block.id, block.name, json.dumps(block.input)))
        return ChatReply("".join(text), calls, resp.usage.input_tokens, resp.usage.output_tokens)


def _wire(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """Neutral → Anthropic: tool results travel in a user turn, consecutive ones merged."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.tool_call_id, "content": m.content}
            if out and out[-1]["role"] == "user" and isinstance(out[-1]["content"], list):
                out[-1]["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
        elif m.role == "assistant":
            blocks: list[dict[str, Any]] = (
                [{"type": "text", "text": m.content}] if m.content else []
            )
            blocks += [
                {"type": "tool_use", "id": c.id, "name": c.name, "input": _args(c.arguments)}
                for c in m.tool_calls
            ]
            out.append({"role": "assistant", "content": blocks})
        else:
            out.append({"role": "user", "content": m.content})
    return out


def _args(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


__all__ = ["AnthropicBackend"]
