"""bench/nab.py runs our detector on any folder in NAB layout and ends with one JSON line."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_nab_cli", ROOT / "bench" / "nab.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_nab_cli"] = module
    spec.loader.exec_module(module)
    return module


nab = _load_bench()
KEYS = {
    "bench",
    "seconds",
    "files",
    "standard",
    "reward_low_FP_rate",
    "reward_low_FN_rate",
    "standard_frozen",
    "reward_low_FP_rate_frozen",
    "reward_low_FN_rate_frozen",
}


def make_corpus(root: Path) -> Path:
    """Two 5-minute series in NAB layout: one with a spike (labelled), one plain noise."""
    rng = np.random.default_rng(0)
    stamps = np.datetime64("2020-01-01T00:00:00") + np.arange(2000) * np.timedelta64(300, "s")
    spiky = 10 + rng.normal(0, 1, 2000)
    spiky[1500] += 40
    labels = {}
    for name, values, wins in [
        ("catA/spiky.csv", spiky, [[str(stamps[1450]), str(stamps[1550])]]),
        ("catB/plain.csv", 10 + rng.normal(0, 1, 2000), []),
    ]:
        path = root / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [f"{str(t).replace('T', ' ')},{v}" for t, v in zip(stamps, values, strict=True)]
        path.write_text("timestamp,value\n" + "\n".join(rows) + "\n")
        labels[name] = [
            [a.replace("T", " ") + ".000000", b.replace("T", " ") + ".000000"] for a, b in wins
        ]
    (root / "labels.json").write_text(json.dumps(labels))
    return root


def test_scores_our_detector_on_a_nab_layout_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_corpus(tmp_path)
    code = nab.main(
        [
            "--data-root",
            str(root / "data"),
            "--labels",
            str(root / "labels.json"),
            "--profiles",
            str(root / "missing.json"),
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert KEYS <= set(summary)
    assert summary["files"] == 2 and summary["bench"] == "nab"
    assert summary["standard"] > 50  # the spike is found early in its window


def test_no_labelled_files_exits_2(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text("{}")
    assert nab.main(["--data-root", str(tmp_path), "--labels", str(tmp_path / "labels.json")]) == 2
