"""People's decisions on an incident (issue 8), stored beside the agents' decisions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from aiops.runtime import Runtime
from aiops.web import create_app
from aiops.web.api import human


@pytest.fixture
async def hclient(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime.settings, runtime=runtime)
    app.include_router(human.router)  # the lead adds this line to app.py
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://aiops.test") as c:
        yield c
    await runtime.aclose()


async def _open(c: httpx.AsyncClient) -> str:
    ev = {"source": "probe", "summary": "sulu healthz failing", "service": "sulu",
          "severity": "critical"}  # fmt: skip
    r = await c.post("/api/v1/events", json=ev)
    assert r.status_code == 200, r.text
    return str(r.json()["incidents_opened"][0])


async def test_a_persons_triage_cause_and_action_are_kept_in_the_decision_log(
    hclient: httpx.AsyncClient,
) -> None:
    iid = await _open(hclient)
    body = {"person": "alice", "triage": "P2 real", "root_cause": "sulu-db",
            "action": "sulu-restart", "decided_at": "2026-01-01T00:05:00+00:00"}  # fmt: skip
    r = await hclient.post(f"/api/v1/incidents/{iid}/human-decisions", json=body)
    assert r.status_code == 201, r.text
    kinds = {d["kind"]: d for d in r.json()["items"]}
    assert set(kinds) == {"triage", "diagnose", "remediate"}
    assert kinds["diagnose"]["output"]["root_cause"] == "sulu-db"
    assert kinds["remediate"]["created_at"].startswith("2026-01-01T00:05:00")
    listed = (await hclient.get("/api/v1/decisions", params={"backend": "human"})).json()
    assert listed["total"] == 3 and {d["agent"] for d in listed["items"]} == {"human:alice"}


@pytest.mark.parametrize(
    "body",
    [{"person": "alice"}, {"triage": "x"}, {"person": "", "triage": "x"},
     {"person": "a", "triage": "x", "extra": 1}, {"person": "a", "action": "x",
                                                  "decided_at": "2026-01-01T00:00:00"}],
)  # fmt: skip
async def test_bad_bodies_get_422_with_the_error_shape(
    hclient: httpx.AsyncClient, body: dict
) -> None:
    iid = await _open(hclient)
    r = await hclient.post(f"/api/v1/incidents/{iid}/human-decisions", json=body)
    assert r.status_code == 422 and r.json()["ok"] is False


async def test_an_unknown_incident_is_404(hclient: httpx.AsyncClient) -> None:
    r = await hclient.post("/api/v1/incidents/INC-nope/human-decisions",
                           json={"person": "a", "triage": "x"})  # fmt: skip
    assert r.status_code == 404
