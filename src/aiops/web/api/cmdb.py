"""The CMDB over REST: services, CIs and relations, the dependency graph, CSV import.

`cmdb.yaml` seeds the store (see `Runtime.seed_cmdb`); these endpoints edit the stored
copy. Every write is checked (unknown service or CI -> 422 naming the field; deleting
something still referenced -> 409), audited per object with before/after, and swapped
into the running correlation (`Runtime.set_cmdb`) once committed.
`aiops cmdb export` writes the stored CMDB back as YAML.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from aiops.cmdb import edits
from aiops.cmdb.csv_import import parse_cis_csv
from aiops.cmdb.export import to_dot, to_mermaid
from aiops.cmdb.topology import Topology
from aiops.errors import ConfigError, Conflict, ErrorDetail, InvalidInput, NotFound, Unparsable
from aiops.model.cmdb import Cmdb, ConfigurationItem, Relation, RelationType, Service
from aiops.runtime import Runtime
from aiops.store.repos.cmdb import CmdbRepo
from aiops.web.deps import RuntimeDep
from aiops.web.ingest.common import read_body

router = APIRouter(prefix="/api/v1/cmdb", tags=["cmdb"])
_edit_lock = threading.Lock()  # edits are load → change → store; one at a time
ActorQ = Annotated[str, Query(min_length=1, max_length=200)]
MAX_CSV_BYTES = 4 * 1024 * 1024


def current(runtime: Runtime) -> Cmdb:
    with runtime.sessions.begin() as s:
        return CmdbRepo(s).load()


def _edit(runtime: Runtime, change: Callable[[Cmdb], Cmdb], actor: str) -> tuple[Cmdb, int]:
    with _edit_lock:
        with runtime.sessions.begin() as s:
            repo = CmdbRepo(s)
            new = change(repo.load())
            n = repo.sync(new, actor=actor, now=runtime.clock())
        runtime.set_cmdb(new)
    return new, n


def _name_matches(path_name: str, body_name: str) -> None:
    if path_name != body_name:
        raise InvalidInput(
            "name in the body differs from the URL",
            [ErrorDetail(("body", "name"), f"expected '{path_name}'", "name_mismatch")],
        )


@router.get("", summary="The whole CMDB")
def get_cmdb(runtime: RuntimeDep) -> dict[str, Any]:
    return current(runtime).model_dump(mode="json")


# -- services -------------------------------------------------------------------------
@router.get("/services", summary="List services")
def list_services(runtime: RuntimeDep) -> list[dict[str, Any]]:
    return [s.model_dump(mode="json") for s in current(runtime).services]


@router.get("/services/{name}", summary="One service")
def get_service(name: str, runtime: RuntimeDep) -> dict[str, Any]:
    svc = current(runtime).service(name)
    if svc is None:
        raise NotFound(f"service {name!r} not found")
    return svc.model_dump(mode="json")


@router.post("/services", status_code=201, summary="Create a service")
def create_service(body: Service, runtime: RuntimeDep, actor: ActorQ = "api") -> dict[str, Any]:
    def change(c: Cmdb) -> Cmdb:
        if c.service(body.name) is not None:
            raise Conflict(f"service {body.name!r} already exists; PUT replaces it")
        return edits.put_service(c, body)

    _edit(runtime, change, actor)
    return body.model_dump(mode="json")


@router.put("/services/{name}", summary="Create or replace a service")
def put_service(
    name: str, body: Service, runtime: RuntimeDep, actor: ActorQ = "api"
) -> dict[str, Any]:
    _name_matches(name, body.name)
    _edit(runtime, lambda c: edits.put_service(c, body), actor)
    return body.model_dump(mode="json")


@router.delete("/services/{name}", summary="Delete a service that no CI belongs to")
def delete_service(name: str, runtime: RuntimeDep, actor: ActorQ = "api") -> dict[str, Any]:
    _edit(runtime, lambda c: edits.delete_service(c, name), actor)
    return {"ok": True, "deleted": name}


# -- CIs --------------------------------------------------------------------------------
@router.get("/cis", summary="List CIs (optionally of one service)")
def list_cis(runtime: RuntimeDep, service: str | None = None) -> list[dict[str, Any]]:
    return [
        c.model_dump(mode="json")
        for c in current(runtime).cis
        if service is None or c.service == service
    ]


@router.get("/cis/{name}", summary="One CI with its relations")
def get_ci(name: str, runtime: RuntimeDep) -> dict[str, Any]:
    cmdb = current(runtime)
    ci = cmdb.ci(name)
    if ci is None:
        raise NotFound(f"CI {name!r} not found")
    rels = [r.model_dump(mode="json") for r in cmdb.relations if name in (r.source, r.target)]
    return {**ci.model_dump(mode="json"), "relations": rels}


@router.post("/cis", status_code=201, summary="Create a CI")
def create_ci(
    body: ConfigurationItem, runtime: RuntimeDep, actor: ActorQ = "api"
) -> dict[str, Any]:
    def change(c: Cmdb) -> Cmdb:
        if c.ci(body.name) is not None:
            raise Conflict(f"CI {body.name!r} already exists; PUT replaces it")
        return edits.put_ci(c, body)

    _edit(runtime, change, actor)
    return body.model_dump(mode="json")


@router.put("/cis/{name}", summary="Create or replace a CI")
def put_ci(
    name: str, body: ConfigurationItem, runtime: RuntimeDep, actor: ActorQ = "api"
) -> dict[str, Any]:
    _name_matches(name, body.name)
    _edit(runtime, lambda c: edits.put_ci(c, body), actor)
    return body.model_dump(mode="json")


@router.delete("/cis/{name}", summary="Delete a CI that no relation names")
def delete_ci(name: str, runtime: RuntimeDep, actor: ActorQ = "api") -> dict[str, Any]:
    _edit(runtime, lambda c: edits.delete_ci(c, name), actor)
    return {"ok": True, "deleted": name}


# -- relations ------------------------------------------------------------------------
@router.get("/relations", summary="List relations")
def list_relations(runtime: RuntimeDep, ci: str | None = None) -> list[dict[str, Any]]:
    return [
        r.model_dump(mode="json")
        for r in current(runtime).relations
        if ci is None or ci in (r.source, r.target)
    ]


@router.post("/relations", status_code=201, summary="Add a relation `source type target`")
def create_relation(body: Relation, runtime: RuntimeDep, actor: ActorQ = "api") -> dict[str, Any]:
    _edit(runtime, lambda c: edits.add_relation(c, body), actor)
    return body.model_dump(mode="json")


@router.delete("/relations/{source}/{type}/{target}", summary="Delete a relation")
def delete_relation(
    source: str, type: RelationType, target: str, runtime: RuntimeDep, actor: ActorQ = "api"
) -> dict[str, Any]:
    rel = Relation(source=source, type=type, target=target)
    _edit(runtime, lambda c: edits.delete_relation(c, rel), actor)
    return {"ok": True, "deleted": rel.model_dump(mode="json")}


# -- graph and import -------------------------------------------------------------------
def graph_text(cmdb: Cmdb, fmt: str, service: str | None, highlight: list[str]) -> str:
    only = None
    if service is not None:
        if cmdb.service(service) is None:
            raise NotFound(f"service {service!r} not found")
        topo = Topology(cmdb)
        only = topo.subgraph(topo.cis_of(service))
    render = to_dot if fmt == "dot" else to_mermaid
    return render(cmdb, highlight=highlight, only=only)


@router.get(
    "/graph",
    summary="The dependency graph as DOT or Mermaid text",
    response_class=PlainTextResponse,
)
def get_graph(
    runtime: RuntimeDep,
    format: Literal["dot", "mermaid"] = "mermaid",
    service: str | None = None,
    highlight: Annotated[list[str] | None, Query()] = None,
) -> PlainTextResponse:
    text = graph_text(current(runtime), format, service, highlight or [])
    media = "text/vnd.graphviz" if format == "dot" else "text/plain"
    return PlainTextResponse(text, media_type=media)


@router.post("/import", summary="Create or replace CIs from a CSV body (name,type,service,...)")
async def import_csv(
    request: Request, runtime: RuntimeDep, actor: ActorQ = "api"
) -> dict[str, Any]:
    body = await read_body(request, MAX_CSV_BYTES)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unparsable(f"upload.csv: not UTF-8 text (byte {exc.start})") from None
    from starlette.concurrency import run_in_threadpool

    def change(c: Cmdb) -> Cmdb:
        try:
            cis = parse_cis_csv(text, "upload.csv", services={x.name for x in c.services})
        except ConfigError as exc:
            raise InvalidInput(exc.message, exc.errors, code="invalid_csv") from None
        counted.append(len(cis))
        return edits.put_cis(c, cis)

    counted: list[int] = []
    _, n = await run_in_threadpool(_edit, runtime, change, actor)
    return {"ok": True, "imported": counted[0], "changed": n}
