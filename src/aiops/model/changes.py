"""A change to a CI (deploy, config, ...): what the diagnosis weighs as "it followed a change".

Recorded from the API, a CI/CD webhook (GitLab) or a change feed (sulu's change log).
`id` identifies the change across re-deliveries: the store records each id once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aiops.model.cmdb import NAME_PATTERN


class ChangeRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    ci: str = Field(pattern=NAME_PATTERN)
    service: str | None = None
    kind: str = Field(default="deploy", pattern=r"^[a-z][a-z0-9_-]{0,39}$")  # deploy, config, ...
    summary: str = Field(default="", max_length=2000)
    diff: dict[str, Any] = Field(default_factory=dict)  # key -> [old, new] by convention
    source: str = Field(default="api", min_length=1, max_length=64)
    at: datetime
    actor: str = Field(default="api", min_length=1, max_length=200)


__all__ = ["ChangeRecord"]
