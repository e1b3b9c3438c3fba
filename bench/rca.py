"""RCA accuracy on Sock Shop and PetShop: ours beside RCAEval's BARO and NSigma.

    .venv/bin/python bench/rca.py [--sockshop DIR] [--petshop DIR] [--baselines auto|rcaeval|builtin|none]

Sock Shop (folders <service>-<fault>/<n>/ with normal.csv, anomalous.csv): AC@k is the
share of cases whose true service is in the top k; Avg@k the mean of AC@1..AC@k. The
truth is the folder name, read here only.

PetShop (<scenario>/<split>/issue_N/ with metrics.csv, target.json; graph.csv and
noissue/ two levels up): top-1 / top-3 recall of `root_cause.node`, which only this
bench reads. Specificity, after the PetShop paper: on no-issue data a method should
report no root cause. We cut each scenario's noissue/metrics.csv into windows shaped
like an issue (5 bins of 5 min, the symptom time in the 2nd bin, stride 5 bins), use
the rest of the no-issue data minus 1 h on each side as the normal period, take the
symptom node and metric from that scenario's issues' `target`, and count a window as
correct when the method reports "no root cause": for ours, the top candidate's
confidence is under `NO_ROOT_CAUSE_BELOW` (0.5, i.e. a weighted robust z under ~6);
for BARO and NSigma, the winning metric's score is under 3 (the n-sigma rule).
`petshop_detected` is the share of real issues where ours does report a root cause.

Last stdout line: one JSON object with the figures. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines  # noqa: E402  (bench-local module)
from aiops.diagnose import NO_ROOT_CAUSE_BELOW, has_root_cause, rank  # noqa: E402
from aiops.diagnose.case import Symptom  # noqa: E402
from aiops.diagnose.loaders import (  # noqa: E402
    Table,
    build_petshop_case,
    load_petshop,
    load_sockshop,
    read_graph,
    read_petshop_metrics,
    read_target,
    read_wide,
    split_column,
)
from baselines import Matrix  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
BASELINE_Z = 3.0
WINDOW, STRIDE, MARGIN = 5, 5, 12


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def position(ranked: list[str], truth: str) -> int | None:
    return ranked.index(truth) if truth in ranked else None


# ------------------------------------------------------------------ Sock Shop


def sockshop_cases(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/*/anomalous.csv"))


def sockshop_matrix(folder: Path, cid: str) -> Matrix:
    cols, _, normal = read_wide(folder / "normal.csv")
    a_cols, _, anomalous = read_wide(folder / "anomalous.csv")
    anomalous = anomalous[:, [a_cols.index(c) for c in cols]]
    return Matrix(cid, cols, normal, anomalous)


def avg_at(positions: list[int | None]) -> dict[str, float]:
    n = len(positions) or 1
    ac = [sum(p is not None and p < k for p in positions) / n for k in range(1, 6)]
    return {f"avg{k}": round(float(np.mean(ac[:k])), 4) for k in range(1, 6)} | {
        f"ac{k}": round(ac[k - 1], 4) for k in range(1, 6)
    }


def bench_sockshop(root: Path, mode: str) -> tuple[dict[str, float], str]:
    folders = sockshop_cases(root)
    log(f"sockshop: {len(folders)} cases under {root}")
    ours: list[int | None] = []
    truths: dict[str, str] = {}
    mats: list[Matrix] = []
    for f in folders:
        truth = f.parent.name.rsplit("-", 1)[0]
        cid = f"{f.parent.name}/{f.name}"
        truths[cid] = truth
        pos = position([c.ci for c in rank(load_sockshop(f))], truth)
        ours.append(pos)
        if pos != 0:
            log(f"  ours: {cid} truth at {pos}")
        if mode != "none":
            mats.append(sockshop_matrix(f, cid))
    out = {f"sockshop_{k}": v for k, v in avg_at(ours).items()}
    impl = "none"
    if mats:
        impl, res = baselines.run(mats, mode)
        for method in ("baro", "nsigma"):
            pos = [
                position(dedupe([split_column(c)[0] for c in res[cid][method].columns]), t)
                for cid, t in truths.items()
            ]
            out |= {f"{method}_sockshop_{k}": v for k, v in avg_at(pos).items()}
    return out, impl


# ------------------------------------------------------------------ PetShop


def petshop_matrix(table: Table, normal: Table | None, at: float, cid: str) -> Matrix:
    """Baselines' view: every column; normal = no-issue rows + bins before `at`; the rest anomalous."""
    cols = ["|".join(c) for c in table.columns]
    step = float(np.median(np.diff(table.times))) if len(table.times) > 1 else 300.0
    before = table.times + step <= at
    rows = [table.values[before]]
    if normal is not None:
        idx = {c: j for j, c in enumerate(normal.columns)}
        aligned = np.full((len(normal.times), len(cols)), np.nan)
        for j, c in enumerate(table.columns):
            if c in idx:
                aligned[:, j] = normal.values[:, idx[c]]
        rows.insert(0, aligned)
    return Matrix(cid, cols, np.vstack(rows), table.values[~before])


def _node(col: str) -> str:
    return col.split("|", 1)[0]


def bench_petshop(root: Path, mode: str) -> dict[str, float]:
    issues = sorted(p.parent for p in root.glob("*/*/issue_*/target.json"))
    log(f"petshop: {len(issues)} issues under {root}")
    truths: dict[str, str] = {}
    ours: dict[str, tuple[int | None, bool]] = {}
    mats: list[Matrix] = []
    for issue in issues:
        cid = str(issue.relative_to(root))
        truths[cid] = json.loads((issue / "target.json").read_text())["root_cause"]["node"]
        cands = rank(load_petshop(issue))
        ours[cid] = (position([c.ci for c in cands], truths[cid]), has_root_cause(cands))
        log(
            f"  ours: {cid} truth at {ours[cid][0]} (top {cands[0].ci}, conf {cands[0].confidence:.2f})"
        )
        if mode != "none":
            sym = read_target(issue / "target.json")
            scen = issue.parent.parent
            nt = scen / "noissue" / "metrics.csv"
            normal = read_petshop_metrics(nt) if nt.is_file() else None
            mats.append(
                petshop_matrix(
                    read_petshop_metrics(issue / "metrics.csv"), normal, sym.at or 0.0, cid
                )
            )
    n = len(issues) or 1
    out: dict[str, float] = {
        "petshop_top1": round(sum(p == 0 for p, _ in ours.values()) / n, 4),
        "petshop_top3": round(sum(p is not None and p < 3 for p, _ in ours.values()) / n, 4),
        "petshop_detected": round(sum(d for _, d in ours.values()) / n, 4),
    }
    spec_ours, spec_mats = specificity_windows(root, issues, mode)
    out["petshop_specificity"] = spec_ours
    out["petshop_windows"] = len(spec_mats) if mode != "none" else -1
    if mode != "none":
        _, res = baselines.run(mats + spec_mats, mode)
        for method in ("baro", "nsigma"):
            pos = [
                position(dedupe([_node(c) for c in res[cid][method].columns]), t)
                for cid, t in truths.items()
            ]
            out[f"{method}_petshop_top1"] = round(sum(p == 0 for p in pos) / n, 4)
            out[f"{method}_petshop_top3"] = round(sum(p is not None and p < 3 for p in pos) / n, 4)
            quiet = [res[m.id][method].top_score < BASELINE_Z for m in spec_mats]
            out[f"{method}_petshop_specificity"] = (
                round(float(np.mean(quiet)), 4) if quiet else float("nan")
            )
    return out


def specificity_windows(root: Path, issues: list[Path], mode: str) -> tuple[float, list[Matrix]]:
    """Ours on every no-issue window (share reporting no root cause), and the baselines' matrices."""
    tops: list[float] = []
    mats: list[Matrix] = []
    for scen in sorted({i.parent.parent for i in issues}):
        path = scen / "noissue" / "metrics.csv"
        if not path.is_file():
            continue
        table = read_petshop_metrics(path)
        nodes, edges = (
            read_graph(scen / "graph.csv") if (scen / "graph.csv").is_file() else ([], [])
        )
        targets = sorted(
            {
                (t.ci, t.metric)
                for t in (read_target(i / "target.json") for i in issues if i.parent.parent == scen)
            }
        )
        starts = range(0, len(table.times) - WINDOW + 1, STRIDE)
        for k, start in enumerate(starts):
            win = table.window(start, start + WINDOW)
            normal = table.without(max(0, start - MARGIN), start + WINDOW + MARGIN)
            ci, metric = targets[k % len(targets)]
            sym = Symptom(ci, metric, float(win.times[1]) + 150.0)
            case = build_petshop_case(win, sym, normal=normal, nodes=nodes, edges=edges)
            tops.append(rank(case, limit=1)[0].confidence)
            if mode != "none":
                mats.append(
                    petshop_matrix(win, normal, sym.at or 0.0, f"noissue:{scen.name}:{start}")
                )
        log(f"  specificity: {scen.name}: {len(list(starts))} windows")
    conf = np.array(tops)
    curve = {f"{t:.1f}": round(float(np.mean(conf < t)), 4) for t in (0.5, 0.6, 0.7, 0.8)}
    log(f"  specificity by threshold (not tuned; the frozen one is {NO_ROOT_CAUSE_BELOW}): {curve}")
    spec = round(float(np.mean(conf < NO_ROOT_CAUSE_BELOW)), 4) if tops else float("nan")
    return spec, mats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sockshop", type=Path, default=DATA / "sockshop")
    ap.add_argument("--petshop", type=Path, default=DATA / "petshop")
    ap.add_argument("--baselines", choices=["auto", "rcaeval", "builtin", "none"], default="auto")
    args = ap.parse_args()
    t0 = time.monotonic()
    figures, impl = bench_sockshop(args.sockshop.resolve(), args.baselines)
    figures |= bench_petshop(args.petshop.resolve(), args.baselines)
    try:
        git = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            check=False,
        ).stdout.strip()
    except OSError:
        git = ""
    figures |= {
        "bench": "rca",
        "git": git,
        "baselines": impl,
        "no_root_cause_below": NO_ROOT_CAUSE_BELOW,
        "seconds": round(time.monotonic() - t0, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
