"""Signal: what a detector says about a series or a log stream, with its own explanation."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aiops.model.events import Severity


class Signal(BaseModel):
    """A detector's finding. It enters correlation as an Event of kind `signal`.

    `explanation` is the human sentence; the numbers beside it let a page draw it.
    """

    model_config = ConfigDict(extra="forbid")

    detector: str  # e.g. "robust_level", "log_new_template"
    series: str  # metric series key or log stream name
    at: datetime
    since: datetime | None = None
    score: float = Field(ge=0.0, le=1.0)
    observed: float | None = None
    expected: float | None = None
    service: str | None = None
    ci: str | None = None
    severity: Severity = Severity.warning
    explanation: str = ""
    labels: dict[str, str] = Field(default_factory=dict)
