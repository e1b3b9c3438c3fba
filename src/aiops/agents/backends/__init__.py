"""LLM backends behind one small protocol (`base.Backend`): OpenAI-compatible, Anthropic,
AWS Bedrock. Each module imports its SDK lazily, so the builtin path needs none of them."""

from aiops.agents.backends.base import Backend, ChatReply, ChatRequest, Message, ToolCall, ToolSpec

__all__ = ["Backend", "ChatReply", "ChatRequest", "Message", "ToolCall", "ToolSpec"]
