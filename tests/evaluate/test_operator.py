from __future__ import annotations

from pathlib import Path

import pytest

from aiops.errors import InvalidInput
from aiops.evaluate.operator import OperatorModel, Phase, draw_delays, load_timings, total_s


def test_draws_are_seeded_and_positive() -> None:
    a = draw_delays(OperatorModel(), 50, seed=3)
    assert a == draw_delays(OperatorModel(), 50, seed=3)
    assert a != draw_delays(OperatorModel(), 50, seed=4)
    assert all(v > 0 for d in a for v in d.values())


def test_the_median_of_many_draws_is_near_the_configured_median() -> None:
    draws = sorted(d["ack_s"] for d in draw_delays(OperatorModel(ack=Phase(60, 0.5)), 2001, 0))
    assert 50 < draws[1000] < 72


def test_recorded_timings_replace_the_distribution(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("ack_s,investigate_s,act_s\n10,20,30\n")
    model = load_timings(p)
    assert draw_delays(model, 3, 0) == [{"ack_s": 10, "investigate_s": 20, "act_s": 30}] * 3
    assert "t.csv" in model.source and total_s(draw_delays(model, 1, 0)[0]) == 60


@pytest.mark.parametrize(
    ("text", "line"),
    [("ack_s,act_s\n1,2\n", 1), ("ack_s,investigate_s,act_s\n", 1),
     ("ack_s,investigate_s,act_s\n1,2,3\n1,x,3\n", 3), ("ack_s,investigate_s,act_s\n1,nan,3\n", 2),
     ("ack_s,investigate_s,act_s\n1,-2,3\n", 2)],
)  # fmt: skip
def test_bad_timings_csv_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(InvalidInput, match=rf"bad.csv:{line}:"):
        load_timings(p)


def test_missing_timings_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        load_timings(tmp_path / "nope.csv")


def test_a_nonpositive_median_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        draw_delays(OperatorModel(ack=Phase(0, 0.5)), 1, 0)
