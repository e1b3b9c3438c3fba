"""The contract every pull source keeps, and the config fields they all share.

A source is polled with `now` and returns what it read, translated to `Sample`s and
`Event`s. It never raises for a bad target or bad data: it records the failure in its
health (and metrics) and returns what it could. Only a bug escapes, and the scheduler
catches that too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self, TypeAlias

import httpx
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ConfigDict, Field

from aiops.model import Event, Sample
from aiops.model.duration import DurationS
from aiops.sources.pull.health import ErrorReason, HealthTracker, SourceHealth, metrics_for

Item: TypeAlias = Sample | Event

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"


class SourceConfig(BaseModel):
    """Fields every entry of `sources.yaml` has; each type adds its own."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN, max_length=100)
    type: str
    interval: DurationS = Field(default=15.0, gt=0)
    service: str | None = None
    ci: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)


class HttpSourceConfig(SourceConfig):
    """Fields of sources that fetch over HTTP."""

    timeout: DurationS = Field(default=5.0, gt=0)
    headers: dict[str, str] = Field(default_factory=dict)
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)


@dataclass
class SourceContext:
    """What the process hands every source it builds (test seams included)."""

    registry: CollectorRegistry | None = None
    transport: httpx.AsyncBaseTransport | None = None  # tests: MockTransport
    aws_client: Any = None  # tests: a boto3 client under botocore's Stubber


class PullSource(ABC):
    """One configured source; `poll(now)` reads once, `health` says how it went."""

    type_name: ClassVar[str]
    config_model: ClassVar[type[SourceConfig]]

    def __init__(self, config: SourceConfig, *, registry: CollectorRegistry | None = None) -> None:
        self.config = config
        self._tracker = HealthTracker(config.name, config.type, metrics_for(registry))

    @classmethod
    def from_config(cls, config: SourceConfig, context: SourceContext) -> Self:
        """Build from validated config, handing the adapter the test seams it takes."""
        return cls(config, registry=context.registry, **cls.seams(context))

    @classmethod
    def seams(cls, context: SourceContext) -> dict[str, Any]:
        """The keyword arguments (transport, client...) this adapter takes from `context`."""
        return {}

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def interval_s(self) -> float:
        return self.config.interval

    @property
    def health(self) -> SourceHealth:
        return self._tracker.health

    @abstractmethod
    async def poll(self, now: datetime) -> list[Item]:
        """Read once at `now`; failures are recorded in `health`, never raised."""

    def record_failure(self, now: datetime, reason: ErrorReason, message: str) -> None:
        """Count a failed poll from outside the adapter (the scheduler, on a crash)."""
        self._tracker.failure(now, reason, message)

    async def aclose(self) -> None:
        """Release connections and files; the scheduler calls it on stop."""
        return None

    def _labels(self, own: dict[str, str]) -> dict[str, str]:
        """Configured labels under the target's own (the target's identity wins)."""
        return {**self.config.labels, **own}
