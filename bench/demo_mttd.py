"""MTTD of the baseline rules on the live demo: every fault, N seeded runs.

Each run is a full headless `aiops demo` (sulu processes, load, scrapes, rules, the
pipeline, SQLite) in a fresh temporary directory; the figures come from each run's
report (store + injection log). MTTD is wall seconds at the demo's time scale (rule
durations × scale); `*_real_s` divides by the scale. False incidents are counted over
the no-fault (`none`) periods.

Usage: bench/demo_mttd.py [--runs N] [--seed S] [--scenarios all|NAME ...]
       [--time-scale F]   (one run of `all` takes about 8-9 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiops.config import default_config_dir
from aiops.demo import DemoOptions, StackOptions, run_demo
from aiops.demo.report import percentile
from aiops.demo.scenarios import select_many
from aiops.obs.logging import configure


def one_run(names: list[str], seed: int, time_scale: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aiops-bench-demo-") as tmp:
        opts = DemoOptions(
            stack=StackOptions(
                data_dir=Path(tmp), config_dir=default_config_dir(), port=0,
                time_scale=time_scale, seed=seed,
            ),
            scenarios=select_many(names),
            headless=True,
            out=sys.stderr,
        )  # fmt: skip
        asyncio.run(run_demo(opts))
        doc: dict[str, Any] = json.loads((Path(tmp) / "report.json").read_text())
    return doc


def summarize(reports: list[dict[str, Any]], time_scale: float, seconds: float) -> dict[str, Any]:
    per: dict[str, dict[str, Any]] = {}
    mttds: list[float] = []
    undetected = false_incidents = 0
    for doc in reports:
        false_incidents += doc["totals"]["false_incidents"]
        for r in doc["scenarios"]:
            if r["fault"] is None:
                continue
            f = per.setdefault(r["fault"], {"runs": 0, "detected": 0, "mttd": [], "alerts": {}})
            f["runs"] += 1
            if r["detected"]:
                f["detected"] += 1
                f["mttd"].append(r["mttd_s"])
                mttds.append(r["mttd_s"])
                f["alerts"][r["first_alert"]] = f["alerts"].get(r["first_alert"], 0) + 1
            else:
                undetected += 1
    faults = {
        name: {
            "runs": f["runs"],
            "detected": f["detected"],
            "mttd_p50_s": percentile(f["mttd"], 50),
            "mttd_p95_s": percentile(f["mttd"], 95),
            "first_alerts": f["alerts"],
        }
        for name, f in per.items()
    }
    p50, p95 = percentile(mttds, 50), percentile(mttds, 95)
    return {
        "bench": "demo_mttd",
        "runs": len(reports),
        "time_scale": time_scale,
        "mttd_p50_s": p50,
        "mttd_p95_s": p95,
        "mttd_p95_real_s": round(p95 / time_scale, 1) if p95 is not None else None,
        "undetected": undetected,
        "false_incidents": false_incidents,
        "faults": faults,
        "seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenarios", nargs="+", default=["all"])
    parser.add_argument("--time-scale", type=float, default=0.2)
    args = parser.parse_args(argv)
    if args.runs < 1 or not 0 < args.time_scale <= 1:
        parser.error("--runs must be >= 1 and --time-scale in (0, 1]")
    configure("console", level="WARNING")
    started = time.perf_counter()
    reports = []
    for i in range(args.runs):
        print(f"run {i + 1}/{args.runs} (seed {args.seed + i})", file=sys.stderr)
        reports.append(one_run(args.scenarios, args.seed + i, args.time_scale))
    out = summarize(reports, args.time_scale, time.perf_counter() - started)
    for name, f in out["faults"].items():
        print(f"{name:<20} detected {f['detected']}/{f['runs']}  MTTD p50 {f['mttd_p50_s']}  "
              f"p95 {f['mttd_p95_s']} s  first alerts {f['first_alerts']}")  # fmt: skip
    print(f"false incidents over no-fault periods: {out['false_incidents']}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
