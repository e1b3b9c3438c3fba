"""The one protocol every LLM backend speaks, in a neutral message format.

The loop (`agents.loop`) talks only to this; each backend translates to its wire format
(chat completions, Anthropic messages, Bedrock Converse) and maps its errors onto
`Retryable` (429, 5xx, timeouts: fall back now, a later decision may succeed) and
`Permanent` (4xx, garbage).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from aiops.agents.config import BackendConfig


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # raw JSON text, as the model wrote it


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant", "tool"]
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None  # for role "tool"
    name: str | None = None  # tool name, for role "tool"


@dataclass(frozen=True)
class ChatRequest:
    model: str
    system: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    schema: dict[str, Any] | None = None  # JSON schema the final answer must match
    schema_name: str = "decision"
    max_tokens: int = 1024


@dataclass
class ChatReply:
    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0


class Backend(Protocol):
    kind: str

    def complete(self, req: ChatRequest) -> ChatReply: ...


def api_key(cfg: BackendConfig) -> str | None:
    if cfg.api_key is not None:
        return cfg.api_key.get_secret_value()
    if cfg.api_key_env:
        return os.environ.get(cfg.api_key_env)
    return None


__all__ = ["Backend", "ChatReply", "ChatRequest", "Message", "ToolCall", "ToolSpec", "api_key"]
