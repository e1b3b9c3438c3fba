"""Throughput of the metric detector on one core: batch, per-sample and multi-series paths.

* batch (`score_array`, as the CLI and bench/nab.py): one day-periodic series with noise,
  spikes and a shift, scored whole, several times; the best run is reported (the machine
  is shared; the best run is the least disturbed one);
* per sample (`SeriesDetector.update`): the same series, one sample at a time; the
  reference the multi-series path is tested against;
* multi-series streaming (`SeriesFleet.score`, what live ingestion uses): `--series`
  keyed series, one sample each per step (a scrape), for `--stream-steps` steps; the rate
  counts the steps after warm-up and after the longest horizon has filled (the steady
  state of a long-running service), keys and all. Also with `--small` series per step
  (the floor: per-step overhead dominates) and for the live profile (`LIVE_DETECTOR`).

Usage: bench/detect_speed.py [--samples N] [--repeat K] [--series S] [--stream-steps T]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from aiops.detect import DetectorConfig, SeriesDetector, score_array
from aiops.detect.live import LIVE_DETECTOR
from aiops.detect.metrics import SeriesFleet


def series(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ts = 1_600_000_000.0 + np.arange(n) * 300.0
    x = 50 + 20 * np.sin(2 * np.pi * ts / 86400) + rng.normal(0, 2, n)
    x[rng.integers(0, n, n // 1000 + 1)] += 40
    x[n // 2 :] += 10
    return ts, x


def scrapes(n_series: int, steps: int, dt: float, seed: int = 0) -> np.ndarray:
    """(steps, n_series) values: day-periodic series at their own phase and level, noise,
    a spike in about one sample per thousand and a shift in a tenth of the series."""
    rng = np.random.default_rng(seed)
    t = 1_600_000_000.0 + np.arange(steps)[:, None] * dt
    phase = rng.uniform(0, 86400, n_series)
    level = rng.uniform(10, 100, n_series)
    x = level * (1 + 0.3 * np.sin(2 * np.pi * (t + phase) / 86400))
    x = x + rng.normal(0, 2, (steps, n_series))
    x[rng.random((steps, n_series)) < 1e-3] += 40
    shifted = rng.random(n_series) < 0.1
    x[steps // 2 :, shifted] += 20
    return x


def stream_rate(cfg: DetectorConfig, n_series: int, steps: int, dt: float) -> tuple[float, int]:
    """Samples/s of `SeriesFleet.score` over the steps after warm-up and horizon fill."""
    keys = [f"bench_metric{{instance=h{i}:9100}}" for i in range(n_series)]
    x = scrapes(n_series, steps, dt)
    fleet = SeriesFleet(max_series=n_series)
    settled = min(steps - 1, max(cfg.warmup, cfg.horizon, cfg.history) + 1)
    anomalies, t0 = 0, time.perf_counter()
    for k in range(steps):
        if k == settled:
            t0 = time.perf_counter()
        ts = np.full(n_series, 1_600_000_000.0 + k * dt)
        anomalies += int(fleet.score(keys, ts, x[k], cfg).is_anomaly.sum())
    rate = n_series * (steps - settled) / (time.perf_counter() - t0)
    return rate, anomalies


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stream-samples", type=int, default=5_000)
    parser.add_argument("--series", type=int, default=1000, help="series per streaming step")
    parser.add_argument("--small", type=int, default=10, help="series per step, small batches")
    parser.add_argument("--stream-steps", type=int, default=3000)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    started = time.perf_counter()
    cfg = DetectorConfig()
    ts, x = series(args.samples)
    best = float("inf")
    for i in range(args.repeat):
        t0 = time.perf_counter()
        score_array(ts, x, cfg)
        elapsed = time.perf_counter() - t0
        best = min(best, elapsed)
        print(f"batch run {i + 1}: {args.samples / elapsed:,.0f} samples/s", file=sys.stderr)
    detector = SeriesDetector(cfg)
    n_one = min(args.stream_samples, args.samples)
    t0 = time.perf_counter()
    for t, v in zip(ts[:n_one].tolist(), x[:n_one].tolist(), strict=True):
        detector.update(t, v)
    one = n_one / (time.perf_counter() - t0)
    print(f"SeriesDetector, one sample at a time: {one:,.0f} samples/s", file=sys.stderr)
    rates: dict[str, float] = {}
    for name, profile, dt in (("stream", cfg, 300.0), ("live_stream", LIVE_DETECTOR, 2.0)):
        for suffix, n in (("", args.series), ("_small", args.small)):
            rate, hits = stream_rate(profile, n, args.stream_steps, dt)
            rates[f"{name}{suffix}_samples_per_s"] = rate
            print(f"{name}, {n} series per step: {rate:,.0f} samples/s ({hits} anomalies)",
                  file=sys.stderr)  # fmt: skip
    print(
        json.dumps(
            {
                "bench": "detect_speed",
                "git": git_rev(Path(__file__).resolve().parents[1]),
                "samples_per_s": round(args.samples / best),
                "series_detector_samples_per_s": round(one),
                **{k: round(v) for k, v in rates.items()},
                "samples": args.samples,
                "series": args.series,
                "small_series": args.small,
                "stream_steps": args.stream_steps,
                "load_1m": None if load is None else round(load, 2),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
