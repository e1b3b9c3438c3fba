"""The read-only tools: what they return, and that their output is fenced and redacted."""

from __future__ import annotations

import json
from datetime import timedelta

from factories import T0, fault_context, log

from aiops.agents.memory import Bm25Index, Doc
from aiops.agents.tools import ToolEnv, run_tool
from aiops.model import Sample
from aiops.model.changes import ChangeRecord
from aiops.store.series import SeriesStore


def _body(text: str) -> dict:  # type: ignore[type-arg]
    assert text.startswith("<untrusted") and text.endswith("</untrusted>")
    return json.loads(text.split("\n", 1)[1].rsplit("\n", 1)[0])


def test_metrics_query_summarises_recent_points() -> None:
    store = SeriesStore()
    store.add(
        [
            Sample(
                name="sulu_latency",
                value=v,
                timestamp=T0 - timedelta(seconds=10 - i),
                service="sulu",
                ci="sulu-app",
            )
            for i, v in enumerate([1.0, 2.0, 3.0])
        ]
    )
    env = ToolEnv(fault_context("slow-db"), series=store)
    out = _body(run_tool(env, "metrics_query", {"name": "sulu_latency", "minutes": 5}))
    assert out["series"][0] == {
        "series": "sulu_latency",
        "ci": "sulu-app",
        "n": 3,
        "last": 3.0,
        "min": 1.0,
        "max": 3.0,
        "mean": 2.0,
    }


def test_log_search_redacts_and_matches_words() -> None:
    ctx = fault_context("error-burst")
    ctx.events = [*ctx.events, log("login token=abcdef123456 failed", 5)]
    out = _body(run_tool(ToolEnv(ctx), "log_search", {"query": "token failed"}))
    assert len(out["lines"]) == 1 and "abcdef123456" not in out["lines"][0]["text"]


def test_cmdb_lookup_and_unknown_ci() -> None:
    env = ToolEnv(fault_context("stop"))
    out = _body(run_tool(env, "cmdb_lookup", {"ci": "sulu-db"}))
    assert out["ci"]["type"] == "database" and out["service"]["name"] == "sulu"
    assert {"source": "sulu-app", "type": "depends_on", "target": "sulu-db"} in out["relations"]
    assert "unknown CI" in _body(run_tool(env, "cmdb_lookup", {"ci": "nope"}))["error"]


def test_recent_changes_lists_recorded_changes_newest_first() -> None:
    ctx = fault_context("error-burst")
    ctx.changes = [
        ChangeRecord(
            id="c1",
            ci="sulu-app",
            kind="deploy",
            summary="sulu 1.4.3",
            at=T0 - timedelta(minutes=5),
        ),
        ChangeRecord(
            id="c0", ci="sulu-app", kind="config", summary="old", at=T0 - timedelta(days=2)
        ),
    ]
    out = _body(run_tool(ToolEnv(ctx), "recent_changes", {"minutes": 60}))
    assert [c["text"] for c in out["changes"]] == ["deploy: sulu 1.4.3"]


def test_similar_incidents_and_catalogue() -> None:
    ctx = fault_context("stop")
    mem = Bm25Index(
        [
            Doc("incident", "INC-0", "sulu down health check failing"),
            Doc("known_error", "KE-1", "health check failing after restart"),
        ]
    )
    out = _body(run_tool(ToolEnv(ctx, memory=mem), "similar_incidents", {"query": "health"}))
    assert [h["ref"] for h in out["hits"]] == ["INC-0"]
    cat = _body(run_tool(ToolEnv(ctx), "runbook_catalogue", {}))
    assert "sulu-restart" in {r["name"] for r in cat["runbooks"]}


def test_bad_arguments_do_not_break_a_tool() -> None:
    env = ToolEnv(fault_context("stop"))
    out = _body(run_tool(env, "log_search", {"limit": float("nan"), "query": 5}))
    assert "lines" in out
