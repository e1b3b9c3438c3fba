from __future__ import annotations

import pytest

from aiops.correlate.priority import assess, priority
from aiops.errors import InvalidInput
from aiops.model import Severity
from aiops.model.cmdb import Service
from aiops.model.policy import PriorityPolicy

POLICY = PriorityPolicy()

# The usual ITIL table: impact (row) x urgency (column) -> P1..P5.
ITIL = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}  # fmt: skip


@pytest.mark.parametrize(("impact", "urgency"), sorted(ITIL), ids=str)
def test_default_matrix_is_the_itil_table(impact, urgency):
    assert priority(impact, urgency, POLICY) == ITIL[impact, urgency]


def test_matrix_from_policy_is_used():
    custom = PriorityPolicy(matrix=[[1, 1, 2], [2, 3, 4], [3, 4, 5]])
    assert priority(1, 2, custom) == 1


@pytest.mark.parametrize("bad", [0, 4, -1, True, 2.0, None])
def test_out_of_range_levels_are_invalid_input(bad):
    with pytest.raises(InvalidInput, match="impact must be 1, 2 or 3"):
        priority(bad, 1, POLICY)
    with pytest.raises(InvalidInput, match="urgency must be 1, 2 or 3"):
        priority(1, bad, POLICY)


@pytest.mark.parametrize(
    ("severity", "criticality", "expected"),
    [
        ("critical", "high", (1, 1)),
        ("error", "high", (1, 2)),
        ("warning", "medium", (2, 3)),
        ("info", "low", (3, 3)),
        ("critical", "critical", (1, 1)),
    ],
)
def test_assess_maps_criticality_to_impact_and_severity_to_urgency(severity, criticality, expected):
    svc = Service(name="s", criticality=criticality)
    assert assess(Severity(severity), svc, POLICY) == expected


def test_unknown_service_takes_the_default_impact():
    assert assess(Severity.critical, None, POLICY) == (3, 1)
    assert assess(Severity.critical, None, PriorityPolicy(default_impact=2)) == (2, 1)


def test_sulu_critical_alert_is_p1_and_warning_is_p3():
    sulu = Service(name="sulu", criticality="high")
    assert priority(*assess(Severity.critical, sulu, POLICY), POLICY) == 1
    assert priority(*assess(Severity.warning, sulu, POLICY), POLICY) == 3
