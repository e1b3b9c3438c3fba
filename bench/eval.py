"""The agents against the baseline procedure on the live demo (`aiops eval`), headline.

One shadow-mode demo per run (detection="both": the rules are the baseline's eyes, the
detectors the agents'; the builtin agents diagnose and remediate; the people of the
baseline are the operator model of `aiops.evaluate.operator`). Figures are the report's
(`aiops.evaluate.scores`), times in real-world-equivalent seconds.

Usage: bench/eval.py [--scenarios all|NAME,...] [--repeat N] [--seed S] [--report DIR]
                     [--data-dir DIR]
       (`all`, repeat 1: 23 variants, about 16-18 minutes on 2 cores; --data-dir keeps the
       run's store and logs for a look afterwards)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiops.cli.eval import demo_driver
from aiops.evaluate.runner import EvalOptions, run_eval
from aiops.obs.logging import configure

KEYS = ("agent_f1", "baseline_f1", "agent_rca_top1", "agent_mttr_s", "baseline_mttr_s",
        "agent_false_incident_rate", "cost_per_incident_usd")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", default="all")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    configure("console", level="WARNING")
    names = "all" if args.scenarios == "all" else args.scenarios.split(",")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aiops-bench-eval-") as tmp:
        report = args.report or Path(tmp) / "report"
        opts = EvalOptions(scenarios=names, repeat=args.repeat, seed=args.seed,
                           report_dir=report, data_dir=args.data_dir or Path(tmp) / "data")  # fmt: skip
        doc = run_eval(opts, demo_driver(seed=args.seed), now=datetime.now(UTC))
    s = doc["scores"]
    print(f"{'criterion':<32} {'baseline':>12} {'agents':>12}  target", file=sys.stderr)
    for r in s["verdict"]["rows"]:
        print(f"{r['criterion']:<32} {r['baseline']!s:>12} {r['agents']!s:>12}  {r['target']}"
              f"  {'' if r['met'] is None else 'MET' if r['met'] else 'not met'}", file=sys.stderr)  # fmt: skip
    print(f"recommendation: {s['verdict']['recommendation']} ({s['verdict']['why']})",
          file=sys.stderr)  # fmt: skip
    out = {k: doc["headline"][k] for k in KEYS}
    out.update(bench="eval", variants=s["variants"], seconds=round(time.perf_counter() - started, 1),
               agent_rca_top3=doc["headline"]["agent_rca_top3"],
               agent_remediation_success_rate=doc["headline"]["agent_remediation_success_rate"],
               agent_mttd_s=doc["headline"]["agent_mttd_s"],
               baseline_mttd_s=doc["headline"]["baseline_mttd_s"])  # fmt: skip
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
