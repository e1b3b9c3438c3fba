"""`ingest.yaml`: who may push, and how much.

Tokens are never written in the file itself: `token_env` names an environment variable
that holds it, so the file can live in git.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

PUSH_SOURCES = ("native", "alertmanager", "cloudwatch", "otlp")


class PushSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token_env: str | None = None  # environment variable holding this source's bearer token
    enabled: bool = True


class CloudWatchOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verify_signature: bool = False  # production: true (fetches the SNS signing cert)


class IngestConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    max_batch: int = Field(default=1000, gt=0)
    sources: dict[str, PushSource] = Field(default_factory=dict)
    cloudwatch: CloudWatchOptions = Field(default_factory=CloudWatchOptions)
