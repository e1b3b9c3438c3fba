"""`policies.yaml`: the rules a service manager sets for correlation, priority and incidents.

`Policies` is a container of sections; later issues add sections (autonomy, approvals,
freeze windows, budgets) beside these. Every field has a default, so an empty file
is valid and means "the defaults documented here".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aiops.model.cmdb import Criticality
from aiops.model.duration import DurationS
from aiops.model.events import Severity
from aiops.model.policy_itsm import ChangePolicy, NotificationPolicy, ProblemPolicy, SlaPolicy

Level = Annotated[int, Field(ge=1, le=3)]  # ITIL impact / urgency: 1 high .. 3 low


class CorrelationPolicy(BaseModel):
    """How alerts are grouped into incidents (see `aiops.correlate.grouping`)."""

    model_config = ConfigDict(extra="forbid")

    window_s: DurationS = 300.0  # an incident takes new alerts this long after its last activity
    max_cmdb_distance: int = Field(default=2, ge=0, le=10)  # hops, relations undirected
    similarity_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    # A mitigated incident stays joinable this long after its last activity, so a
    # flapping alert reopens it instead of opening a duplicate.
    mitigated_window_s: DurationS = 1800.0
    by_service: bool = True  # rule 1: same service or CI
    by_cmdb: bool = True  # rule 2: CIs connected in the CMDB
    by_similarity: bool = True  # rule 3: similar names / summaries / labels
    # Labels that differ between replicas and would only add noise to similarity.
    similarity_ignore_labels: list[str] = Field(
        default_factory=lambda: ["alertname", "instance", "pod", "container", "job", "endpoint"]
    )


# The usual ITIL table: rows impact 1..3 (high..low), columns urgency 1..3.
_ITIL_MATRIX = [[1, 2, 3], [2, 3, 4], [3, 4, 5]]
_URGENCY = {Severity.critical: 1, Severity.error: 2, Severity.warning: 3, Severity.info: 3}
_IMPACT = {Criticality.critical: 1, Criticality.high: 1, Criticality.medium: 2, Criticality.low: 3}


class PriorityPolicy(BaseModel):
    """ITIL priority = matrix[impact][urgency]; urgency from severity, impact from criticality.

    Partial maps are filled from the defaults, so `urgency_by_severity: {warning: 2}` is
    enough to change one entry.
    """

    model_config = ConfigDict(extra="forbid")

    matrix: list[list[Annotated[int, Field(ge=1, le=5)]]] = Field(
        default_factory=lambda: [row[:] for row in _ITIL_MATRIX]
    )
    urgency_by_severity: dict[Severity, Level] = Field(default_factory=lambda: dict(_URGENCY))
    impact_by_criticality: dict[Criticality, Level] = Field(default_factory=lambda: dict(_IMPACT))
    default_impact: Level = 3  # alert on no known service

    @field_validator("matrix")
    @classmethod
    def _square(cls, value: list[list[int]]) -> list[list[int]]:
        if len(value) != 3 or any(len(row) != 3 for row in value):
            raise ValueError("matrix must be 3 rows (impact 1..3) of 3 priorities (urgency 1..3)")
        return value

    @field_validator("urgency_by_severity")
    @classmethod
    def _fill_urgency(cls, value: dict[Severity, int]) -> dict[Severity, int]:
        return {**_URGENCY, **value}

    @field_validator("impact_by_criticality")
    @classmethod
    def _fill_impact(cls, value: dict[Criticality, int]) -> dict[Criticality, int]:
        return {**_IMPACT, **value}


class IncidentPolicy(BaseModel):
    """Automatic incident state changes (see `aiops.correlate.lifecycle`)."""

    model_config = ConfigDict(extra="forbid")

    auto_mitigate_when_all_resolved: bool = True
    reopen_on_refire: bool = True  # a mitigated incident reopens when one of its alerts fires
    reopen_window_s: DurationS = 86400.0  # a resolved incident may be reopened this long after
    # an alert still firing this soon after its incident was resolved is lag (its window
    # has not caught up with the fix), not a new problem: it opens no new incident
    resolved_grace_s: DurationS = 120.0
    auto_resolve_after_s: DurationS | None = None  # mitigated and quiet this long -> resolved
    auto_close_after_s: DurationS | None = None  # resolved this long -> closed


class Policies(BaseModel):
    """The whole `policies.yaml`."""

    model_config = ConfigDict(extra="forbid")

    correlation: CorrelationPolicy = Field(default_factory=CorrelationPolicy)
    priority: PriorityPolicy = Field(default_factory=PriorityPolicy)
    incidents: IncidentPolicy = Field(default_factory=IncidentPolicy)
    changes: ChangePolicy = Field(default_factory=ChangePolicy)
    notifications: NotificationPolicy = Field(default_factory=NotificationPolicy)
    sla: SlaPolicy = Field(default_factory=SlaPolicy)
    problems: ProblemPolicy = Field(default_factory=ProblemPolicy)


__all__ = ["CorrelationPolicy", "IncidentPolicy", "Policies", "PriorityPolicy"]
