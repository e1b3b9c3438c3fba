from __future__ import annotations

import re
from pathlib import Path

from tests.evaluate.records_fixture import sample

from aiops.evaluate.report import render_html, write_report
from aiops.evaluate.scores import CostConfig, score


def _doc() -> dict:
    s = score(sample(), time_scale=0.2, cost_config=CostConfig())
    return {"meta": {"seed": 0, "time_scale": 0.2, "operator_model": "x"}, "scores": s,
            "headline": {}, "trend": [{"at": "2026-01-01", "agent_f1": 0.75}]}  # fmt: skip


def test_the_html_is_self_contained_with_charts_and_the_verdict() -> None:
    html = render_html(_doc())
    assert html.count("<svg") >= 4
    assert "Recommendation:" in html and "Detection F1" in html
    assert not re.search(r"(src|href)=['\"]?https?:", html)  # no CDN, nothing fetched
    assert "<script" not in html


def test_names_from_records_are_escaped() -> None:
    doc = _doc()
    doc["meta"]["operator_model"] = "<script>x</script>"
    assert "<script>x" not in render_html(doc)


def test_write_report_writes_json_and_html(tmp_path: Path) -> None:
    j, h = write_report(_doc(), tmp_path / "out")
    assert j.read_text().startswith("{") and h.read_text().startswith("<!doctype html>")


def test_a_run_with_no_values_still_renders() -> None:
    s = score([], time_scale=0.2, cost_config=CostConfig())
    assert "no values" in render_html({"meta": {}, "scores": s, "trend": []})
