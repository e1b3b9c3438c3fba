"""The native JSON case: validated strictly, errors point at the offending field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiops.diagnose import load_native, rank
from aiops.errors import InvalidInput


def _doc(**over) -> dict:
    doc = {
        "name": "INC-1",
        "series": [
            {
                "ci": "web",
                "metric": "latency",
                "normal": [1, 1.1, 0.9, 1, 1, 1.05, 0.95, 1],
                "anomalous": [3, 3.2],
                "times": [100, 160],
            },
            {
                "ci": "db",
                "metric": "latency",
                "normal": [1, 1.1, 0.9, 1, 1, 1.05, 0.95, 1],
                "anomalous": [3.5, 3.6],
                "times": [100, 160],
            },
        ],
        "nodes": ["web", "db"],
        "edges": [["web", "db"]],
        "symptom": {"ci": "web", "metric": "latency", "at": 100},
    }
    doc.update(over)
    return doc


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def test_native_case_ranks_the_callee(tmp_path: Path) -> None:
    assert rank(load_native(_write(tmp_path, _doc())))[0].ci == "db"


def test_native_folder_reads_case_json(tmp_path: Path) -> None:
    _write(tmp_path, _doc())
    assert load_native(tmp_path).name == "INC-1"


def test_native_null_values_are_missing_points(tmp_path: Path) -> None:
    doc = _doc()
    doc["series"][1]["normal"][0] = None
    assert rank(load_native(_write(tmp_path, doc)))[0].ci == "db"


@pytest.mark.parametrize(
    ("over", "loc"),
    [
        ({"edges": [["web", "ghost"]]}, "edges.0.callee: unknown node 'ghost'"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"series": []}, "series: List should have at least 1 item"),
    ],
    ids=["unknown-node", "extra-key", "no-series"],
)
def test_native_bad_documents_name_the_field(tmp_path: Path, over: dict, loc: str) -> None:
    with pytest.raises(InvalidInput) as info:
        load_native(_write(tmp_path, _doc(**over)))
    assert loc in str(info.value)


def test_native_times_must_match_the_anomalous_points(tmp_path: Path) -> None:
    doc = _doc()
    doc["series"][0]["times"] = [1]
    with pytest.raises(InvalidInput, match="series.0.times"):
        load_native(_write(tmp_path, doc))


def test_native_broken_json_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"case.json:2: not valid JSON"):
        load_native(_write(tmp_path, '{\n  "series": [,\n}'))
