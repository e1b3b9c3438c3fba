"""The tool-calling loop against a local OpenAI-compatible server with scripted answers."""

from __future__ import annotations

import json

from factories import fault_context
from llm_server import ScriptedLLM, answer, tool_calls
from llm_setup import DIAG, PLAN, agents_cfg, decide


def test_plan_tool_call_and_valid_answer_make_an_llm_decision(llm_server: ScriptedLLM) -> None:
    llm_server.push(answer(PLAN), tool_calls(("log_search", {"query": "deploy"})), answer(DIAG))
    d = decide(agents_cfg(llm_server.base_url))
    assert (d.backend, d.model, d.fallback) == ("openai_compat", "m", None)
    assert d.output["root_cause_ci"] == "sulu-app" and d.confidence == 0.8
    assert d.plan == PLAN["plan"]
    assert d.tools_called == [
        {"tool": "log_search", "allowed": True, "planned": True, "args": {"query": "deploy"}}
    ]
    assert (d.calls, d.tokens_in, d.tokens_out) == (3, 300, 60)
    assert d.cost_usd == 300 * 1000 / 1e6 + 60 * 2000 / 1e6
    # the tool result went back to the model, fenced
    tool_msg = [m for m in llm_server.requests[2]["messages"] if m["role"] == "tool"][0]
    assert "deploy: sulu" in tool_msg["content"] and "<untrusted" in tool_msg["content"]
    assert llm_server.requests[1]["tools"][0]["function"]["name"] == "log_search"
    assert llm_server.requests[2]["response_format"]["type"] == "json_schema"


def test_malformed_json_is_repaired_once(llm_server: ScriptedLLM) -> None:
    llm_server.push(answer(PLAN), answer("{not json"), answer(f"```json\n{json.dumps(DIAG)}\n```"))
    d = decide(agents_cfg(llm_server.base_url))
    assert d.fallback is None and d.backend == "openai_compat"
    assert "not valid" in llm_server.requests[2]["messages"][-1]["content"]


def test_second_invalid_answer_falls_back_to_builtin(llm_server: ScriptedLLM) -> None:
    bad = {**DIAG, "confidence": 7}
    llm_server.push(answer(PLAN), answer(bad), answer(bad))
    d = decide(agents_cfg(llm_server.base_url))
    assert d.backend == "builtin" and d.fallback.startswith("invalid_output")
    assert d.tokens_in == 300  # the failed attempt still counts
    assert d.output["root_cause_ci"] == "sulu-app"  # builtin decided instead
    assert d.plan == PLAN["plan"]


def test_rate_limit_falls_back_visibly(llm_server: ScriptedLLM) -> None:
    llm_server.push({"status": 429})
    d = decide(agents_cfg(llm_server.base_url))
    assert d.backend == "builtin" and "RateLimitError" in d.fallback


def test_server_error_with_human_fallback_waits_for_a_person(llm_server: ScriptedLLM) -> None:
    llm_server.push({"status": 503})
    d = decide(agents_cfg(llm_server.base_url, fallback="human"))
    assert d.backend == "human" and d.output == {} and "InternalServerError" in d.fallback


def test_timeout_falls_back(llm_server: ScriptedLLM) -> None:
    llm_server.push({"sleep": 1.5, **answer(PLAN)})
    d = decide(agents_cfg(llm_server.base_url, backend={"timeout_s": 0.3}))
    assert d.backend == "builtin" and "Timeout" in d.fallback


def test_slow_stream_with_tool_calls_is_assembled(llm_server: ScriptedLLM) -> None:
    llm_server.push(
        {**answer(PLAN), "chunk_delay": 0.01},
        {**tool_calls(("log_search", {"query": "unhandled exception"})), "chunk_delay": 0.01},
        {**answer(DIAG), "chunk_delay": 0.01},
    )
    d = decide(agents_cfg(llm_server.base_url, backend={"stream": True}))
    assert d.fallback is None and d.output["cause"] == "bad deploy"
    assert d.tools_called[0]["args"] == {"query": "unhandled exception"}
    assert d.tokens_in == 300
    assert all(r.get("stream") for r in llm_server.requests)


def test_tool_outside_the_allow_list_is_refused(llm_server: ScriptedLLM) -> None:
    llm_server.push(answer(PLAN), tool_calls(("metrics_query", {"name": "x"})), answer(DIAG))
    d = decide(agents_cfg(llm_server.base_url))
    assert d.tools_called[0] == {
        "tool": "metrics_query",
        "allowed": False,
        "planned": False,
        "error": "not on the allow-list",
    }
    refused = [m for m in llm_server.requests[2]["messages"] if m["role"] == "tool"][0]
    assert "not allowed" in refused["content"]


def test_step_limit_ends_a_loop_that_never_answers(llm_server: ScriptedLLM) -> None:
    llm_server.push(answer(PLAN), *[tool_calls(("log_search", {"query": "x"}))] * 3)
    d = decide(agents_cfg(llm_server.base_url, max_steps=3))
    assert d.backend == "builtin" and d.fallback.startswith("step_limit")
    assert d.calls == 4


def test_agent_without_tools_skips_planning(llm_server: ScriptedLLM) -> None:
    llm_server.push(answer(DIAG))
    d = decide(agents_cfg(llm_server.base_url, tools=()))
    assert d.fallback is None and d.plan == [] and d.calls == 1
    assert "tools" not in llm_server.requests[0]


def test_japanese_instructions_reach_the_model(llm_server: ScriptedLLM) -> None:
    llm_server.push(answer(DIAG))
    decide(
        agents_cfg(
            llm_server.base_url,
            tools=(),
            language="ja",
            instructions="根本原因を特定してください。",
        )
    )
    system = llm_server.requests[0]["messages"][0]["content"]
    assert "根本原因を特定してください。" in system and "JSON スキーマ" in system


def test_unknown_ci_in_a_diagnosis_is_rejected(llm_server: ScriptedLLM) -> None:
    bad = {**DIAG, "root_cause_ci": "db-99"}
    llm_server.push(answer(bad), answer(bad))
    d = decide(agents_cfg(llm_server.base_url, tools=()), fault_context("error-burst"))
    assert d.backend == "builtin" and "unknown CI 'db-99'" in d.fallback
