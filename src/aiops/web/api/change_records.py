"""Changes: recorded from the API, a GitLab webhook, or a change feed; listed per CI.

Each change is recorded once by id (a re-delivery answers `duplicate: true`), audited,
and weighed by the diagnosis of incidents that follow it on the same CI.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiops.errors import Conflict, ErrorDetail, InvalidInput
from aiops.model.changes import ChangeRecord
from aiops.runtime import Runtime
from aiops.sources.push.gitlab import translate_gitlab
from aiops.store.repos.cmdb import ChangeRepo
from aiops.web.deps import RuntimeDep
from aiops.web.ingest.common import accept

router = APIRouter(tags=["changes"])


class ChangeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, min_length=1, max_length=200)
    ci: str
    kind: str = "deploy"
    summary: str = ""
    diff: dict[str, Any] = Field(default_factory=dict)
    at: datetime | None = None
    actor: str = "api"
    source: str = "api"


def _store(runtime: Runtime, change: ChangeRecord) -> dict[str, Any]:
    with runtime.sessions.begin() as s:
        repo = ChangeRepo(s)
        old = repo.get(change.id)
        if old is not None:
            if old.model_dump(exclude={"at"}) != change.model_dump(exclude={"at"}):
                raise Conflict(f"change {change.id!r} exists with other content")
            return {"ok": True, "id": change.id, "duplicate": True}
        repo.add(change, now=runtime.clock())
    return {"ok": True, "id": change.id, "duplicate": False}


def _record(runtime: Runtime, body: ChangeBody) -> ChangeRecord:
    cmdb = runtime.config.cmdb
    ci = cmdb.ci(body.ci) if cmdb is not None else None
    if cmdb is not None and ci is None:
        raise InvalidInput(
            f"ci: unknown CI '{body.ci}'",
            [ErrorDetail(("body", "ci"), f"unknown CI '{body.ci}'", "unknown_ref")],
            code="unknown_reference",
        )
    try:
        return ChangeRecord(
            id=body.id or "CHG-" + secrets.token_hex(6),
            ci=body.ci,
            service=ci.service if ci else None,
            kind=body.kind,
            summary=body.summary,
            diff=body.diff,
            source=body.source,
            at=body.at or runtime.clock(),
            actor=body.actor,
        )
    except ValidationError as exc:
        raise InvalidInput(
            "invalid change",
            [ErrorDetail(("body", *map(str, e["loc"])), e["msg"], e["type"]) for e in exc.errors()],
        ) from None


@router.post("/api/v1/changes", status_code=201, summary="Record a change on a CI")
def post_change(body: ChangeBody, runtime: RuntimeDep) -> dict[str, Any]:
    return _store(runtime, _record(runtime, body))


@router.get("/api/v1/changes", summary="Recent changes, newest first")
def list_changes(
    runtime: RuntimeDep,
    ci: Annotated[list[str] | None, Query()] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    with runtime.sessions.begin() as s:
        rows = ChangeRepo(s).list(cis=ci, since=since, limit=limit)
    return [c.model_dump(mode="json") for c in rows]


@router.post("/api/v1/ingest/changes/gitlab", summary="GitLab deployment / pipeline webhook")
async def post_gitlab(
    request: Request, runtime: RuntimeDep, ci: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    change = await accept(
        request, runtime, "gitlab", lambda d: translate_gitlab(d, cmdb=runtime.config.cmdb, ci=ci)
    )
    if change is None:
        return {"ok": True, "accepted": 0, "note": "status records no change"}
    from starlette.concurrency import run_in_threadpool

    out = await run_in_threadpool(_store, runtime, change)
    return {**out, "accepted": 0 if out["duplicate"] else 1}
