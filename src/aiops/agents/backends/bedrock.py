"""AWS Bedrock through the Converse API (boto3 `bedrock-runtime`)."""

from __future__ import annotations

import json
from typing import Any

from aiops.agents.backends.base import ChatReply, ChatRequest, Message, ToolCall
from aiops.agents.config import BackendConfig
from aiops.errors import Permanent, Retryable

_RETRYABLE = {
    "ThrottlingException",
    "ServiceUnavailableException",
    "InternalServerException",
    "ModelNotReadyException",
    "ModelTimeoutException",
    "ServiceQuotaExceededException",
}


class BedrockBackend:
    kind = "bedrock"

    def __init__(self, cfg: BackendConfig, *, client: Any = None) -> None:
        self.cfg = cfg
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "bedrock-runtime",
                region_name=cfg.region,
                endpoint_url=cfg.base_url,
                config=Config(
                    read_timeout=cfg.timeout_s,
                    connect_timeout=min(cfg.timeout_s, 10),
                    retries={"max_attempts": cfg.max_retries + 1, "mode": "standard"},
                ),
            )
        self.client = client

    def complete(self, req: ChatRequest) -> ChatReply:
        from botocore.exceptions import BotoCoreError, ClientError

        kwargs: dict[str, Any] = {
            "modelId": req.model,
            "messages": _wire(req.messages),
            "system": [{"text": req.system}],
            "inferenceConfig": {"maxTokens": req.max_tokens, "temperature": 0.0},
        }
        if req.tools:
            kwargs["toolConfig"] = {
                "tools": [
                    {
                        "toolSpec": {
                            "name": t.name,
                            "description": t.description,
                            "inputSchema": {"json": t.parameters},
                        }
                    }
                    for t in req.tools
                ]
            }
        try:
            resp = self.client.converse(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            cls = Retryable if code in _RETRYABLE else Permanent
            raise cls(f"bedrock: {code}: {exc}") from exc
        except BotoCoreError as exc:
            raise Retryable(f"bedrock: {type(exc).__name__}: {exc}") from exc
        text, calls = [], []
        for block in resp.get("output", {}).get("message", {}).get("content", []):
            if "text" in block:
                text.append(block["text"])
            elif "toolUse" in block:
                tu = block["toolUse"]
                calls.append(ToolCall(tu["toolUseId"], tu["name"], json.dumps(tu.get("input", {}))))
        usage = resp.get("usage", {})
        return ChatReply(
            "".join(text),
            calls,
            int(usage.get("inputTokens", 0)),
            int(usage.get("outputTokens", 0)),
        )


def _wire(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "tool":
            block = {"toolResult": {"toolUseId": m.tool_call_id, "content": [{"text": m.content}]}}
            if out and out[-1]["role"] == "user" and "toolResult" in out[-1]["content"][0]:
                out[-1]["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
        elif m.role == "assistant":
            blocks: list[dict[str, Any]] = [{"text": m.content}] if m.content else []
            for c in m.tool_calls:
                try:
                    args = json.loads(c.arguments)
                except ValueError:
                    args = {}
                blocks.append(
                    {
                        "toolUse": {
                            "toolUseId": c.id,
                            "name": c.name,
                            "input": args if isinstance(args, dict) else {},
                        }
                    }
                )
            out.append({"role": "assistant", "content": blocks})
        else:
            out.append({"role": "user", "content": [{"text": m.content}]})
    return out


__all__ = ["BedrockBackend"]
