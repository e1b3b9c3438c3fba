"""The CMDB over REST: seeded from cmdb.yaml, edited, validated, audited, swapped into correlation."""

from __future__ import annotations

import httpx
import pytest

from aiops.runtime import Runtime
from aiops.store import audit


async def test_the_store_is_seeded_from_cmdb_yaml(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/cmdb/cis")
    assert r.status_code == 200
    assert [c["name"] for c in r.json()][:2] == ["sulu-web", "sulu-app"]
    rels = (await client.get("/api/v1/cmdb/relations", params={"ci": "sulu-db"})).json()
    assert {"source": "sulu-app", "type": "depends_on", "target": "sulu-db"} in rels


async def test_a_new_ci_and_relation_are_stored_audited_and_used_by_correlation(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ci = {"name": "sulu-queue", "type": "queue", "service": "sulu", "attributes": {"engine": "x"}}
    r = await client.post("/api/v1/cmdb/cis", json=ci, params={"actor": "alice"})
    assert r.status_code == 201, r.text
    rel = {"source": "sulu-app", "type": "depends_on", "target": "sulu-queue"}
    assert (await client.post("/api/v1/cmdb/relations", json=rel)).status_code == 201
    assert runtime.topology.distance("sulu-queue", "sulu-db") == 2
    assert runtime.runner.topology is runtime.topology
    with runtime.sessions.begin() as s:
        rec = audit.list_records(s, entity="ci", entity_id="sulu-queue")
        assert [(x.action, x.actor, x.before) for x in rec] == [("create", "alice", None)]
        assert rec[0].after is not None and rec[0].after["type"] == "queue"
        assert audit.list_records(s, entity="relation", entity_id="sulu-app depends_on sulu-queue")
        assert audit.verify(s).ok


async def test_a_put_records_before_and_after(client: httpx.AsyncClient, runtime: Runtime) -> None:
    ci = (await client.get("/api/v1/cmdb/cis/sulu-db")).json()
    ci.pop("relations")
    ci["owner"] = "team-new-dba"
    r = await client.put("/api/v1/cmdb/cis/sulu-db", json=ci)
    assert r.status_code == 200, r.text
    with runtime.sessions.begin() as s:
        rec = audit.latest(s, entity="ci", entity_id="sulu-db")
    assert rec is not None and rec.action == "update"
    assert (rec.before or {})["owner"] == "team-dba" and (rec.after or {})[
        "owner"
    ] == "team-new-dba"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/cmdb/cis", {"name": "x1", "type": "app", "service": "nope"}, "service"),
        (
            "/api/v1/cmdb/relations",
            {"source": "ghost", "type": "depends_on", "target": "sulu-db"},
            "source",
        ),
        (
            "/api/v1/cmdb/relations",
            {"source": "sulu-app", "type": "runs_on", "target": "ghost"},
            "target",
        ),
    ],
)
async def test_unknown_references_are_422_naming_the_field(
    client: httpx.AsyncClient, path: str, body: dict[str, str], field: str
) -> None:
    r = await client.post(path, json=body)
    assert r.status_code == 422
    err = r.json()
    assert err["code"] == "unknown_reference"
    assert err["errors"][0]["loc"] == ["body", field]
    assert "ghost" in err["errors"][0]["msg"] or "nope" in err["errors"][0]["msg"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "bad name!", "type": "app"},
        {"name": "x", "type": "App"},
        {"name": "x", "type": "app", "colour": "red"},
        {"name": "x", "type": "app", "attributes": {"k": [1, 2]}},
        {"name": 5, "type": "app"},
    ],
)
async def test_malformed_cis_are_rejected(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    r = await client.post("/api/v1/cmdb/cis", json=body)
    assert r.status_code == 422
    assert r.json()["ok"] is False


async def test_deleting_a_referenced_ci_or_service_is_a_conflict(client: httpx.AsyncClient) -> None:
    r = await client.delete("/api/v1/cmdb/cis/sulu-db")
    assert r.status_code == 409
    assert "relation" in r.json()["message"]
    assert (await client.delete("/api/v1/cmdb/services/sulu")).status_code == 409
    assert (await client.delete("/api/v1/cmdb/cis/ghost")).status_code == 404


async def test_a_ci_can_be_deleted_once_its_relations_are(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    r = await client.delete("/api/v1/cmdb/relations/sulu-app/depends_on/sulu-cache")
    assert r.status_code == 200, r.text
    assert (
        await client.delete("/api/v1/cmdb/relations/sulu-cache/runs_on/sulu-host")
    ).status_code == 200
    assert (await client.delete("/api/v1/cmdb/cis/sulu-cache")).status_code == 200
    assert "sulu-cache" not in runtime.topology
    assert (await client.get("/api/v1/cmdb/cis/sulu-cache")).status_code == 404


async def test_duplicates_are_conflicts(client: httpx.AsyncClient) -> None:
    rel = {"source": "sulu-app", "type": "depends_on", "target": "sulu-db"}
    assert (await client.post("/api/v1/cmdb/relations", json=rel)).status_code == 409
    ci = {"name": "sulu-db", "type": "database"}
    assert (await client.post("/api/v1/cmdb/cis", json=ci)).status_code == 409


async def test_service_crud(client: httpx.AsyncClient) -> None:
    svc = {"name": "billing", "owner": "team-b", "service_window": "weekdays 10-19"}
    assert (await client.post("/api/v1/cmdb/services", json=svc)).status_code == 201
    got = (await client.get("/api/v1/cmdb/services/billing")).json()
    assert got["owner"] == "team-b"
    r = await client.put("/api/v1/cmdb/services/other", json=svc)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "name"]
    assert (await client.delete("/api/v1/cmdb/services/billing")).status_code == 200


async def test_graph_as_dot_and_mermaid(client: httpx.AsyncClient) -> None:
    dot = await client.get("/api/v1/cmdb/graph", params={"format": "dot"})
    assert dot.status_code == 200 and dot.text.startswith("digraph cmdb")
    assert '"sulu-app" -> "sulu-db"' in dot.text
    mer = await client.get(
        "/api/v1/cmdb/graph",
        params={"format": "mermaid", "service": "sulu", "highlight": "sulu-db"},
    )
    assert mer.text.startswith("flowchart LR") and "class " in mer.text
    assert (await client.get("/api/v1/cmdb/graph", params={"format": "png"})).status_code == 422
    assert (await client.get("/api/v1/cmdb/graph", params={"service": "x"})).status_code == 404


async def test_csv_import_creates_and_updates_cis(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    csv = "name,type,service,owner,attr.tier\nsulu-db,database,sulu,team-x,gold\nsulu-mq,queue,sulu,,\n"
    r = await client.post("/api/v1/cmdb/import", content=csv.encode())
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 2
    db = (await client.get("/api/v1/cmdb/cis/sulu-db")).json()
    assert db["owner"] == "team-x" and db["attributes"] == {"tier": "gold"}
    assert "sulu-mq" in runtime.topology


@pytest.mark.parametrize(
    ("csv", "needle"),
    [
        ("type\napp\n", "upload.csv:1: missing column 'name'"),
        (
            "name,type,service\nok,app,sulu\nbad,app,nope\n",
            "upload.csv:3: service: unknown service 'nope'",
        ),
        ("name,type\nx,app,extra\n", "upload.csv:2: expected 2 columns"),
        ("name,type\n,app\n", "upload.csv:2: name"),
        ("", "upload.csv:1: empty file"),
    ],
)
async def test_bad_csv_names_the_line_and_stores_nothing(
    client: httpx.AsyncClient, csv: str, needle: str
) -> None:
    before = (await client.get("/api/v1/cmdb")).json()
    r = await client.post("/api/v1/cmdb/import", content=csv.encode())
    assert r.status_code == 422, r.text
    assert needle in r.json()["message"]
    assert (await client.get("/api/v1/cmdb")).json() == before


async def test_non_utf8_csv_is_400(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/cmdb/import", content=b"name,type\n\xff\xfe,app\n")
    assert r.status_code == 400


async def test_an_edited_cmdb_survives_a_restart_until_the_file_changes(runtime: Runtime) -> None:
    from aiops.cmdb import edits
    from aiops.config import Settings
    from aiops.model.cmdb import ConfigurationItem
    from aiops.runtime import ConfigSet
    from aiops.store.repos.cmdb import CmdbRepo

    with runtime.sessions.begin() as s:
        repo = CmdbRepo(s)
        repo.sync(
            edits.put_ci(repo.load(), ConfigurationItem(name="extra", type="app")),
            actor="t",
            now=runtime.clock(),
        )
    cfg = ConfigSet.load(runtime.config.directory)
    again = Runtime(
        Settings(database_url=runtime.settings.database_url),
        config=cfg,
        clock=runtime.clock,
        engine=runtime.engine,
    )
    assert again.config.cmdb is not None and again.config.cmdb.ci("extra") is not None
    assert cfg.cmdb is not None
    changed = cfg.cmdb.model_copy(
        update={"cis": cfg.cmdb.cis[:-1], "relations": cfg.cmdb.relations[:-4]}
    )
    cfg2 = ConfigSet(cfg.directory, cmdb=changed)
    third = Runtime(
        Settings(database_url=runtime.settings.database_url),
        config=cfg2,
        clock=runtime.clock,
        engine=runtime.engine,
    )
    assert third.config.cmdb == changed  # the file changed: it wins again (and is audited)
