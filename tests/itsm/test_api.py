"""REST approvals, the signed-link pages, and the CLI, over a real store."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from aiops.config import Settings
from aiops.itsm.stage import ActStage
from aiops.model.policy_itsm import ChangePolicy
from aiops.runtime import ConfigSet, Runtime

from .helpers import EXAMPLES, add_incident, audit_actions, service


@pytest.fixture
def rt(db_url: str, clock) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    r = Runtime(
        Settings(database_url=db_url, config_dir=EXAMPLES),
        config=ConfigSet.load(EXAMPLES),
        clock=clock,
    )
    pol = r.config.policies.model_copy(
        update={"changes": ChangePolicy(approvers={"change-manager": ["alice", "bob"]})}
    )
    svc = service(r, pol)
    svc.execute_here = False  # decisions only: execution is covered in test_service
    r.stages.stages.append(ActStage(svc))
    yield r
    svc.close()
    r.close()


async def test_rest_propose_then_approve_and_deny(client: httpx.AsyncClient, rt: Runtime) -> None:
    iid = add_incident(rt, priority=3)
    r = await client.post(
        "/api/v1/change-requests", json={"incident_id": iid, "runbook": "fix-normal"}
    )
    assert r.status_code == 201 and r.json()["state"] == "pending_approval"
    cid = r.json()["id"]
    r = await client.post(f"/api/v1/change-requests/{cid}/approve", json={"approver": "mallory"})
    assert r.status_code == 401 and r.json()["ok"] is False
    r = await client.post(f"/api/v1/change-requests/{cid}/approve", json={"approver": "alice"})
    assert r.status_code == 200 and r.json()["state"] == "approved"
    r = await client.post(f"/api/v1/change-requests/{cid}/deny", json={"approver": "bob"})
    assert r.status_code == 409
    listed = (await client.get("/api/v1/change-requests", params={"incident_id": iid})).json()
    assert [c["id"] for c in listed["items"]] == [cid]


async def test_bad_parameters_get_422_with_locations(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    iid = add_incident(rt)
    r = await client.post(
        "/api/v1/change-requests",
        json={"incident_id": iid, "runbook": "sized", "params": {"n": "lots"}},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["params", "n"]


async def test_link_page_asks_first_and_applies_once(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    iid = add_incident(rt, priority=3)
    cid = (
        await client.post(
            "/api/v1/change-requests", json={"incident_id": iid, "runbook": "fix-normal"}
        )
    ).json()["id"]
    svc = rt.stages.stages[-1].service  # type: ignore[attr-defined]
    ch = (await client.get(f"/api/v1/change-requests/{cid}")).json()
    from aiops.model.itsm import Change

    url = svc.links(Change.model_validate(ch), "alice", rt.clock())["approve"]
    path = "/approve/" + url.rsplit("/", 1)[1]
    page = await client.get(path)
    assert page.status_code == 200 and "<form method=post>" in page.text
    assert (await client.get(f"/api/v1/change-requests/{cid}")).json()[
        "state"
    ] == "pending_approval"
    ok = await client.post(path)
    assert ok.status_code == 200 and "approved" in ok.text
    replay = await client.post(path)
    assert replay.status_code == 403 and "link_replayed" in replay.text
    edited = await client.post(path[:-2] + ("xx" if not path.endswith("xx") else "yy"))
    assert edited.status_code == 403
    assert audit_actions(rt).count("link_refused") == 2


def test_cli_approve_deny_and_list(
    rt: Runtime, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiops.cli import _load, app

    monkeypatch.setenv("AIOPS_APPROVAL_SECRET", "x" * 32)
    iid = add_incident(rt, priority=3)
    svc = rt.stages.stages[-1].service  # type: ignore[attr-defined]
    c = svc.propose_change(
        incident_id=iid,
        runbook="fix-normal",
        params={},
        requested_by="baseline",
        autonomy="autonomous",
    )
    _load()
    runner = CliRunner()
    args = ["--db", db_url, "--config", str(EXAMPLES)]
    res = runner.invoke(app, ["changes", "list", "--json", *args])
    assert res.exit_code == 0 and c.id in res.output
    from aiops.store.repos.itsm import SqlItsmRepo

    with rt.sessions.begin() as s:  # the CLI runs on the wall clock; the test's clock is fixed
        SqlItsmRepo(s).save_change(c.model_copy(update={"expires_at": None}))
    res = runner.invoke(app, ["approve", c.id, "--as", "alice", *args])
    assert res.exit_code == 0, res.output
    assert "approved" in res.output
    res = runner.invoke(app, ["deny", "CHG-nope", "--as", "alice", *args])
    assert res.exit_code == 2 and "not found" in res.output
