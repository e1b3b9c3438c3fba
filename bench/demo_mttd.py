"""MTTD of the baseline rules and of the anomaly detectors on the live demo, side by side.

Each run is a full headless `aiops demo` (sulu processes, load, scrapes, rules, the
pipeline, SQLite) in a fresh temporary directory; the figures come from each run's
report (store + injection log). MTTD is wall seconds at the demo's time scale (rule
durations × scale); `*_real_s` divides the rules' figures by the scale (the detectors
run uncompressed). False incidents are counted over the no-fault (`none`) periods.

With `--detection both` (the default) the rules and the detectors run in the same demo
on the same data; the demo keeps each fault on until every analyzer has alerted (or the
timeout), so each analyzer's MTTD is its own first alert and neither is cut short by
the other, unless the agents' change fixes the fault first: that analyzer was then
*preempted* (counted apart, not as a miss). Figures: `mttd_p95_s`, `undetected`,
`preempted`, `false_incidents` for the rules (the baseline) and the same with a
`detectors_` prefix for the detectors. `--detection rules`
or `detectors` runs one analyzer alone.

Usage: bench/demo_mttd.py [--runs N] [--seed S] [--scenarios all|NAME ...]
       [--time-scale F] [--detection rules|detectors|both]
       (one run of `all` takes about 9 minutes on 2 cores)
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


def one_run(names: list[str], seed: int, time_scale: float, detection: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aiops-bench-demo-") as tmp:
        opts = DemoOptions(
            stack=StackOptions(
                data_dir=Path(tmp), config_dir=default_config_dir(), port=0,
                time_scale=time_scale, seed=seed, detection=detection,
            ),
            scenarios=select_many(names),
            headless=True,
            out=sys.stderr,
        )  # fmt: skip
        asyncio.run(run_demo(opts))
        doc: dict[str, Any] = json.loads((Path(tmp) / "report.json").read_text())
    return doc


def per_analyzer(reports: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """One analyzer's figures over the runs, from each report's `by_analyzer` blocks."""
    mttds: list[float] = []
    undetected = false_incidents = preempted = 0
    faults: dict[str, dict[str, Any]] = {}
    for doc in reports:
        false_incidents += doc["totals"]["by_analyzer"][name]["false_incidents"]
        for r in doc["scenarios"]:
            if r["fault"] is None:
                continue
            hit = r["by_analyzer"][name]
            f = faults.setdefault(r["fault"], {"runs": 0, "detected": 0, "mttd": [], "alerts": {}})
            f["runs"] += 1
            if hit["detected"]:
                f["detected"] += 1
                f["mttd"].append(hit["mttd_s"])
                mttds.append(hit["mttd_s"])
                f["alerts"][hit["first_alert"]] = f["alerts"].get(hit["first_alert"], 0) + 1
            elif hit.get("preempted"):
                preempted += 1  # the agents' change fixed it before this analyzer alerted
            else:
                undetected += 1
    return {
        "mttd_p50_s": percentile(mttds, 50),
        "mttd_p95_s": percentile(mttds, 95),
        "undetected": undetected,
        "preempted": preempted,
        "false_incidents": false_incidents,
        "faults": {
            n: {
                "runs": f["runs"],
                "detected": f["detected"],
                "mttd_p95_s": percentile(f["mttd"], 95),
                "first_alerts": f["alerts"],
            }
            for n, f in faults.items()
        },  # fmt: skip
    }


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
    out: dict[str, Any] = {
        "bench": "demo_mttd",
        "runs": len(reports),
        "time_scale": time_scale,
        "detection": reports[0]["meta"].get("detection", "rules") if reports else None,
        "any_mttd_p50_s": p50,
        "any_mttd_p95_s": p95,
        "any_undetected": undetected,
        "any_false_incidents": false_incidents,
    }
    mttrs = [r["mttr_s"] for doc in reports for r in doc["scenarios"]
             if r["fault"] is not None and r.get("resolved_by_change") and r.get("mttr_s")]
    judged = [r["rca"] for doc in reports for r in doc["scenarios"]
              if r["fault"] is not None and r.get("rca") and r["rca"].get("expected")]
    out["rca_top1"] = round(sum(bool(j["correct"]) for j in judged) / len(judged), 3) \
        if judged else None
    for name, f in faults.items():
        fr = [r["rca"] for doc in reports for r in doc["scenarios"]
              if r["fault"] == name and r.get("rca") and r["rca"].get("expected")]
        f["rca_top1"] = round(sum(bool(j["correct"]) for j in fr) / len(fr), 3) if fr else None
    out["mttr_p50_s"] = percentile(mttrs, 50)
    out["mttr_p95_s"] = percentile(mttrs, 95)
    out["unresolved"] = sum(doc["totals"].get("unresolved", 0) for doc in reports)
    out["actions_outside_policy"] = sum(
        doc["totals"].get("actions_outside_policy", 0) for doc in reports)
    for name, f in faults.items():
        fm = [r["mttr_s"] for doc in reports for r in doc["scenarios"]
              if r["fault"] == name and r.get("resolved_by_change") and r.get("mttr_s")]
        f["mttr_p95_s"] = percentile(fm, 95)
        f["resolved_by_change"] = len(fm)
    analyzers = reports[0]["meta"].get("analyzers", []) if reports else []
    for name in analyzers:
        a = per_analyzer(reports, name)
        prefix = "" if name == "rules" else f"{name}_"
        out[f"{prefix}mttd_p50_s"] = a["mttd_p50_s"]
        out[f"{prefix}mttd_p95_s"] = a["mttd_p95_s"]
        # only the rules run compressed; the detectors' seconds are real already
        scale = time_scale if name == "rules" else 1.0
        out[f"{prefix}mttd_p95_real_s"] = (
            round(a["mttd_p95_s"] / scale, 1) if a["mttd_p95_s"] is not None else None
        )
        out[f"{prefix}undetected"] = a["undetected"]
        out[f"{prefix}preempted"] = a["preempted"]
        out[f"{prefix}false_incidents"] = a["false_incidents"]
        out[f"{name}_faults"] = a["faults"]
    out["faults"] = faults
    out["seconds"] = round(seconds, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenarios", nargs="+", default=["all"])
    parser.add_argument("--time-scale", type=float, default=0.2)
    parser.add_argument("--detection", choices=["rules", "detectors", "both"], default="both")
    args = parser.parse_args(argv)
    if args.runs < 1 or not 0 < args.time_scale <= 1:
        parser.error("--runs must be >= 1 and --time-scale in (0, 1]")
    configure("console", level="WARNING")
    started = time.perf_counter()
    reports = []
    for i in range(args.runs):
        print(f"run {i + 1}/{args.runs} (seed {args.seed + i})", file=sys.stderr)
        reports.append(one_run(args.scenarios, args.seed + i, args.time_scale, args.detection))
    out = summarize(reports, args.time_scale, time.perf_counter() - started)
    for key in [k for k in out if k.endswith("_faults")] or ["faults"]:
        print(f"-- {key.removesuffix('_faults') if key != 'faults' else 'any'}", file=sys.stderr)
        for name, f in out[key].items():
            print(f"{name:<20} detected {f['detected']}/{f['runs']}  MTTD p95 {f['mttd_p95_s']} s"
                  f"  first alerts {f['first_alerts']}", file=sys.stderr)  # fmt: skip
    print(f"false incidents over no-fault periods: {out['any_false_incidents']}", file=sys.stderr)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
