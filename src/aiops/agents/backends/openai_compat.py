"""OpenAI-compatible chat completions (OpenAI, Azure, Ollama, vLLM, llama.cpp server)
through the `openai` SDK with a configurable base URL; streaming optional."""

from __future__ import annotations

from typing import Any

from aiops.agents.backends.base import ChatReply, ChatRequest, Message, ToolCall, api_key
from aiops.agents.config import BackendConfig
from aiops.errors import Permanent, Retryable


class OpenAICompat:
    kind = "openai_compat"

    def __init__(self, cfg: BackendConfig, *, http_client: Any = None) -> None:
        import openai

        self.cfg = cfg
        self._openai = openai
        self.client = openai.OpenAI(
            base_url=cfg.base_url,
            api_key=api_key(cfg) or "not-needed",
            timeout=cfg.timeout_s,
            max_retries=cfg.max_retries,
            http_client=http_client,
        )

    def complete(self, req: ChatRequest) -> ChatReply:
        kwargs: dict[str, Any] = {
            "model": req.model,
            "messages": [
                {"role": "system", "content": req.system},
                *(_wire(m) for m in req.messages),
            ],
            "max_tokens": req.max_tokens,
            "temperature": 0,
        }
        if req.tools:
            kwargs["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    },
                }
                for t in req.tools
            ]
        if req.schema is not None and self.cfg.response_format == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": req.schema_name, "schema": req.schema},
            }
        elif req.schema is not None and self.cfg.response_format == "json_object":
            kwargs["response_format"] = {"type": "json_object"}
        o = self._openai
        try:
            if self.cfg.stream:
                return self._stream(kwargs)
            resp = self.client.chat.completions.create(**kwargs)
        except (
            o.RateLimitError,
            o.InternalServerError,
            o.APITimeoutError,
            o.APIConnectionError,
        ) as exc:
            raise Retryable(f"{self.cfg.base_url}: {type(exc).__name__}: {exc}") from exc
        except o.APIError as exc:
            raise Permanent(f"{self.cfg.base_url}: {type(exc).__name__}: {exc}") from exc
        if not resp.choices:
            raise Permanent(f"{self.cfg.base_url}: reply without choices")
        msg = resp.choices[0].message
        calls = [
            ToolCall(c.id, c.function.name, c.function.arguments or "{}")
            for c in (msg.tool_calls or [])
            if getattr(c, "function", None) is not None
        ]
        usage = resp.usage
        return ChatReply(
            msg.content or "",
            calls,
            usage.prompt_tokens if usage else 0,
            usage.completion_tokens if usage else 0,
        )

    def _stream(self, kwargs: dict[str, Any]) -> ChatReply:
        stream = self.client.chat.completions.create(
            **kwargs, stream=True, stream_options={"include_usage": True}
        )
        reply = ChatReply()
        parts: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        for chunk in stream:
            if chunk.usage is not None:
                reply.tokens_in, reply.tokens_out = (
                    chunk.usage.prompt_tokens,
                    chunk.usage.completion_tokens,
                )
            for choice in chunk.choices or []:
                delta = choice.delta
                if delta.content:
                    parts.append(delta.content)
                for tc in delta.tool_calls or []:
                    slot = calls.setdefault(tc.index, {"id": "", "name": "", "args": ""})
                    slot["id"] = tc.id or slot["id"]
                    if tc.function is not None:
                        slot["name"] += tc.function.name or ""
                        slot["args"] += tc.function.arguments or ""
        reply.text = "".join(parts)
        reply.tool_calls = [
            ToolCall(c["id"] or f"call_{i}", c["name"], c["args"] or "{}")
            for i, c in sorted(calls.items())
        ]
        return reply


def _wire(m: Message) -> dict[str, Any]:
    if m.role == "tool":
        return {"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content}
    out: dict[str, Any] = {"role": m.role, "content": m.content or None}
    if m.tool_calls:
        out["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in m.tool_calls
        ]
    elif out["content"] is None:
        out["content"] = ""
    return out


__all__ = ["OpenAICompat"]
