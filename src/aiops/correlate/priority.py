"""ITIL priority: impact (how much of the business) × urgency (how fast it hurts) → P1..P5.

Impact comes from the criticality of the affected service, urgency from the alert
severity; both maps and the matrix are in `policies.yaml` (`PriorityPolicy`).
1 is the highest level everywhere: impact 1, urgency 1, P1.
"""

from __future__ import annotations

from aiops.errors import InvalidInput
from aiops.model import Severity
from aiops.model.cmdb import Service
from aiops.model.policy import PriorityPolicy


def priority(impact: int, urgency: int, policy: PriorityPolicy) -> int:
    """The matrix cell for `impact` and `urgency` (each 1..3)."""
    for name, level in (("impact", impact), ("urgency", urgency)):
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 3:
            raise InvalidInput(f"{name} must be 1, 2 or 3; got {level!r}")
    return policy.matrix[impact - 1][urgency - 1]


def assess(severity: Severity, service: Service | None, policy: PriorityPolicy) -> tuple[int, int]:
    """(impact, urgency) for an alert of `severity` on `service` (None: not in the CMDB)."""
    impact = (
        policy.impact_by_criticality[service.criticality]
        if service is not None
        else policy.default_impact
    )
    return impact, policy.urgency_by_severity[severity]


__all__ = ["assess", "priority"]
