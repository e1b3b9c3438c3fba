"""NAB benchmark: a scorer written from the NAB description, and our detector scored with it.

Scoring (Lavin & Ahmad 2015; NAB v1.1 `sweeper.py`, re-implemented here):
- each labelled anomaly has a window; the first 15 % of a file (at most 750 rows) is the
  probationary period and is not scored;
- a detection inside a window earns tpWeight * sigmoid(position) / sigmoid(-1) (earlier is
  better; only the best, i.e. the earliest, detection of a window counts); a window with no
  detection costs -fnWeight;
- a detection outside every window costs fpWeight * scaledSigmoid(distance past the previous
  window, in window widths), or -fpWeight when no window precedes it;
- the threshold is swept over every score of the corpus and the best corpus total is kept;
- totals are normalised: 100 * (raw - null) / (perfect - null), perfect = windows * tpWeight,
  null = the same sweep applied to a detector that always says 0.5.

Usage:
    bench/nab.py                                  # our detector on ../shared/datasets/nab
    bench/nab.py --data-root DIR --labels FILE    # any folder in NAB layout
    bench/nab.py --score-results ../shared/datasets/nab/results/windowedGaussian

Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / ".." / "shared" / "datasets" / "nab"
PROFILES = ("standard", "reward_low_FP_rate", "reward_low_FN_rate")
# NAB's own values (config/profiles.json); used when no profiles file is given.
DEFAULT_COSTS = {
    "standard": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0},
    "reward_low_FP_rate": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.22, "tnWeight": 1.0},
    "reward_low_FN_rate": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11, "tnWeight": 1.0},
}
PROBATION_PERCENT = 0.15


def scaled_sigmoid(position: float) -> float:
    """NAB's reward curve: ~1 at a window's left edge, 0 at its right edge, -1 far past it."""
    if position > 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def probationary_length(n_rows: int, percent: float = PROBATION_PERCENT) -> float:
    return min(math.floor(percent * n_rows), percent * 5000)


@dataclass(frozen=True)
class FileRows:
    """Per-row scoring facts of one file, independent of the detector's output."""

    name: str
    unweighted: np.ndarray  # scaled sigmoid of each row (positive in windows)
    window: np.ndarray  # window index of each row, -1 outside every window
    scorable: np.ndarray  # False during the probationary period
    n_windows: int


def file_rows(
    name: str, timestamps: np.ndarray, windows: list[tuple[np.datetime64, np.datetime64]]
) -> FileRows:
    """Walk the rows as NAB's `calcSweepScore` does: in a window, after one, or before any."""
    n = len(timestamps)
    unweighted = np.empty(n)
    window = np.full(n, -1, dtype=np.int64)
    bounds = []
    for start, end in windows:
        left = int(np.searchsorted(timestamps, start, side="left"))
        right = int(np.searchsorted(timestamps, end, side="right")) - 1
        bounds.append((left, right))
    prev_right: int | None = None
    prev_width = 0.0
    w = 0
    for i in range(n):
        while w < len(bounds) and bounds[w][1] < i:  # a window wholly passed (empty or done)
            prev_right, prev_width = bounds[w][1], float(bounds[w][1] - bounds[w][0] + 1)
            w += 1
        if w < len(bounds) and bounds[w][0] <= i <= bounds[w][1]:
            left, right = bounds[w]
            width = float(right - left + 1)
            unweighted[i] = scaled_sigmoid(-(right - i + 1) / width)
            window[i] = w
        elif prev_right is None:
            unweighted[i] = -1.0
        else:
            unweighted[i] = scaled_sigmoid(abs(prev_right - i) / (prev_width - 1.0))
    scorable = np.arange(n) >= probationary_length(n)
    return FileRows(name, unweighted, window, scorable, len(bounds))


def weighted(rows: FileRows, cost: dict[str, float]) -> np.ndarray:
    max_tp = scaled_sigmoid(-1.0)
    return np.where(
        rows.window >= 0,
        rows.unweighted * cost["tpWeight"] / max_tp,
        rows.unweighted * cost["fpWeight"],
    )


@dataclass(frozen=True)
class FileScore:
    score: float
    tp: int  # detected windows
    fn: int  # missed windows
    fp: int  # detections outside windows
    per_row: np.ndarray  # NAB's S(t) column: the row's contribution to the score


def score_file(
    rows: FileRows, scores: np.ndarray, threshold: float, cost: dict[str, float]
) -> FileScore:
    """Score one file at `threshold` (a row is a detection when its score >= threshold)."""
    sweep = weighted(rows, cost)
    detected = (scores >= threshold) & rows.scorable
    per_row = np.zeros(len(scores))
    fp_rows = detected & (rows.window < 0)
    per_row[fp_rows] = sweep[fp_rows]
    tp = fn = 0
    # A window counts when one of its rows is scorable (NAB keys windows by scorable rows).
    for w in np.unique(rows.window[rows.scorable & (rows.window >= 0)]):
        in_w = np.flatnonzero(rows.window == w)
        hits = in_w[detected[in_w]]
        # As NAB's S(t) column: the window's result sits on its first row.
        if len(hits):
            tp += 1
            per_row[in_w[0]] = sweep[hits[0]]  # earliest hit = best on a decreasing curve
        else:
            fn += 1
            per_row[in_w[0]] = -cost["fnWeight"]
    return FileScore(float(per_row.sum()), tp, fn, int(fp_rows.sum()), per_row)


def sweep_thresholds(
    files: list[tuple[FileRows, np.ndarray]], cost: dict[str, float]
) -> tuple[float, float]:
    """NAB's corpus sweep: lower the threshold score by score, keep the best total.

    Returns (threshold, raw score); the first candidate (1.1) detects nothing.
    """
    anomaly, sweep_score, key = [], [], []
    base = 0.0
    offset = 0
    for rows, scores in files:
        s = rows.scorable
        sweep = weighted(rows, cost)[s]
        win = rows.window[s]
        anomaly.append(np.asarray(scores, dtype=float)[s])
        sweep_score.append(sweep)
        key.append(np.where(win >= 0, win + offset, -1))
        n_win = len(np.unique(win[win >= 0]))
        base -= cost["fnWeight"] * n_win
        offset += rows.n_windows
    a = np.concatenate(anomaly) if anomaly else np.empty(0)
    sw = np.concatenate(sweep_score) if sweep_score else np.empty(0)
    k = np.concatenate(key) if key else np.empty(0, dtype=np.int64)
    order = np.argsort(-a, kind="stable")
    window_score = dict.fromkeys(np.unique(k[k >= 0]).tolist(), -cost["fnWeight"])
    best_t, best = 1.1, base
    total = base
    for j, idx in enumerate(order):
        w = int(k[idx])
        if w < 0:
            total += sw[idx]
        elif sw[idx] > window_score[w]:
            total += sw[idx] - window_score[w]
            window_score[w] = float(sw[idx])
        last_of_tie = j + 1 == len(order) or a[order[j + 1]] != a[idx]
        if last_of_tie and total > best:
            best_t, best = float(a[idx]), total
    return best_t, best


def normalised(raw: float, null: float, perfect: float) -> float:
    return 100.0 * (raw - null) / (perfect - null)


def read_series(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a NAB data file: `timestamp,value` (more columns are ignored)."""
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        t_col, v_col = header.index("timestamp"), header.index("value")
        stamps, values = [], []
        for row in reader:
            stamps.append(row[t_col])
            values.append(float(row[v_col]))
    return np.array(stamps, dtype="datetime64[s]"), np.array(values)


def read_column(path: Path, column: str) -> np.ndarray:
    with path.open(newline="") as f:
        return np.array([float(r[column]) for r in csv.DictReader(f)])


def load_windows(path: Path) -> dict[str, list[tuple[np.datetime64, np.datetime64]]]:
    raw = json.loads(path.read_text())
    return {
        name: [(np.datetime64(a, "s"), np.datetime64(b, "s")) for a, b in wins]
        for name, wins in raw.items()
    }


def load_costs(path: Path | None) -> dict[str, dict[str, float]]:
    if path is None or not path.exists():
        return DEFAULT_COSTS
    raw = json.loads(path.read_text())
    return {p: raw[p]["CostMatrix"] for p in PROFILES}


def score_corpus(
    outputs: dict[str, tuple[FileRows, np.ndarray]],
    costs: dict[str, dict[str, float]],
    frozen: float | None = None,
) -> dict[str, float]:
    """Normalised scores per profile with the sweep (and at `frozen`, when given)."""
    files = list(outputs.values())
    n_windows = sum(rows.n_windows for rows, _ in files)
    nulls = [(rows, np.full(len(s), 0.5)) for rows, s in files]
    result: dict[str, float] = {}
    for profile in PROFILES:
        cost = costs[profile]
        perfect = n_windows * cost["tpWeight"]
        _, null_raw = sweep_thresholds(nulls, cost)
        threshold, _ = sweep_thresholds(files, cost)
        raw = sum(score_file(rows, s, threshold, cost).score for rows, s in files)
        result[profile] = round(normalised(raw, null_raw, perfect), 2)
        result[f"{profile}_threshold"] = threshold
        if frozen is not None:
            raw_f = sum(score_file(rows, s, frozen, cost).score for rows, s in files)
            result[f"{profile}_frozen"] = round(normalised(raw_f, null_raw, perfect), 2)
    return result


def data_files(data_root: Path, windows: dict[str, list]) -> list[str]:
    """Relative names (`category/file.csv`) present both in the labels and under data_root."""
    return sorted(name for name in windows if (data_root / name).exists())


def results_file(results_dir: Path, name: str) -> Path:
    category, file_name = name.split("/", 1)
    return results_dir / category / f"{results_dir.name}_{file_name}"


def run_ours(
    data_root: Path, names: list[str], windows: dict, verbose: bool = False
) -> tuple[dict, float, int]:
    """Run the default detector's batch path on each file; returns outputs, frozen t, samples."""
    from aiops.detect import DetectorConfig, score_array

    config = DetectorConfig()
    outputs = {}
    n = 0
    for name in names:
        stamps, values = read_series(data_root / name)
        ts = stamps.astype("int64").astype(float)
        scores = score_array(ts, values, config).score
        outputs[name] = (file_rows(name, stamps, windows[name]), scores)
        n += len(values)
        if verbose:
            print(f"  scored {name} ({len(values)} rows)", file=sys.stderr)
    return outputs, config.threshold, n


def git_rev(root: Path) -> str | None:
    """Short commit of the tree measured (None outside a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-root", type=Path, default=DATASETS / "data")
    parser.add_argument(
        "--labels", type=Path, default=DATASETS / "labels" / "combined_windows.json"
    )
    parser.add_argument("--profiles", type=Path, default=DATASETS / "config" / "profiles.json")
    parser.add_argument(
        "--score-results",
        type=Path,
        default=None,
        metavar="DIR",
        help="score precomputed outputs in NAB's results/<detector>/ layout",
    )
    parser.add_argument("--verbose", action="store_true", help="per-file scores on stderr")
    return parser.parse_args(argv)


def load_results(results_dir: Path, data_root: Path, names: list[str], windows: dict) -> dict:
    """Precomputed outputs (`anomaly_score` column) of one detector, per data file."""
    outputs = {}
    for name in names:
        path = results_file(results_dir, name)
        if not path.exists():
            print(f"skipping {name}: no {path}", file=sys.stderr)
            continue
        stamps, _ = read_series(data_root / name)
        outputs[name] = (file_rows(name, stamps, windows[name]), read_column(path, "anomaly_score"))
    return outputs


def report(result: dict, outputs: dict, costs: dict, frozen: float | None, verbose: bool) -> None:
    """Human-readable figures on stderr."""
    if verbose:
        t = result["standard_threshold"]
        for name, (rows, s) in outputs.items():
            fs = score_file(rows, s, t, costs["standard"])
            print(f"{name:60s} {fs.score:8.3f} tp={fs.tp} fn={fs.fn} fp={fs.fp}", file=sys.stderr)
    for profile in PROFILES:
        line = (
            f"{profile:20s} {result[profile]:7.2f} (threshold {result[profile + '_threshold']:.4f})"
        )
        if frozen is not None:
            line += f"  frozen@{frozen}: {result[profile + '_frozen']:.2f}"
        print(line, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    windows = load_windows(args.labels)
    costs = load_costs(args.profiles)
    names = data_files(args.data_root, windows)
    if not names:
        print(f"no labelled data files under {args.data_root}", file=sys.stderr)
        return 2
    frozen: float | None = None
    if args.score_results is not None:
        outputs = load_results(args.score_results, args.data_root, names, windows)
        bench = f"nab:{args.score_results.name}"
    else:
        outputs, frozen, _ = run_ours(args.data_root, names, windows, args.verbose)
        bench = "nab"
    result = score_corpus(outputs, costs, frozen)
    report(result, outputs, costs, frozen, args.verbose)
    summary = {
        "bench": bench,
        "git": git_rev(ROOT),
        **result,
        "files": len(outputs),
        "seconds": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
