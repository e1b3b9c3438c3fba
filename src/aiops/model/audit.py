"""An audit record: one link of the SHA-256 hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int
    at: datetime
    actor: str
    entity: str  # "alert", "incident", "config", ...
    entity_id: str
    action: str  # "create", "state", "comment", ...
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    prev_hash: str
    hash: str
