from aiops.demo.rca_truth import TRUE_ROOT_CAUSE, rca_outcome
from aiops.sim import FAULTS


def test_every_sim_fault_has_a_true_root_cause() -> None:
    assert set(TRUE_ROOT_CAUSE) == set(FAULTS)


def test_outcome_is_correct_when_the_true_ci_is_ranked_first() -> None:
    doc = {"candidates": [{"ci": "sulu-db"}, {"ci": "sulu-app"}]}
    assert rca_outcome(doc, "slow-db") == {
        "expected": "sulu-db",
        "top1": "sulu-db",
        "rank": 1,
        "correct": True,
    }


def test_outcome_gives_the_rank_of_a_true_ci_that_is_not_first() -> None:
    out = rca_outcome({"candidates": [{"ci": "sulu-app"}, {"ci": "sulu-db"}]}, "slow-db")
    assert out["top1"] == "sulu-app"
    assert out["rank"] == 2
    assert out["correct"] is False


def test_outcome_of_a_missing_or_malformed_diagnosis_is_incorrect() -> None:
    for doc in (None, {}, {"candidates": None}, {"candidates": ["x", 3]}, "junk"):
        out = rca_outcome(doc, "stop")  # type: ignore[arg-type]
        assert out == {"expected": "sulu-app", "top1": None, "rank": None, "correct": False}


def test_outcome_for_an_unknown_fault_has_no_expectation() -> None:
    out = rca_outcome({"candidates": [{"ci": "sulu-app"}]}, "none")
    assert out["expected"] is None and out["correct"] is False
