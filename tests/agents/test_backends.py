"""Anthropic through its SDK over a mock transport; Bedrock Converse with botocore's Stubber."""

from __future__ import annotations

import json
from typing import Any

import httpx2
from botocore.stub import Stubber
from llm_setup import DIAG, PLAN, agents_cfg, decide

from aiops.agents.backends.anthropic import AnthropicBackend
from aiops.agents.backends.bedrock import BedrockBackend


def _anthropic_reply(
    content: list[dict[str, Any]], tin: int = 50, tout: int = 10
) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": tin, "output_tokens": tout},
    }


def _anthropic(replies: list[httpx2.Response]) -> tuple[AnthropicBackend, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        return replies.pop(0)

    cfg = agents_cfg(backend={"kind": "anthropic", "base_url": None}).backends["llm"]
    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    return AnthropicBackend(cfg, http_client=client), seen


def test_anthropic_tool_use_round_trip() -> None:
    backend, seen = _anthropic(
        [
            httpx2.Response(
                200, json=_anthropic_reply([{"type": "text", "text": json.dumps(PLAN)}])
            ),
            httpx2.Response(
                200,
                json=_anthropic_reply(
                    [
                        {
                            "type": "tool_use",
                            "id": "tu_1",
                            "name": "log_search",
                            "input": {"query": "deploy"},
                        }
                    ]
                ),
            ),
            httpx2.Response(
                200, json=_anthropic_reply([{"type": "text", "text": json.dumps(DIAG)}])
            ),
        ]
    )
    cfg = agents_cfg(backend={"kind": "anthropic"})
    d = decide(cfg, overrides={"llm": backend})
    assert (d.backend, d.fallback, d.calls, d.tokens_in) == ("anthropic", None, 3, 150)
    assert d.tools_called[0]["args"] == {"query": "deploy"}
    last = seen[2]["messages"]
    assert last[-2]["content"][0] == {
        "type": "tool_use",
        "id": "tu_1",
        "name": "log_search",
        "input": {"query": "deploy"},
    }
    assert last[-1]["content"][0]["type"] == "tool_result"
    assert "untrusted" in seen[0]["system"]
    assert seen[1]["tools"][0]["input_schema"]["type"] == "object"


def test_anthropic_overload_falls_back() -> None:
    backend, _ = _anthropic(
        [
            httpx2.Response(
                529,
                json={
                    "type": "error",
                    "error": {"type": "overloaded_error", "message": "Overloaded"},
                },
            )
        ]
    )
    d = decide(agents_cfg(backend={"kind": "anthropic"}), overrides={"llm": backend})
    assert d.backend == "builtin" and d.fallback.startswith("backend_error")


def _bedrock_reply(content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 40, "outputTokens": 8, "totalTokens": 48},
        "metrics": {"latencyMs": 5},
    }


def test_bedrock_converse_with_tool_use() -> None:
    import boto3

    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    stub = Stubber(client)
    stub.add_response("converse", _bedrock_reply([{"text": json.dumps(PLAN)}]))
    stub.add_response(
        "converse",
        _bedrock_reply(
            [{"toolUse": {"toolUseId": "t1", "name": "log_search", "input": {"query": "deploy"}}}]
        ),
    )
    stub.add_response("converse", _bedrock_reply([{"text": json.dumps(DIAG)}]))
    cfg = agents_cfg(backend={"kind": "bedrock", "region": "us-east-1"})
    with stub:
        d = decide(cfg, overrides={"llm": BedrockBackend(cfg.backends["llm"], client=client)})
    stub.assert_no_pending_responses()
    assert (d.backend, d.fallback, d.calls, d.tokens_in) == ("bedrock", None, 3, 120)
    assert d.output["root_cause_ci"] == "sulu-app"


def test_bedrock_throttling_falls_back() -> None:
    import boto3

    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    stub = Stubber(client)
    stub.add_client_error(
        "converse", service_error_code="ThrottlingException", http_status_code=429
    )
    cfg = agents_cfg(backend={"kind": "bedrock", "region": "us-east-1"})
    with stub:
        d = decide(cfg, overrides={"llm": BedrockBackend(cfg.backends["llm"], client=client)})
    assert d.backend == "builtin" and "ThrottlingException" in d.fallback
