"""What every step kind shares: its arguments model, the context it runs in, its outcome.

A kind is `StepKind(name, args_model, run)`; `run(args, ctx)` does one thing and says
whether it worked. The executor owns timeouts, templating, idempotency and recording;
a kind never sleeps past `ctx.remaining()` and never raises for an expected failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from pydantic import BaseModel

from aiops.model.policy_itsm import ChangePolicy

MAX_OUTPUT = 4000


class MetricSource(Protocol):
    """Recent points of every series named `name` whose labels include `labels`."""

    def points(
        self, name: str, labels: Mapping[str, str], since: datetime
    ) -> Sequence[Sequence[tuple[float, float]]]: ...


@dataclass(frozen=True)
class StepOutcome:
    ok: bool
    output: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def _http(timeout_s: float) -> httpx.Client:
    return httpx.Client(timeout=timeout_s)


def _boto3(service: str, region: str | None) -> Any:
    import boto3

    return boto3.client(service, region_name=region)


@dataclass
class StepContext:
    """Collaborators a step may use; tests replace any of them."""

    values: dict[str, Any] = field(default_factory=dict)  # template values
    policy: ChangePolicy = field(default_factory=ChangePolicy)
    http: Callable[[float], httpx.Client] = _http
    metrics: MetricSource | None = None
    boto3_client: Callable[[str, str | None], Any] = _boto3
    notify: Callable[[dict[str, Any]], str] | None = None
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    wallclock: Callable[[], datetime] = lambda: datetime.now(UTC)
    deadline: float = float("inf")  # monotonic; set by the executor for each step

    def remaining(self) -> float:
        return max(0.0, self.deadline - self.monotonic())


class Args(BaseModel):
    """Base for a kind's arguments (subclasses set `extra="forbid"`)."""


@dataclass(frozen=True)
class StepKind:
    name: str
    args: type[BaseModel]
    run: Callable[[Any, StepContext], StepOutcome]
    # A default timeout when the step names none (verify waits longer than most).
    timeout_hint: Callable[[Any], float | None] = lambda _args: None


def clip(text: str, limit: int = MAX_OUTPUT) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more)"


__all__ = ["Args", "MetricSource", "StepContext", "StepKind", "StepOutcome", "clip"]
