"""The incident API: list and filter, one incident in full, and what people do to it."""

from __future__ import annotations

import httpx
import pytest
from tests.web import payloads

from aiops.runtime import Runtime


async def _open(client: httpx.AsyncClient, summary: str = "sulu healthz failing",
                service: str = "sulu", severity: str = "critical", ci: str | None = None) -> str:
    ev = {"source": "probe", "summary": summary, "service": service, "severity": severity}
    if ci:
        ev["ci"] = ci
    r = await client.post("/api/v1/events", json=ev)
    assert r.status_code == 200, r.text
    return r.json()["incidents_opened"][0]


async def test_list_filters_by_state_service_and_priority(client: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    a = await _open(client)
    clock.advance(3600)  # outside the correlation window: a separate incident
    b = await _open(client, "billing batch late", service="billing", severity="info")
    await client.post(f"/api/v1/incidents/{a}/acknowledge", json={"actor": "alice"})
    by_state = (await client.get("/api/v1/incidents", params={"state": "acknowledged"})).json()
    assert [i["id"] for i in by_state["items"]] == [a]
    by_service = (await client.get("/api/v1/incidents", params={"service": "billing"})).json()
    assert [i["id"] for i in by_service["items"]] == [b]
    urgent = (await client.get("/api/v1/incidents", params={"priority_max": 2})).json()
    assert [i["id"] for i in urgent["items"]] == [a]
    everything = (await client.get("/api/v1/incidents")).json()
    assert [i["id"] for i in everything["items"]] == [b, a]  # newest first
    assert everything["total"] == 2


async def test_get_returns_alerts_events_and_timeline(client: httpx.AsyncClient) -> None:
    iid = await _open(client)
    r = await client.get(f"/api/v1/incidents/{iid}")
    body = r.json()
    assert body["id"] == iid
    assert len(body["alerts"]) == 1 and len(body["events"]) == 1
    assert body["timeline"][0]["kind"] == "opened"
    assert body["timeline"][0]["data"]["grouping"]["rule"] == "new_incident"


async def test_full_lifecycle_with_audit(client: httpx.AsyncClient) -> None:
    iid = await _open(client)
    for verb, state in (("acknowledge", "acknowledged"), ("resolve", "resolved"),
                        ("close", "closed")):
        r = await client.post(f"/api/v1/incidents/{iid}/{verb}", json={"actor": "alice",
                                                                         "note": f"{verb}d"})
        assert r.status_code == 200, r.text
        assert r.json()["state"] == state
    inc = (await client.get(f"/api/v1/incidents/{iid}")).json()
    assert inc["acknowledged_at"] and inc["resolved_at"] and inc["closed_at"]
    trail = (await client.get("/api/v1/audit", params={"entity": "incident",
                                                       "entity_id": iid})).json()["items"]
    assert [r["action"] for r in trail] == ["state", "state", "state", "create"]
    assert trail[0]["actor"] == "alice"
    assert trail[0]["before"]["state"] == "resolved" and trail[0]["after"]["state"] == "closed"
    assert (await client.get("/api/v1/audit/verify")).json()["ok"] is True


@pytest.mark.parametrize("verb", ["close", "reopen"])
async def test_forbidden_transition_is_409_and_changes_nothing(
    client: httpx.AsyncClient, verb: str
) -> None:
    iid = await _open(client)
    r = await client.post(f"/api/v1/incidents/{iid}/{verb}")
    assert r.status_code == 409
    assert r.json()["code"] == "conflict" and "open" in r.json()["message"]
    assert (await client.get(f"/api/v1/incidents/{iid}")).json()["state"] == "open"


async def test_comment_goes_to_timeline_and_audit(client: httpx.AsyncClient) -> None:
    iid = await _open(client)
    r = await client.post(f"/api/v1/incidents/{iid}/comments",
                          json={"actor": "bob", "text": "DB failover started"})
    assert r.status_code == 200
    tl = (await client.get(f"/api/v1/incidents/{iid}")).json()["timeline"]
    assert tl[-1]["kind"] == "comment" and tl[-1]["actor"] == "bob"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("get", "/api/v1/incidents/INC-nope", None, 404, "not_found"),
        ("post", "/api/v1/incidents/INC-nope/acknowledge", None, 404, "not_found"),
        ("post", "/api/v1/incidents/{iid}/comments", {"text": ""}, 422, "invalid_request"),
        ("post", "/api/v1/incidents/{iid}/comments", {"text": "x", "bogus": 1}, 422,
         "invalid_request"),
        ("get", "/api/v1/incidents?limit=0", None, 422, "invalid_request"),
        ("get", "/api/v1/incidents?state=sleeping", None, 422, "invalid_request"),
        ("get", "/api/v1/nothing-here", None, 404, "not_found"),
    ],
    ids=["get-unknown", "ack-unknown", "empty-comment", "extra-field", "limit-0", "bad-state",
         "unknown-route"],
)
async def test_errors_share_one_body_shape(
    client: httpx.AsyncClient, method: str, path: str, body: object, status: int, code: str
) -> None:
    iid = await _open(client)
    r = await client.request(method, path.format(iid=iid), json=body)
    assert r.status_code == status
    err = r.json()
    assert set(err) == {"ok", "status", "code", "message", "errors"}
    assert (err["ok"], err["status"], err["code"]) == (False, status, code)


async def test_openapi_documents_the_ingest_and_incident_routes(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in ("/api/v1/events", "/api/v1/ingest/alertmanager", "/api/v1/ingest/cloudwatch",
                 "/v1/logs", "/v1/metrics", "/api/v1/incidents",
                 "/api/v1/incidents/{incident_id}/acknowledge"):
        assert path in spec["paths"]
    assert (await client.get("/docs")).status_code == 200


async def test_incident_detail_shows_evidence_logs_of_its_service(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    iid = await _open(client)
    await client.post("/v1/logs", json=payloads.otlp_logs())
    # the OTLP record is dated 2026-11-25T03:00Z, the incident opened at 03:00Z
    events = (await client.get(f"/api/v1/incidents/{iid}")).json()["events"]
    assert any(e["kind"] == "log" for e in events)
