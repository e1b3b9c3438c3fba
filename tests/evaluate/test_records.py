from __future__ import annotations

import pytest

from aiops.errors import InvalidInput
from aiops.evaluate.records import build_records

ROW = {
    "scenario": "slow-db.1", "fault": "slow-db", "params": {"delay_ms": 1500.0},
    "injected_at": "2026-01-01T00:00:00+00:00", "cleared_at": "2026-01-01T00:01:00+00:00",
    "incidents": ["INC-1"], "incident_id": "INC-1", "false_incidents": 0,
    "incident_opened_at": "2026-01-01T00:00:09+00:00",
    "by_analyzer": {"rules": {"detected": True, "mttd_s": 9.0, "first_alert": "HighLatency",
                              "first_alert_at": "2026-01-01T00:00:09+00:00"}},
    "change": {"id": "CHG-1", "runbook": "r", "type": "standard", "state": "succeeded",
               "created_at": "c", "started_at": "s", "ended_at": "e", "approvals": ["x"]},
}  # fmt: skip
INC = {"id": "INC-1", "opened_at": "o", "acknowledged_at": None, "title": "t",
       "diagnosis": {"candidates": [{"ci": "sulu-db", "score": 0.9}, {"ci": "sulu-app"}, 3]}}  # fmt: skip
DEC = {"agent": "diagnose", "kind": "diagnose", "backend": "builtin", "tokens_in": 5,
       "created_at": "d", "output": {"big": "x"}}  # fmt: skip


def test_a_record_keeps_the_raw_facts_and_drops_the_rest() -> None:
    (r,) = build_records([ROW], {"INC-1": INC}, {"INC-1": [DEC]}, {"slow-db": "sulu-db"},
                         [{"ack_s": 1.0}], {"slow-db.1": ("cpu-hog", {"duty": 0.9})})  # fmt: skip
    assert r["incident"]["candidates"] == ["sulu-db", "sulu-app"]
    assert r["expected_ci"] == "sulu-db" and r["operator"] == {"ack_s": 1.0}
    assert r["change"]["created_at"] == "c" and "approvals" not in r["change"]
    assert r["decisions"][0]["tokens_in"] == 5 and "output" not in r["decisions"][0]
    assert r["analyzers"]["rules"]["mttd_s"] == 9.0
    assert r["also"] == {"fault": "cpu-hog", "params": {"duty": 0.9}}


def test_a_missing_incident_row_gives_no_incident_rather_than_a_crash() -> None:
    (r,) = build_records([ROW], {}, {}, {}, [{}])
    assert r["incident"] is None and r["decisions"] == [] and r["expected_ci"] is None


def test_fewer_operator_draws_than_variants_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="operator draws"):
        build_records([ROW, ROW], {}, {}, {}, [{}])


def test_the_incident_opened_in_this_variant_not_at_its_alerts_first_sighting() -> None:
    (r,) = build_records([ROW], {"INC-1": INC}, {}, {}, [{}])
    assert r["incident"]["opened_at"] == "2026-01-01T00:00:09+00:00"
    assert r["incident"]["first_seen_at"] == "o"


def test_a_change_needs_approval_in_production_unless_standard_inside_policy() -> None:
    from aiops.evaluate.records import change_record

    shadow = "autonomy is approve: a person approves"
    assert not change_record({"type": "standard", "reasons": [shadow]})["needs_approval"]
    assert not change_record({"type": "standard",
                        "reasons": ["standard change, autonomous, inside policy: runs now"]}
                       )["needs_approval"]  # fmt: skip
    assert change_record({"type": "standard", "reasons": ["runbook asks for approval every time", shadow]}
                   )["needs_approval"]  # fmt: skip
    assert change_record({"type": "normal", "reasons": []})["needs_approval"]
