"""Changes: the API, the GitLab webhook (bad input counted, nothing stored), the sulu feed."""

from __future__ import annotations

import json

import httpx
import pytest
from tests.web.conftest import rejected

from aiops.runtime import Runtime, change_recorder
from aiops.sources.pull.change_feed import ChangeFeed, translate_feed
from aiops.store import audit

DEPLOY = {
    "object_kind": "deployment",
    "status": "success",
    "status_changed_at": "2026-11-25 02:58:00 +0000",
    "deployment_id": 15,
    "deployable_id": 796,
    "environment": "production",
    "short_sha": "279484c0",
    "commit_title": "Add retry",
    "user": {"name": "Ada", "username": "ada"},
    "project": {"id": 1, "name": "sulu-app", "path_with_namespace": "shop/sulu-app"},
}
PIPELINE = {
    "object_kind": "pipeline",
    "object_attributes": {
        "id": 31,
        "ref": "main",
        "sha": "bcbb5ec396a2c0f828686f14fac9b80b780504f2",
        "before_sha": "0" * 40,
        "status": "success",
        "created_at": "2026-11-25 02:50:00 UTC",
        "finished_at": "2026-11-25 02:55:00 UTC",
    },
    "user": {"username": "bob"},
    "project": {"name": "x", "path_with_namespace": "shop/x"},
}


async def test_a_change_is_recorded_once_and_audited(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    body = {
        "id": "CHG-1",
        "ci": "sulu-db",
        "kind": "config",
        "summary": "max_connections 100 -> 20",
        "diff": {"max_connections": [100, 20]},
        "actor": "alice",
    }
    r = await client.post("/api/v1/changes", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["duplicate"] is False
    again = await client.post("/api/v1/changes", json=body)
    assert again.json()["duplicate"] is True
    assert (
        await client.post("/api/v1/changes", json={**body, "summary": "other"})
    ).status_code == 409
    listed = (await client.get("/api/v1/changes", params={"ci": "sulu-db"})).json()
    assert [(c["id"], c["service"], c["actor"]) for c in listed] == [("CHG-1", "sulu", "alice")]
    with runtime.sessions.begin() as s:
        assert [x.action for x in audit.list_records(s, entity="change", entity_id="CHG-1")] == [
            "create"
        ]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"ci": "ghost"}, ["body", "ci"]),
        ({"ci": "sulu-db", "kind": "Not A Kind"}, ["body", "kind"]),
        ({"ci": "sulu-db", "at": "yesterday"}, ["body", "at"]),
        ({"ci": "sulu-db", "extra": 1}, ["body", "extra"]),
    ],
)
async def test_bad_changes_are_422_naming_the_field(
    client: httpx.AsyncClient, body: dict, loc: list
) -> None:  # type: ignore[type-arg]
    r = await client.post("/api/v1/changes", json=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == loc


async def test_a_gitlab_deployment_records_a_deploy_on_the_mapped_ci(
    client: httpx.AsyncClient,
) -> None:
    r = await client.post("/api/v1/ingest/changes/gitlab", json=DEPLOY)
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1
    dup = await client.post("/api/v1/ingest/changes/gitlab", json=DEPLOY)
    assert dup.json() == {
        "ok": True,
        "id": "gitlab:deployment:15",
        "duplicate": True,
        "accepted": 0,
    }
    [c] = (await client.get("/api/v1/changes", params={"ci": "sulu-app"})).json()
    assert c["kind"] == "deploy" and c["actor"] == "ada" and "279484c0" in c["summary"]
    assert c["at"].startswith("2026-11-25T02:58:00")


async def test_a_gitlab_pipeline_uses_the_ci_from_the_url(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/ingest/changes/gitlab", params={"ci": "sulu-web"}, json=PIPELINE)
    assert r.status_code == 200 and r.json()["accepted"] == 1
    running = {
        **PIPELINE,
        "object_attributes": {**PIPELINE["object_attributes"], "id": 32, "status": "running"},
    }
    r = await client.post("/api/v1/ingest/changes/gitlab", params={"ci": "sulu-web"}, json=running)
    assert r.json()["accepted"] == 0
    assert len((await client.get("/api/v1/changes")).json()) == 1


@pytest.mark.parametrize(
    ("content", "status", "reason"),
    [
        (b"{not json", 400, "unparsable"),
        (json.dumps([DEPLOY]).encode(), 422, "invalid_gitlab_event"),
        (json.dumps({**DEPLOY, "deployment_id": "15"}).encode(), 422, "invalid_gitlab_event"),
        (json.dumps({**DEPLOY, "status_changed_at": "soon"}).encode(), 422, "invalid_gitlab_event"),
        (json.dumps({**DEPLOY, "object_kind": "push"}).encode(), 422, "invalid_gitlab_event"),
        (
            json.dumps({**DEPLOY, "project": {"name": "unknown-project"}}).encode(),
            422,
            "invalid_gitlab_event",
        ),
        (b"{" + b'"a":"' + b"x" * 3_000_000 + b'"}', 413, "body_too_large"),
    ],
)
async def test_bad_gitlab_events_are_rejected_counted_and_not_stored(
    client: httpx.AsyncClient, content: bytes, status: int, reason: str
) -> None:
    r = await client.post(
        "/api/v1/ingest/changes/gitlab",
        content=content,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == status, r.text
    assert r.json()["ok"] is False
    metrics = (await client.get("/metrics")).text
    assert rejected(metrics, "gitlab", reason) == 1
    assert (await client.get("/api/v1/changes")).json() == []


async def test_the_gitlab_webhook_checks_the_ingest_token(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOPS_INGEST_TOKEN", "s3cret")
    r = await client.post("/api/v1/ingest/changes/gitlab", json=DEPLOY)
    assert r.status_code == 401
    ok = await client.post(
        "/api/v1/ingest/changes/gitlab", json=DEPLOY, headers={"authorization": "Bearer s3cret"}
    )
    assert ok.status_code == 200


SULU_FEED = {
    "changes": [
        {
            "id": 1,
            "at": "2026-11-25T02:59:00+00:00",
            "kind": "config",
            "summary": "config reloaded",
            "diff": {"cache.ttl_s": [60, 0]},
        },
        {
            "id": 2,
            "at": "2026-11-25T02:59:30+00:00",
            "kind": "deploy",
            "summary": "deploy sulu 1 -> 2",
            "diff": {"version": ["1", "2"]},
        },
    ]
}


async def test_the_sulu_change_feed_records_each_change_once(runtime: Runtime) -> None:
    async def fetch() -> dict:  # type: ignore[type-arg]
        return SULU_FEED

    feed = ChangeFeed(fetch, change_recorder(runtime), ci="sulu-app", service="sulu")
    assert await feed.poll_once() == 2
    assert await feed.poll_once() == 0

    async def broken() -> dict:  # type: ignore[type-arg]
        raise OSError("connection refused")

    assert await ChangeFeed(broken, change_recorder(runtime), ci="sulu-app").poll_once() == 0


def test_a_malformed_feed_is_a_clear_error() -> None:
    from aiops.errors import InvalidInput

    with pytest.raises(InvalidInput, match="changes"):
        translate_feed({"changes": "x"}, ci="a", service=None, source="sulu")
    with pytest.raises(InvalidInput, match=r"changes\[0\]"):
        translate_feed({"changes": [{"id": 1}]}, ci="a", service=None, source="sulu")
