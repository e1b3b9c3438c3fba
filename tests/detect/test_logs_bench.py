"""The Loghub scorer in bench/loghub.py: GA, FGA, PA, FTA on hand-made cases."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "loghub.py"
spec = importlib.util.spec_from_file_location("bench_loghub", BENCH)
assert spec and spec.loader
loghub = importlib.util.module_from_spec(spec)
spec.loader.exec_module(loghub)


def test_perfect_parse_scores_one() -> None:
    truth = ["a <*>", "a <*>", "b"]
    assert loghub.score(truth, [1, 1, 2], ["a <*>", "a <*>", "b"]) == {
        "GA": 1.0,
        "FGA": 1.0,
        "PA": 1.0,
        "FTA": 1.0,
    }


def test_split_group_loses_its_lines_for_ga() -> None:
    truth = ["a <*>", "a <*>", "b", "b"]
    got = loghub.score(truth, [1, 3, 2, 2], ["a <*>", "a <*>", "b", "b"])
    assert got["GA"] == 0.5
    assert got["PA"] == 1.0
    # groups: 1 correct of 3 predicted, of 2 true -> F1 = 2 * (1/3 * 1/2) / (1/3 + 1/2)
    assert got["FGA"] == pytest.approx(0.4)


def test_right_group_wrong_text_counts_for_ga_not_pa_or_fta() -> None:
    got = loghub.score(["a <*>", "a <*>"], [1, 1], ["a 1", "a 1"])
    assert got["GA"] == 1.0 and got["PA"] == 0.0 and got["FTA"] == 0.0


def test_finds_systems_in_loghub_layout(tmp_path: Path) -> None:
    sub = tmp_path / "Foo"
    sub.mkdir()
    (sub / "Foo_2k.log").write_text("x 1\n")
    (sub / "Foo_2k.log_structured_corrected.csv").write_text("LineId,EventTemplate\n1,x <*>\n")
    (tmp_path / "Empty").mkdir()
    assert list(loghub.find_systems(tmp_path)) == ["Foo"]
