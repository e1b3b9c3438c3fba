"""Push ingest over HTTP: each sender's real payload becomes alerts and incidents; every
kind of bad input gets a 4xx naming the field, is counted, and stores nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from tests.web import payloads
from tests.web.conftest import rejected

from aiops.runtime import Runtime
from aiops.store.tables import AlertRow, AuditRow, EventRow, IncidentRow

SNS_HEADERS = {"content-type": "text/plain; charset=UTF-8",
               "x-amz-sns-message-type": "Notification"}


def counts(rt: Runtime) -> dict[str, int]:
    with rt.sessions() as s:
        return {t.__tablename__: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (EventRow, AlertRow, IncidentRow, AuditRow)}


async def post_sns(client: httpx.AsyncClient, body: dict[str, Any], kind: str = "Notification"):  # type: ignore[no-untyped-def]
    headers = {**SNS_HEADERS, "x-amz-sns-message-type": kind}
    return await client.post("/api/v1/ingest/cloudwatch", content=json.dumps(body), headers=headers)


async def test_alertmanager_firing_opens_an_incident(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/ingest/alertmanager", json=payloads.alertmanager())
    assert r.status_code == 200, r.text
    assert len(r.json()["incidents_opened"]) == 1
    items = (await client.get("/api/v1/incidents")).json()["items"]
    assert len(items) == 1
    assert items[0]["state"] == "open"
    assert items[0]["service"] == "sulu"
    assert items[0]["priority"] == 1  # critical severity on a high-criticality service


async def test_alertmanager_resend_only_bumps_count_and_last_seen(
    client: httpx.AsyncClient, runtime: Runtime, clock
) -> None:  # type: ignore[no-untyped-def]
    await client.post("/api/v1/ingest/alertmanager", json=payloads.alertmanager())
    before = counts(runtime)
    clock.advance(300)  # group_interval later, the same group again
    r = await client.post("/api/v1/ingest/alertmanager", json=payloads.alertmanager())
    assert r.json()["duplicates"] == 1
    assert r.json()["incidents_opened"] == []
    assert counts(runtime) == before  # no new event, alert, incident or audit record
    with runtime.sessions() as s:
        alert = s.execute(select(AlertRow)).scalar_one()
    assert alert.count == 2
    assert alert.last_seen >= alert.first_seen


async def test_alertmanager_resolved_mitigates_the_incident(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/ingest/alertmanager", json=payloads.alertmanager())
    r = await client.post("/api/v1/ingest/alertmanager", json=payloads.alertmanager("resolved"))
    assert r.status_code == 200
    inc = (await client.get("/api/v1/incidents")).json()["items"][0]
    assert inc["state"] == "mitigated"
    detail = (await client.get(f"/api/v1/incidents/{inc['id']}")).json()
    assert detail["alerts"][0]["state"] == "resolved"
    assert any(t["kind"] == "state" and "mitigated" in t["text"] for t in detail["timeline"])


async def test_cloudwatch_alarm_joins_the_alertmanager_incident_via_the_cmdb(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/api/v1/ingest/alertmanager", json=payloads.alertmanager())
    r = await post_sns(client, payloads.cloudwatch_alarm())
    assert r.status_code == 200, r.text
    items = (await client.get("/api/v1/incidents")).json()["items"]
    assert len(items) == 1, "the DB alarm and the app alert are one incident"
    detail = (await client.get(f"/api/v1/incidents/{items[0]['id']}")).json()
    assert {a["source"] for a in detail["alerts"]} == {"alertmanager", "cloudwatch"}
    joined = [t for t in detail["timeline"] if t["kind"] == "alert"]
    assert joined and joined[0]["data"]["grouping"]["rule"] in ("same_service", "cmdb_neighbour")
    assert joined[0]["data"]["grouping"]["detail"]


async def test_cloudwatch_ok_resolves_the_alarm(client: httpx.AsyncClient) -> None:
    await post_sns(client, payloads.cloudwatch_alarm("ALARM"))
    await post_sns(client, payloads.cloudwatch_alarm("OK"))
    inc = (await client.get("/api/v1/incidents")).json()["items"][0]
    assert inc["state"] == "mitigated"


async def test_sns_subscription_confirmation_is_logged_not_fetched(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    before = counts(runtime)
    r = await post_sns(client, payloads.sns_subscription_confirmation(), "SubscriptionConfirmation")
    assert r.status_code == 200
    assert r.json()["sns"] == "subscription_confirmation"
    assert "not fetched" in r.json()["note"]
    assert counts(runtime) == before


async def test_otlp_logs_are_stored_as_evidence_not_incidents(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    r = await client.post("/v1/logs", json=payloads.otlp_logs())
    assert r.status_code == 200, r.text
    c = counts(runtime)
    assert c["events"] == 1 and c["incidents"] == 0
    with runtime.sessions() as s:
        ev = s.execute(select(EventRow)).scalar_one()
    assert ev.kind == "log" and ev.service == "sulu"
    assert ev.labels.get("trace_id") == "5b8efff798038103d269b633813fc60c"


async def test_otlp_metrics_reach_the_sample_sinks(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    got: list[Any] = []
    runtime.sample_sinks.append(got.extend)
    r = await client.post("/v1/metrics", json=payloads.otlp_metrics())
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == len(got) == 2
    assert {s.name for s in got} == {"sulu_queue_depth", "sulu_requests"}


async def test_duplicate_event_id_changes_only_count(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ev = {"id": "evt-1", "source": "probe", "summary": "sulu healthz failing", "service": "sulu"}
    await client.post("/api/v1/events", json=ev)
    before = counts(runtime)
    r = await client.post("/api/v1/events", json=ev)
    assert r.json()["duplicates"] == 1 and r.json()["accepted"] == 0
    assert counts(runtime) == before


# -- bad input: one row per case; every case is 4xx, counted, and stores nothing ----------

BIG = "x" * (1024 * 1024 + 10)

BAD: list[tuple[str, str, Any, dict[str, str], int, str]] = [
    # (id, path, body (bytes|obj), headers, status, reason)
    ("native-malformed", "/api/v1/events", b'{"source": "a", ', {}, 400, "unparsable"),
    ("native-not-utf8", "/api/v1/events", b'{"source": "\xff"}', {}, 400, "unparsable"),
    ("native-wrong-type", "/api/v1/events",
     {"source": "a", "summary": "s", "labels": ["x"]}, {}, 422, "invalid_event"),
    ("native-missing-field", "/api/v1/events", {"source": "a"}, {}, 422, "invalid_event"),
    ("native-bad-timestamp", "/api/v1/events",
     {"source": "a", "summary": "s", "occurred_at": "yesterday"}, {}, 422, "invalid_event"),
    ("native-unknown-field", "/api/v1/events",
     {"source": "a", "summary": "s", "sevrity": "high"}, {}, 422, "invalid_event"),
    ("native-too-large", "/api/v1/events",
     {"source": "a", "summary": "s", "payload": {"blob": BIG}}, {}, 413, "body_too_large"),
    ("native-batch-too-large", "/api/v1/events",
     [{"source": "a", "summary": f"s{i}"} for i in range(1001)], {}, 413, "batch_too_large"),
    ("native-empty-batch", "/api/v1/events", [], {}, 422, "invalid_event"),
    ("am-wrong-version", "/api/v1/ingest/alertmanager",
     {**payloads.alertmanager(), "version": "3"}, {}, 422, "invalid_payload"),
    ("am-bad-startsAt", "/api/v1/ingest/alertmanager",
     payloads.alertmanager(starts="not-a-time"), {}, 422, "invalid_payload"),
    ("am-alerts-not-list", "/api/v1/ingest/alertmanager",
     {**payloads.alertmanager(), "alerts": {"a": 1}}, {}, 422, "invalid_payload"),
    ("cw-message-not-json", "/api/v1/ingest/cloudwatch",
     {**payloads.cloudwatch_alarm(), "Message": "{not json"}, SNS_HEADERS, 422, "invalid_payload"),
    ("cw-bad-state", "/api/v1/ingest/cloudwatch",
     {**payloads.cloudwatch_alarm(), "Message": json.dumps(
         {**json.loads(payloads.cloudwatch_alarm()["Message"]), "NewStateValue": "BROKEN"})},
     SNS_HEADERS, 422, "invalid_payload"),
    ("otlp-logs-wrong-shape", "/v1/logs", {"resourceLogs": "nope"}, {}, 422, "invalid_payload"),
    ("otlp-bad-trace-id", "/v1/logs",
     json.loads(json.dumps(payloads.otlp_logs()).replace("5b8efff798038103d269b633813fc60c",
                                                          "zz")), {}, 422, "invalid_payload"),
    ("otlp-metrics-bad-time", "/v1/metrics",
     json.loads(json.dumps(payloads.otlp_metrics()).replace("1795575600000000000", "soon")),
     {}, 422, "invalid_payload"),
    ("unknown-source", "/api/v1/ingest/zabbix", {"x": 1}, {}, 404, "unknown_source"),
]


@pytest.mark.parametrize(("path", "body", "headers", "status", "reason"),
                         [b[1:] for b in BAD], ids=[b[0] for b in BAD])
async def test_bad_input_is_refused_counted_and_not_stored(
    client: httpx.AsyncClient, runtime: Runtime, path: str, body: Any,
    headers: dict[str, str], status: int, reason: str,
) -> None:
    before = counts(runtime)
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = await client.post(path, content=content,
                          headers={"content-type": "application/json", **headers})
    assert r.status_code == status, r.text
    err = r.json()
    assert err["ok"] is False and err["status"] == status
    assert err["message"]
    if status == 422:
        assert err["errors"] and all(e["loc"] and e["msg"] for e in err["errors"])
    assert counts(runtime) == before
    metrics = (await client.get("/metrics")).text
    source = {"/api/v1/events": "native", "/v1/logs": "otlp", "/v1/metrics": "otlp"}.get(
        path, path.rsplit("/", 1)[-1] if "zabbix" not in path else "unknown")
    assert err["code"] == reason
    assert rejected(metrics, source, reason) == 1


async def test_a_batch_is_all_or_nothing(client: httpx.AsyncClient, runtime: Runtime) -> None:
    batch = [{"source": "a", "summary": "fine"}, {"source": "a", "summary": "bad", "severity": 5},
             {"source": "a", "summary": "also fine"}, {"summary": "no source"}]
    r = await client.post("/api/v1/events", json=batch)
    assert r.status_code == 422
    locs = [e["loc"] for e in r.json()["errors"]]
    assert [1, "severity"] in [loc[-2:] for loc in locs]
    assert any(3 in loc and "source" in loc for loc in locs)
    assert counts(runtime)["events"] == 0


async def test_shared_ingest_token_is_required_when_set(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOPS_INGEST_TOKEN", "s3cret")
    ev = {"source": "a", "summary": "s"}
    missing = await client.post("/api/v1/events", json=ev)
    wrong = await client.post("/api/v1/events", json=ev, headers={"authorization": "Bearer nope"})
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.json()["code"] == "missing_token" and wrong.json()["code"] == "wrong_token"
    assert counts(runtime)["events"] == 0
    ok = await client.post("/api/v1/events", json=ev, headers={"authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    am = await client.post("/api/v1/ingest/alertmanager", json=payloads.alertmanager(),
                           headers={"authorization": "Bearer s3cret"})
    assert am.status_code == 200


async def test_each_source_has_its_own_token(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiops.model.ingest import PushSource

    runtime.config.ingest.sources["alertmanager"] = PushSource(token_env="AM_TOKEN")
    runtime.config.ingest.sources["native"] = PushSource(token_env="NATIVE_TOKEN")
    monkeypatch.setenv("AM_TOKEN", "am-token")
    monkeypatch.setenv("NATIVE_TOKEN", "native-token")
    am = payloads.alertmanager()
    cross = await client.post("/api/v1/ingest/alertmanager", json=am,
                              headers={"authorization": "Bearer native-token"})
    assert cross.status_code == 401
    own = await client.post("/api/v1/ingest/alertmanager", json=am,
                            headers={"authorization": "Bearer am-token"})
    assert own.status_code == 200


async def test_a_repeat_that_escalates_severity_is_stored(
    client: httpx.AsyncClient, runtime: Runtime, clock
) -> None:  # type: ignore[no-untyped-def]
    ev = {"source": "probe", "summary": "sulu slow", "service": "sulu", "severity": "warning",
          "fingerprint": "fp-slow"}
    await client.post("/api/v1/events", json=ev)
    clock.advance(30)
    await client.post("/api/v1/events", json={**ev, "severity": "critical",
                                               "occurred_at": clock.now.isoformat()})
    with runtime.sessions() as s:
        alert = s.execute(select(AlertRow)).scalar_one()
    assert alert.severity == "critical" and alert.count == 2


async def test_an_alert_still_firing_after_its_incident_closed_opens_a_new_one(
    client: httpx.AsyncClient, clock
) -> None:  # type: ignore[no-untyped-def]
    ev = {"source": "probe", "summary": "sulu log errors", "service": "sulu",
          "fingerprint": "fp-burst"}
    first = (await client.post("/api/v1/events", json=ev)).json()["incidents_opened"][0]
    for verb in ("resolve", "close"):
        await client.post(f"/api/v1/incidents/{first}/{verb}", json={"actor": "op"})
    clock.advance(60)
    r = await client.post("/api/v1/events", json={**ev, "occurred_at": clock.now.isoformat()})
    opened = r.json()["incidents_opened"]
    assert len(opened) == 1 and opened[0] != first
    clock.advance(5)  # and the next repeat joins that new incident quietly
    r = await client.post("/api/v1/events", json={**ev, "occurred_at": clock.now.isoformat()})
    assert r.json()["incidents_opened"] == []


async def test_an_alert_lagging_just_behind_a_resolution_opens_nothing_until_the_grace_ends(
    client: httpx.AsyncClient, clock
) -> None:  # type: ignore[no-untyped-def]
    """A fix resolved the incident; the alert's window has not caught up and it repeats for
    a few more seconds. That is lag, not a new problem; much later it is one again."""
    ev = {"source": "probe", "summary": "sulu log errors", "service": "sulu",
          "fingerprint": "fp-lag"}  # fmt: skip
    first = (await client.post("/api/v1/events", json=ev)).json()["incidents_opened"][0]
    await client.post(f"/api/v1/incidents/{first}/resolve", json={"actor": "change"})
    clock.advance(20)
    r = await client.post("/api/v1/events", json={**ev, "occurred_at": clock.now.isoformat()})
    assert r.json()["incidents_opened"] == []
    clock.advance(300)  # past the grace (policies.incidents.resolved_grace_s): a new problem
    r = await client.post("/api/v1/events", json={**ev, "occurred_at": clock.now.isoformat()})
    assert len(r.json()["incidents_opened"]) == 1
