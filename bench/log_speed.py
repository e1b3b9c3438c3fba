"""Log mining throughput: lines per second through `LogMiner.add` on one core.

    .venv/bin/python bench/log_speed.py [--data-root ../shared/datasets/loghub] [--repeat 5]

Feeds every Loghub log found under the data root `--repeat` times, each file to a fresh
miner (layout learnt from its first lines, as in production). Last stdout line: JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from aiops.detect.logs import LogMiner
from aiops.detect.logs.templates import LAYOUT_SAMPLE

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "datasets" / "loghub"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-root", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = sorted(args.data_root.glob("*/*.log"))
    if not files:
        print(f"{args.data_root}: no */*.log files", file=sys.stderr)
        return 2
    corpora = [f.read_bytes().decode("utf-8", errors="replace").splitlines() for f in files]
    start = time.perf_counter()
    total = 0
    busy = 0.0
    for r in range(args.repeat):
        for lines in corpora:
            t0 = time.process_time()
            miner = LogMiner()
            miner.prime(lines[:LAYOUT_SAMPLE])
            for line in lines:
                miner.add(line)
            busy += time.process_time() - t0
            total += len(lines)
        print(
            f"round {r + 1}/{args.repeat}: {total} lines, {total / busy:.0f} lines/s",
            file=sys.stderr,
        )
    result = {
        "bench": "log_speed",
        "files": len(files),
        "lines": total,
        "lines_per_s": round(total / busy),
        "seconds": round(time.perf_counter() - start, 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
