"""One short shadow-mode run of the real demo (slow: about three minutes on 2 cores)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aiops.cli.eval import demo_driver
from aiops.evaluate.records import read_records
from aiops.evaluate.runner import EvalOptions, Variant, run_eval
from aiops.evaluate.scores import CostConfig, score

TIMING = {"warmup_s": 40.0, "detect_timeout_s": 40.0, "recover_timeout_s": 25.0,
          "remediate_timeout_s": 40.0, "approve_delay_s": 2.0, "quiet_gap_s": 2.0,
          "no_fault_s": 10.0}  # fmt: skip


@pytest.mark.slow
def test_an_overlapping_variant_and_a_quiet_period_score_and_recompute(tmp_path: Path) -> None:
    drive = demo_driver(timing=TIMING)
    vs = [Variant("error-burst+cpu-hog.1", "error-burst", {"ratio": 0.3},
                  ("cpu-hog", {"duty": 0.85, "max_s": 120})), Variant("none.1", None),
          Variant("stop@outside-window.1", "stop", {}, outside_window=True)]  # fmt: skip

    def fixed(_: Any, data_dir: Path) -> Any:
        return drive(vs, data_dir)

    opts = EvalOptions(
        scenarios=["error-burst"], report_dir=tmp_path / "r", data_dir=tmp_path / "d"
    )
    doc = run_eval(opts, fixed, now=datetime.now(UTC))
    meta, records = read_records(tmp_path / "r" / "raw_records.json")
    assert [r["variant"] for r in records] == ["error-burst+cpu-hog.1", "none.1",
                                               "stop@outside-window.1"]  # fmt: skip
    assert records[0]["also"]["fault"] == "cpu-hog"
    assert records[0]["incident"] is not None  # both analyzers watch the same fault
    # outside the window the standard restart waits for a person, as production would
    outside = records[2]
    assert outside["outside_window"] and outside["changes"]
    assert outside["changes"][0]["runbook"] == "sulu-restart"
    assert outside["changes"][0]["needs_approval"]
    again = score(
        records, time_scale=meta["time_scale"], cost_config=CostConfig(**meta["cost_config"])
    )
    assert json.loads(json.dumps(again)) == doc["scores"]
    assert (tmp_path / "r" / "report.html").read_text().count("<svg") >= 4
