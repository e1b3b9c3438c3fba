"""The NAB scorer in bench/nab.py: pinned on a case computed by hand, and checked against
NAB's own published per-row scores of the windowedGaussian detector."""

from __future__ import annotations

import csv
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
NAB_DIR = ROOT / ".." / "shared" / "datasets" / "nab"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_nab", ROOT / "bench" / "nab.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_nab"] = module
    spec.loader.exec_module(module)
    return module


nab = _load_bench()
STANDARD = {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}


def tiny_file() -> object:
    """20 rows, one window over rows 10..13; probation = floor(0.15 * 20) = 3 rows."""
    stamps = np.datetime64("2020-01-01T00:00") + np.arange(20) * np.timedelta64(5, "m")
    return nab.file_rows("tiny.csv", stamps, [(stamps[10], stamps[13])])


def test_scaled_sigmoid_matches_nab_formula() -> None:
    assert nab.scaled_sigmoid(-1.0) == pytest.approx(2 / (1 + math.exp(-5)) - 1)
    assert nab.scaled_sigmoid(0.0) == 0.0
    assert nab.scaled_sigmoid(3.5) == -1.0


def test_probationary_period_is_15_percent_capped_at_750_rows() -> None:
    assert nab.probationary_length(20) == 3
    assert nab.probationary_length(4032) == 604
    assert nab.probationary_length(100_000) == 750


def test_detection_at_window_start_scores_one_true_positive() -> None:
    rows = tiny_file()
    scores = np.zeros(20)
    scores[10] = 1.0
    result = nab.score_file(rows, scores, 0.5, STANDARD)
    # position -(13 - 10 + 1) / 4 = -1: the best reward, tpWeight exactly
    assert result.score == pytest.approx(1.0)
    assert (result.tp, result.fn, result.fp) == (1, 0, 0)


def test_late_detection_scores_less_by_hand() -> None:
    rows = tiny_file()
    scores = np.zeros(20)
    scores[12] = 1.0  # position -(13 - 12 + 1) / 4 = -0.5
    expected = (2 / (1 + math.exp(-2.5)) - 1) / (2 / (1 + math.exp(-5)) - 1)
    assert nab.score_file(rows, scores, 0.5, STANDARD).score == pytest.approx(expected)


def test_only_the_earliest_detection_in_a_window_counts() -> None:
    rows = tiny_file()
    scores = np.zeros(20)
    scores[[11, 12, 13]] = 1.0
    assert nab.score_file(rows, scores, 0.5, STANDARD).score == pytest.approx(
        (2 / (1 + math.exp(-3.75)) - 1) / (2 / (1 + math.exp(-5)) - 1)
    )


def test_false_positives_before_and_after_the_window_by_hand() -> None:
    rows = tiny_file()
    scores = np.zeros(20)
    scores[5] = 1.0  # before any window: -fpWeight
    scores[15] = 1.0  # 2 rows past the window's right edge: (15 - 13) / (4 - 1) widths
    after = 2 / (1 + math.exp(5 * 2 / 3)) - 1
    result = nab.score_file(rows, scores, 0.5, STANDARD)
    assert result.score == pytest.approx(-0.11 + 0.11 * after - 1.0)  # window missed: -1
    assert (result.tp, result.fn, result.fp) == (0, 1, 2)


def test_detections_in_probation_are_ignored() -> None:
    rows = tiny_file()
    scores = np.zeros(20)
    scores[:3] = 1.0
    assert nab.score_file(rows, scores, 0.5, STANDARD).score == pytest.approx(-1.0)


def test_sweep_picks_the_threshold_with_the_best_total() -> None:
    rows = tiny_file()
    scores = np.zeros(20)
    scores[10] = 0.8  # the true positive
    scores[5] = 0.9  # a false positive above it
    threshold, raw = nab.sweep_thresholds([(rows, scores)], STANDARD)
    assert threshold == 0.8 and raw == pytest.approx(1.0 - 0.11)


def test_null_detector_scores_zero_and_perfect_scores_100() -> None:
    rows = tiny_file()
    costs = nab.DEFAULT_COSTS
    null = nab.score_corpus({"tiny.csv": (rows, np.full(20, 0.5))}, costs)
    perfect_scores = np.zeros(20)
    perfect_scores[10] = 1.0
    perfect = nab.score_corpus({"tiny.csv": (rows, perfect_scores)}, costs)
    for profile in nab.PROFILES:
        assert null[profile] == 0.0
        assert perfect[profile] == 100.0


needs_nab = pytest.mark.skipif(not (NAB_DIR / "results").exists(), reason="NAB data not present")


def _published(detector: str) -> dict:
    windows = nab.load_windows(NAB_DIR / "labels" / "combined_windows.json")
    out = {}
    for name in nab.data_files(NAB_DIR / "data", windows):
        stamps, _ = nab.read_series(NAB_DIR / "data" / name)
        with nab.results_file(NAB_DIR / "results" / detector, name).open() as f:
            table = list(csv.DictReader(f))
        rows = nab.file_rows(name, stamps, windows[name])
        scores = np.array([float(r["anomaly_score"]) for r in table])
        st = {p: np.array([float(r[f"S(t)_{p}"]) for r in table]) for p in nab.PROFILES}
        out[name] = (rows, scores, st)
    return out


@needs_nab
def test_reproduces_nab_per_row_scores_of_windowed_gaussian() -> None:
    """NAB wrote S(t) per row at its chosen threshold; every row of every file must match."""
    files = _published("windowedGaussian")
    costs = nab.load_costs(NAB_DIR / "config" / "profiles.json")
    for profile in nab.PROFILES:
        # NAB's threshold: the lowest score among rows it counted as detections outside windows.
        threshold = min(
            s[(st[profile] != 0) & (rows.window < 0)].min(initial=np.inf)
            for rows, s, st in files.values()
        )
        for name, (rows, scores, st) in files.items():
            got = nab.score_file(rows, scores, threshold, costs[profile]).per_row
            assert np.allclose(got, st[profile], atol=1e-9), (profile, name)


@needs_nab
def test_published_null_detector_scores_zero() -> None:
    files = _published("null")
    costs = nab.load_costs(NAB_DIR / "config" / "profiles.json")
    result = nab.score_corpus({n: (rows, s) for n, (rows, s, _) in files.items()}, costs)
    assert [result[p] for p in nab.PROFILES] == [0.0, 0.0, 0.0]
