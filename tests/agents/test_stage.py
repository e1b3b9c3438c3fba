"""The agents stage over a real store: triggers, idempotency, audit chain, memory, API, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from factories import EXAMPLES, T0
from llm_server import ScriptedLLM, answer
from typer.testing import CliRunner

from aiops.agents.config import AgentKind, configure_llm, load_agents
from aiops.cli import _load, app
from aiops.config import Settings
from aiops.model import EventKind, Severity
from aiops.model.decisions import Verdict
from aiops.normalize.events import make_event
from aiops.runtime import ConfigSet, Runtime, build_agents_stage
from aiops.store import audit
from aiops.store.repos.decisions import DecisionRepo
from aiops.store.repos.incidents import IncidentRepo
from aiops.web import create_app


@pytest.fixture
def runtime(db_url: str, clock) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    rt = Runtime(
        Settings(database_url=db_url, config_dir=EXAMPLES),
        config=ConfigSet.load(EXAMPLES),
        clock=clock,
    )
    yield rt
    rt.close()


def _fault(rt: Runtime, alert: str, logs: list[str], instance: str = "a") -> str:
    now = rt.clock()
    events = [
        make_event(
            source="rules",
            kind=EventKind.alert,
            occurred_at=now,
            now=now,
            summary=f"sulu: {alert}",
            service="sulu",
            ci="sulu-app",
            severity=Severity.critical,
            labels={"alertname": alert, "instance": instance},
        )
    ]
    events += [
        make_event(
            source="logfile",
            kind=EventKind.log,
            occurred_at=now + timedelta(seconds=i + 1),
            now=now,
            summary=text,
            service="sulu",
            ci="sulu-app",
            severity=Severity.error,
        )
        for i, text in enumerate(logs)
    ]
    result = rt.process(events)
    assert len(result.incidents_opened) == 1
    return result.incidents_opened[0]


def _decisions(rt: Runtime, iid: str):  # type: ignore[no-untyped-def]
    with rt.sessions.begin() as s:
        return DecisionRepo(s).for_incident(iid)


def test_builtin_agents_decide_on_a_new_incident_once(runtime: Runtime) -> None:
    iid = _fault(runtime, "SuluHealthCheckFailing", ["service stopping: shutdown signal received"])
    stage = build_agents_stage(runtime, EXAMPLES)
    runtime.stages.stages.append(stage)
    runtime.stages.run_once()
    ds = _decisions(runtime, iid)
    assert [d.agent for d in ds] == ["triage", "diagnose", "remediate", "escalate"]
    by = {d.agent: d for d in ds}
    assert by["remediate"].output["runbook"] == "sulu-restart"
    assert by["remediate"].autonomy.value == "autonomous"  # as agents.yaml says
    assert by["diagnose"].evidence and by["diagnose"].confidence
    assert all(d.backend == "builtin" and len(d.instructions_hash) == 64 for d in ds)
    assert by["triage"].policy_version == runtime.config.files["policies.yaml"]
    stage.handle(iid, "updated")  # at-least-once delivery: nothing new
    assert len(_decisions(runtime, iid)) == 4
    with runtime.sessions.begin() as s:
        assert audit.verify(s).ok
        recs = audit.list_records(s, entity="decision")
    assert {r.entity_id for r in recs} == {d.id for d in ds}


def test_new_rca_diagnosis_reruns_diagnose_and_remediate(runtime: Runtime) -> None:
    iid = _fault(runtime, "SuluHighLatencyP95", ["slow query: list_articles took 1.52s"])
    stage = build_agents_stage(runtime, EXAMPLES)
    stage.handle(iid, "opened")
    with runtime.sessions.begin() as s:
        repo = IncidentRepo(s)
        inc = repo.get(iid)
        repo.save(
            inc.model_copy(
                update={
                    "diagnosis": {
                        "summary": "db",
                        "candidates": [
                            {
                                "ci": "sulu-db",
                                "score": 0.9,
                                "confidence": 0.9,
                                "metric": "query_seconds",
                                "evidence": ["query time 10x"],
                            }
                        ],
                    }
                }
            )
        )
    stage.handle(iid, "updated")
    ds = _decisions(runtime, iid)
    assert [d.agent for d in ds].count("diagnose") == 2
    assert [d.agent for d in ds].count("triage") == 1
    latest = [d for d in ds if d.agent == "diagnose"][-1]
    assert latest.output["metric"] == "query_seconds"


def test_verdict_is_feedback_for_the_next_incident(runtime: Runtime) -> None:
    iid = _fault(runtime, "SuluHighLatencyP95", [])
    stage = build_agents_stage(runtime, EXAMPLES)
    stage.handle(iid, "opened")
    rem = [d for d in _decisions(runtime, iid) if d.agent == "remediate"][0]
    with runtime.sessions.begin() as s:
        DecisionRepo(s).set_verdict(rem.id, Verdict.wrong, by="sm", note="no", now=T0)
    runtime.clock.advance(3600)  # type: ignore[attr-defined]
    iid2 = _fault(runtime, "SuluHighLatencyP95", [], instance="b")
    stage.handle(iid2, "opened")
    rem2 = [d for d in _decisions(runtime, iid2) if d.agent == "remediate"][0]
    assert rem2.output["runbook"] != rem.output["runbook"]
    assert "judged wrong before" not in rem2.output["rationale"]


def test_llm_configured_pipeline_uses_the_endpoint(
    runtime: Runtime, llm_server: ScriptedLLM
) -> None:
    iid = _fault(runtime, "SuluHealthCheckFailing", [])
    cfg = configure_llm(load_agents(EXAMPLES / "agents.yaml"), llm_server.base_url, "m")
    cfg.agents = cfg.agents[:1]  # triage only
    llm_server.push(
        answer({"plan": []}),
        answer(
            {
                "summary": "real outage",
                "confidence": 0.9,
                "evidence": ["health check"],
                "category": "availability",
                "impact": 1,
                "urgency": 1,
                "priority": 1,
                "is_real": True,
            }
        ),
    )
    build_agents_stage(runtime, EXAMPLES, agents_config=cfg).handle(iid, "opened")
    (d,) = _decisions(runtime, iid)
    assert (d.backend, d.model, d.output["priority"]) == ("openai_compat", "m", 1)


def test_budget_per_incident_is_summed_from_the_log(
    runtime: Runtime, llm_server: ScriptedLLM
) -> None:
    iid = _fault(runtime, "SuluHealthCheckFailing", [])
    cfg = configure_llm(load_agents(EXAMPLES / "agents.yaml"), llm_server.base_url, "m")
    cfg.budgets.per_incident.calls = 2
    cfg.agents = [a.model_copy(update={"tools": []}) for a in cfg.agents[:2]]
    llm_server.push(
        answer(
            {
                "summary": "s",
                "confidence": 0.9,
                "evidence": [],
                "category": "availability",
                "impact": 1,
                "urgency": 1,
                "priority": 1,
                "is_real": True,
            }
        ),
        answer({"summary": "d", "confidence": 0.5, "root_cause_ci": "sulu-app", "cause": "down"}),
    )
    build_agents_stage(runtime, EXAMPLES, agents_config=cfg).handle(iid, "opened")
    ds = _decisions(runtime, iid)
    assert [d.backend for d in ds] == ["openai_compat", "openai_compat"]
    iid_calls = sum(d.calls for d in ds)
    assert iid_calls == 2
    # a third agent call on the same incident would pass the cap: it falls back
    cfg.agents = [
        cfg.agents[1].model_copy(
            update={"name": "again", "trigger": None, "kind": AgentKind.triage}
        )
    ]
    build_agents_stage(runtime, EXAMPLES, agents_config=cfg).handle(iid, "updated")
    last = _decisions(runtime, iid)[-1]
    assert last.backend == "builtin" and last.fallback == "budget:per_incident:calls"


async def test_decisions_api_lists_filters_and_takes_a_verdict(runtime: Runtime) -> None:
    iid = _fault(runtime, "SuluHealthCheckFailing", [])
    build_agents_stage(runtime, EXAMPLES).handle(iid, "opened")
    app_ = create_app(runtime.settings, runtime=runtime)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_), base_url="http://t") as c:
        r = await c.get("/api/v1/decisions", params={"incident_id": iid, "agent": "remediate"})
        assert r.status_code == 200 and r.json()["total"] == 1
        d = r.json()["items"][0]
        assert {
            "backend",
            "model",
            "tokens",
            "cost_usd",
            "latency_ms",
            "fallback",
            "output",
            "plan",
            "evidence",
            "instructions_hash",
        } <= d.keys()
        r = await c.post(
            f"/api/v1/decisions/{d['id']}/verdict",
            json={"verdict": "right", "by": "sm@example", "note": "good"},
        )
        assert r.json()["verdict"] == "right" and r.json()["verdict_by"] == "sm@example"
        r = await c.get("/api/v1/decisions", params={"verdict": "none"})
        assert r.json()["total"] == 3
        assert (await c.get("/api/v1/decisions/nope")).status_code == 404
        bad = await c.post(f"/api/v1/decisions/{d['id']}/verdict", json={"verdict": "maybe"})
        assert bad.status_code == 422 and bad.json()["ok"] is False
    await runtime.aclose()


def test_cli_decisions_json(runtime: Runtime, db_url: str) -> None:
    iid = _fault(runtime, "SuluHealthCheckFailing", [])
    build_agents_stage(runtime, EXAMPLES).handle(iid, "opened")
    _load()
    r = CliRunner().invoke(app, ["decisions", "--db", db_url, "--json", "--incident", iid])
    assert r.exit_code == 0, r.output
    items = json.loads(r.stdout.strip().splitlines()[-1])["items"]
    assert {i["agent"] for i in items} == {"triage", "diagnose", "remediate", "escalate"}
    assert {
        "agent",
        "backend",
        "model",
        "tokens",
        "cost_usd",
        "latency_ms",
        "fallback",
        "output",
    } <= items[0].keys()


def test_recorded_change_is_evidence_for_the_diagnosis(runtime: Runtime) -> None:
    from aiops.model.changes import ChangeRecord
    from aiops.store.repos.cmdb import ChangeRepo

    with runtime.sessions.begin() as s:
        ChangeRepo(s).add(
            ChangeRecord(
                id="chg-1",
                ci="sulu-app",
                kind="deploy",
                summary="deploy: sulu 1.4.2 -> 1.4.3",
                at=runtime.clock() - timedelta(minutes=2),
            ),
            now=runtime.clock(),
        )
    iid = _fault(runtime, "SuluHighErrorRatio", [])
    build_agents_stage(runtime, EXAMPLES).handle(iid, "opened")
    by = {d.agent: d for d in _decisions(runtime, iid)}
    assert by["diagnose"].output["cause"] == "a bad deploy makes requests fail"
    assert by["remediate"].output["runbook"] == "sulu-rollback-last-change"
