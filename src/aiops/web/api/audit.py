"""The audit log: read it, and verify its hash chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from aiops.store import audit
from aiops.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", summary="Audit records, newest first")
def list_audit(
    session: SessionDep,
    entity: str | None = None,
    entity_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    items = audit.list_records(session, entity=entity, entity_id=entity_id, limit=limit)
    return {"items": [r.model_dump(mode="json") for r in items]}


@router.get("/verify", summary="Walk the hash chain; name the first broken record")
def verify_audit(session: SessionDep) -> dict[str, Any]:
    r = audit.verify(session)
    return {"ok": r.ok, "checked": r.checked, "first_bad_seq": r.first_bad_seq, "reason": r.reason}
