from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aiops.errors import InvalidInput
from aiops.evaluate.records import read_records
from aiops.evaluate.runner import RANGES, EvalOptions, Variant, run_eval, variants
from aiops.evaluate.scores import CostConfig, score
from aiops.sim.faults import FAULTS, check_params


def test_the_variants_cover_every_sim_fault_with_valid_params() -> None:
    assert set(RANGES) == set(FAULTS)
    vs = variants("all", 1, seed=0)
    assert len(vs) >= 20
    assert {v.fault for v in vs} == {*FAULTS, None}
    assert sum(v.fault is None for v in vs) >= 2
    assert len({v.name for v in vs}) == len(vs)
    for v in vs:
        if v.fault:
            check_params(v.fault, v.params)


def test_variants_are_seeded() -> None:
    assert variants("all", 2, 1) == variants("all", 2, 1) != variants("all", 2, 2)


@pytest.mark.parametrize(("names", "repeat"), [(["nope"], 1), ("all", 0)])
def test_bad_scenarios_or_repeat_are_invalid_input(names: Any, repeat: int) -> None:
    with pytest.raises(InvalidInput):
        variants(names, repeat, 0)


def _fake_driver(vs: list[Variant], data_dir: Path) -> dict[str, Any]:
    """What the demo driver returns, for variants all detected by both (no store)."""
    t0 = "2026-01-01T00:00:00+00:00"
    rows = []
    for i, v in enumerate(vs):
        iid = f"INC-{i}"
        hit = {"detected": True, "mttd_s": 5.0, "first_alert_at": t0}
        rows.append({
            "scenario": v.name, "fault": v.fault, "params": v.params, "injected_at": t0,
            "incidents": [iid] if v.fault else [], "incident_id": iid if v.fault else None,
            "by_analyzer": {"rules": hit, "detectors": hit} if v.fault else
            {"rules": {"false_incidents": 0}, "detectors": {"false_incidents": 0}},
            "change": {"state": "succeeded", "started_at": t0,
                       "ended_at": "2026-01-01T00:00:30+00:00"} if v.fault else None,
        })  # fmt: skip
    incidents = {r["incident_id"]: {"id": r["incident_id"], "opened_at": t0,
                                    "diagnosis": {"candidates": [{"ci": "sulu-app"}]}}
                 for r in rows if r["incident_id"]}  # fmt: skip
    return {"scenarios": rows, "incidents": incidents, "decisions": {}, "time_scale": 0.2,
            "truth": {**{f: "sulu-app" for f in FAULTS}, "slow-db": "sulu-db"}}  # fmt: skip


def test_the_report_numbers_are_recomputed_from_the_stored_raw_records(tmp_path: Path) -> None:
    opts = EvalOptions(scenarios=["slow-db", "stop", "none"], report_dir=tmp_path / "r",
                       data_dir=tmp_path / "d")  # fmt: skip
    run_eval(opts, _fake_driver, now=datetime(2026, 1, 1, tzinfo=UTC))
    doc = json.loads((tmp_path / "r" / "report.json").read_text())
    meta, records = read_records(tmp_path / "r" / "raw_records.json")
    again = score(
        records, time_scale=meta["time_scale"], cost_config=CostConfig(**meta["cost_config"])
    )
    assert json.loads(json.dumps(again)) == doc["scores"]
    assert doc["headline"]["agent_f1"] == 1.0 and doc["headline"]["agent_rca_top1"] == 0.5


def test_each_run_appends_to_the_history_so_the_report_shows_the_trend(tmp_path: Path) -> None:
    opts = EvalOptions(scenarios=["stop"], report_dir=tmp_path / "r", data_dir=tmp_path / "d")
    for _ in range(2):
        doc = run_eval(opts, _fake_driver, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert len(doc["trend"]) == 2
    assert (tmp_path / "d" / "eval_history.jsonl").read_text().count("\n") == 2


@pytest.mark.parametrize("text", ["", "{}", '{"meta": {}, "records": [3]}', "[1]"])
def test_bad_raw_records_file_is_invalid_input(tmp_path: Path, text: str) -> None:
    p = tmp_path / "raw_records.json"
    p.write_text(text)
    with pytest.raises(InvalidInput, match="raw_records.json"):
        read_records(p)
