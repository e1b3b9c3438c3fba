from __future__ import annotations

from pathlib import Path

import pytest

from aiops.errors import ConfigError
from aiops.evaluate.config import load_eval_config
from aiops.evaluate.operator import OperatorModel
from aiops.evaluate.scores import CostConfig


def test_given_keys_override_the_defaults_and_the_rest_stay(tmp_path: Path) -> None:
    p = tmp_path / "eval.yaml"
    p.write_text("operator:\n  ack: {median_s: 60, sigma: 0.1}\ncost:\n  budget_usd_month: 5\n")
    op, cost = load_eval_config(p)
    assert op.ack.median_s == 60 and op.investigate == OperatorModel().investigate
    assert "eval.yaml" in op.source
    assert (
        cost.budget_usd_month == 5 and cost.incidents_per_month == CostConfig().incidents_per_month
    )


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    p = tmp_path / "eval.yaml"
    p.write_text("")
    assert load_eval_config(p) == (OperatorModel(), CostConfig())


@pytest.mark.parametrize(
    ("text", "where"),
    [("cost:\n  bogus: 1\n", "eval.yaml:2: cost.bogus"),
     ("cost:\n  budget_usd_month: -1\n", "eval.yaml:2: cost.budget_usd_month"),
     ("operator:\n  ack: {median_s: 0, sigma: 1}\n", "operator.ack.median_s"),
     ("cost:\n  budget_usd_month: .nan\n", "cost.budget_usd_month")],
)  # fmt: skip
def test_bad_values_fail_with_file_line_and_path(tmp_path: Path, text: str, where: str) -> None:
    p = tmp_path / "eval.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError, match=where):
        load_eval_config(p)
