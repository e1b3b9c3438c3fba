from __future__ import annotations

import math

import pytest
from tests.evaluate.records_fixture import fault, quiet, sample

from aiops.errors import InvalidInput
from aiops.evaluate.scores import CostConfig, decision_cost, detection, rca, score, times


def test_detection_counts_true_false_and_missed_per_analyzer() -> None:
    d = detection(sample(), "detectors")
    assert (d["tp"], d["fp"], d["fn"], d["tn"]) == (3, 1, 1, 1)
    assert d["precision"] == 0.75 and d["recall"] == 0.75 and d["f1"] == 0.75
    assert d["miss_rate"] == 0.25 and d["false_positive_rate"] == 0.5
    assert d["false_incident_rate"] == 0.25


def test_detection_of_nothing_detected_is_zero_f1_not_a_crash() -> None:
    d = detection([fault("stop.1", rules=None, detectors=None)], "rules")
    assert d["f1"] == 0.0 and d["precision"] is None and d["miss_rate"] == 1.0


def test_baseline_mttr_adds_the_people_and_the_runbook_to_scaled_detection() -> None:
    t = times(fault("slow-db.1", rules=10, detectors=4), "baseline", 0.2)
    assert t["mttd_s"] == 50.0  # 10 s wall at scale 0.2
    assert t["mtta_s"] == 350.0
    assert t["mttr_s"] == 50.0 + 1800.0 + 10.0  # people + the runbook's 10 s


def test_agents_mttr_is_detection_plus_the_automated_chain_when_the_change_held() -> None:
    t = times(fault("slow-db.1", rules=10, detectors=4), "agents", 0.2)
    assert t["automated"] and t["mttr_s"] == 4.0 + 20.0  # detectors unscaled; change: 10 + 10 s


def test_agents_fall_back_to_the_people_when_no_change_held() -> None:
    t = times(fault("e.1", rules=8, detectors=8, fixed=False), "agents", 0.2)
    assert not t["automated"] and t["mttr_s"] == 8.0 + 1800.0 + 10.0


def test_rca_top1_and_top3_against_the_expected_ci() -> None:
    r = rca(sample())
    assert r["n"] == 4  # the detected faults
    assert r["top1"] == 0.5 and r["top3"] == 0.75


def test_cost_uses_recorded_cost_else_tokens_times_price_plus_calls() -> None:
    c = CostConfig(price_in_per_mtok_usd=3.0, price_per_call_usd=0.5)
    assert decision_cost({"tokens_in": 1_000_000, "calls": 2}, c) == 4.0
    assert decision_cost({"cost_usd": 0.25, "tokens_in": 10**9}, c) == 0.25


def test_over_budget_recommends_the_human_fallback() -> None:
    s = score(sample(), time_scale=0.2, cost_config=CostConfig(budget_usd_month=1.0))
    assert s["cost"]["over_budget"]
    assert s["verdict"]["recommendation"] == "human fallback"


def test_builtin_agents_cost_nothing_and_the_verdict_names_unmet_targets() -> None:
    records = [r for r in sample() if not r["decisions"]]
    s = score(records, time_scale=0.2, cost_config=CostConfig())
    assert s["cost"]["per_incident_usd"] == 0.0 and not s["cost"]["over_budget"]
    assert s["verdict"]["recommendation"].startswith("keep people")
    assert "Detection F1" in s["verdict"]["why"]


def test_a_perfect_agent_side_meets_every_target() -> None:
    records = [fault(f"slow-db.{i}", rules=10, detectors=2, cands=["sulu-db"], expected="sulu-db")
               for i in range(5)] + [quiet("none.1", rules=1)]  # fmt: skip
    s = score(records, time_scale=0.2, cost_config=CostConfig())
    assert s["verdict"]["recommendation"] == "use the agents", s["verdict"]["why"]
    assert s["verdict"]["mttr_speedup"] >= 3


@pytest.mark.parametrize("bad", [0.0, -1.0, 2.0, math.nan])
def test_bad_time_scale_is_rejected(bad: float) -> None:
    with pytest.raises(InvalidInput):
        score(sample(), time_scale=bad, cost_config=CostConfig())


@pytest.mark.parametrize("field", ["budget_usd_month", "price_in_per_mtok_usd"])
@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_bad_cost_config_is_rejected_naming_the_field(field: str, bad: float) -> None:
    with pytest.raises(InvalidInput) as e:
        score(sample(), time_scale=0.2, cost_config=CostConfig(**{field: bad}))
    assert e.value.errors[0].loc == (field,)


def test_empty_records_score_without_error() -> None:
    s = score([], time_scale=0.2, cost_config=CostConfig())
    assert s["agents"]["detection"]["f1"] is None and s["variants"] == 0


def test_the_shadow_hold_before_approval_is_not_counted_in_the_agents_mttr() -> None:
    r = fault("slow-db.1", rules=10, detectors=4)
    r["change"]["created_at"] = r["incident"]["opened_at"]  # proposed at once, then held 10 s
    t = times(r, "agents", 0.2)
    assert t["mttr_s"] == 4.0 + 0.0 + 10.0


def test_agreement_with_people_compares_cause_and_action_and_people_cost_no_tokens() -> None:
    from aiops.evaluate.scores import agreement, cost

    r = fault("slow-db.1", rules=10, detectors=4, cands=["sulu-db"], expected="sulu-db")
    r["change"]["runbook"] = "sulu-restart"
    r["decisions"] = [
        {"backend": "human", "kind": "diagnose", "decided": "sulu-db", "tokens_in": 10**9},
        {"backend": "human", "kind": "remediate", "decided": "sulu-db-failover"},
    ]
    a = agreement([r])
    assert (a["root_cause"], a["action"], a["root_cause_n"]) == (1.0, 0.0, 1)
    assert cost([r], CostConfig())["total_usd"] == 0.0


def test_agents_chain_counts_each_change_until_one_held_and_the_approvals_production_needs() -> (
    None
):
    from tests.evaluate.records_fixture import at

    r = fault("db-pool-exhaustion.1", rules=10, detectors=4)  # incident opened at 4 s
    r["changes"] = [
        # a standard fix that failed: proposed 2 s after the opening, ran 6 s
        {"state": "failed", "created_at": at(6), "started_at": at(30), "ended_at": at(36),
         "needs_approval": False},
        # then a normal change (approval in production): proposed 1 s later, ran 10 s
        {"state": "succeeded", "created_at": at(37), "started_at": at(60), "ended_at": at(70),
         "needs_approval": True},
    ]  # fmt: skip
    t = times(r, "agents", 0.2)
    assert t["automated"] and t["mttr_s"] == 4.0 + (2 + 6) + (1 + 300 + 10)
    r["changes"][1]["state"] = "failed"
    assert not times(r, "agents", 0.2)["automated"]  # nothing held: the people's time


def test_a_change_that_held_while_the_fault_stayed_on_fixed_nothing() -> None:
    r = fault("slow-db.1", rules=10, detectors=4)
    r["fix_confirmed"] = False  # the simulator still shows slow-db after the restart
    t = times(r, "agents", 0.2)
    assert not t["automated"] and t["mttr_s"] == 4.0 + 1800.0 + 10.0


def test_a_change_that_ended_after_the_fault_was_cleared_fixed_nothing() -> None:
    from tests.evaluate.records_fixture import at

    r = fault("config-change.1", rules=10, detectors=4)
    r["changes"] = [{"state": "succeeded", "created_at": at(5), "started_at": at(60),
                     "ended_at": at(130), "needs_approval": False}]  # fmt: skip
    assert r["cleared_at"] == at(100)
    assert not times(r, "agents", 0.2)["automated"]


def test_a_proposal_withdrawn_before_anyone_decided_costs_no_approval() -> None:
    from tests.evaluate.records_fixture import at

    r = fault("stop.1", rules=10, detectors=4)  # opened at 4 s
    r["changes"] = [
        {"state": "withdrawn", "created_at": at(5), "needs_approval": True},
        {"state": "succeeded", "created_at": at(7), "started_at": at(9), "ended_at": at(19),
         "needs_approval": False},
    ]  # fmt: skip
    assert times(r, "agents", 0.2)["mttr_s"] == 4.0 + 1.0 + 2.0 + 10.0
