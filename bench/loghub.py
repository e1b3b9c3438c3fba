"""Loghub-2.0 parsing accuracy: GA, FGA, PA, FTA per system, ours beside drain3.

    .venv/bin/python bench/loghub.py [--data-root ../shared/datasets/loghub] [--systems HDFS BGL]

Any folder in the Loghub layout works: one sub-folder per system holding `X.log` and
`X.log_structured_corrected.csv` (columns LineId, ..., EventTemplate). Ours gets no
per-system setting (the header layout is detected); drain3 gets the header formats and
masking regexes of the published Drain runs when the system is one of those. Both outputs
go through the same template conventions (`normalize_template`) before scoring.
Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from aiops.detect.logs.header import Layout
from aiops.detect.logs.masking import normalize_template
from aiops.detect.logs.templates import LAYOUT_SAMPLE, LogMiner

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "datasets" / "loghub"

# Published Drain settings (Loghub benchmark): drain3 only. Ours never reads this table.
DRAIN_SETTINGS: dict[str, tuple[str, list[str], float, int]] = {
    "HDFS": (
        "<Date> <Time> <Pid> <Level> <Component>: <Content>",
        [r"blk_-?\d+", r"(\d+\.){3}\d+(:\d+)?"],
        0.5,
        4,
    ),
    "Hadoop": (
        r"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>",
        [r"(\d+\.){3}\d+"],
        0.5,
        4,
    ),
    "Spark": (
        "<Date> <Time> <Level> <Component>: <Content>",
        [r"(\d+\.){3}\d+", r"\b[KGTM]?B\b", r"([\w-]+\.){2,}[\w-]+"],
        0.5,
        4,
    ),
    "Zookeeper": (
        r"<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>",
        [r"(/|)(\d+\.){3}\d+(:\d+)?"],
        0.5,
        4,
    ),
    "BGL": (
        "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>",
        [r"core\.\d+"],
        0.5,
        4,
    ),
    "HPC": ("<LogId> <Node> <Component> <State> <Time> <Flag> <Content>", [r"=\d+"], 0.5, 4),
    "Thunderbird": (
        r"<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\[<PID>\])?: <Content>",
        [r"(\d+\.){3}\d+"],
        0.5,
        4,
    ),
    "Windows": (
        "<Date> <Time>, <Level>                  <Component>    <Content>",
        [r"0x.*?\s"],
        0.7,
        5,
    ),
    "Linux": (
        r"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>",
        [r"(\d+\.){3}\d+", r"\d{2}:\d{2}:\d{2}"],
        0.39,
        6,
    ),
    "Android": (
        "<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>",
        [
            r"(/[\w-]+)+",
            r"([\w-]+\.){2,}[\w-]+",
            r"\b(\-?\+?\d+)\b|\b0[Xx][a-fA-F\d]+\b|\b[a-fA-F\d]{4,}\b",
        ],
        0.2,
        6,
    ),
    "HealthApp": (r"<Time>\|<Component>\|<Pid>\|<Content>", [], 0.2, 4),
    "Apache": (r"\[<Time>\] \[<Level>\] <Content>", [r"(\d+\.){3}\d+"], 0.5, 4),
    "Proxifier": (
        r"\[<Time>\] <Program> - <Content>",
        [r"<\d+\ssec", r"([\w-]+\.)+[\w-]+(:\d+)?", r"\d{2}:\d{2}(:\d{2})*", r"[KGTM]B"],
        0.6,
        3,
    ),
    "OpenSSH": (
        r"<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>",
        [r"(\d+\.){3}\d+", r"([\w-]+\.){2,}[\w-]+"],
        0.6,
        5,
    ),
    "OpenStack": (
        r"<Logrecord> <Date> <Time> <Pid> <Level> <Component> \[<ADDR>\] <Content>",
        [r"((\d+\.){3}\d+,?)+", r"/.+?\s", r"\d+"],
        0.5,
        5,
    ),
    "Mac": (
        r"<Month>  <Date> <Time> <User> <Component>\[<PID>\]( \(<Address>\))?: <Content>",
        [r"([\w-]+\.){2,}[\w-]+"],
        0.7,
        6,
    ),
}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def find_systems(root: Path) -> dict[str, tuple[Path, Path]]:
    """system name -> (log file, structured ground-truth csv), for every sub-folder."""
    found: dict[str, tuple[Path, Path]] = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        for truth in sorted(sub.glob("*.log_structured_corrected.csv")) or sorted(
            sub.glob("*.log_structured.csv")
        ):
            log = truth.with_name(truth.name.split(".log_structured")[0] + ".log")
            if log.exists():
                found[sub.name] = (log, truth)
                break
    return found


def read_lines(path: Path) -> list[str]:
    with path.open("rb") as fh:
        return [raw.decode("utf-8", errors="replace").rstrip("\r\n") for raw in fh]


def read_truth(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        return [row["EventTemplate"].strip() for row in csv.DictReader(fh)]


def score(
    truth: Sequence[str], groups: Sequence[object], templates: Sequence[str]
) -> dict[str, float]:
    """GA, FGA, PA, FTA as described for Loghub-2.0.

    A predicted group is correct when its line set equals one ground-truth group's line set
    (GA: share of lines in correct groups; FGA: F1 over groups). PA: share of lines whose
    template equals the truth exactly. FTA: F1 over templates, a template being correct when
    its group is correct and its text equals the truth.
    """
    n = len(truth)
    by_truth: dict[str, set[int]] = defaultdict(set)
    by_pred: dict[object, set[int]] = defaultdict(set)
    for i, (t, g) in enumerate(zip(truth, groups, strict=True)):
        by_truth[t].add(i)
        by_pred[g].add(i)
    correct_lines = correct_groups = correct_templates = 0
    for members in by_pred.values():
        first = next(iter(members))
        if by_truth[truth[first]] == members:
            correct_lines += len(members)
            correct_groups += 1
            if templates[first] == truth[first]:
                correct_templates += 1
    pa = sum(p == t for p, t in zip(templates, truth, strict=True)) / n

    def f1(hit: int) -> float:
        p, r = hit / len(by_pred), hit / len(by_truth)
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    return {
        "GA": correct_lines / n,
        "FGA": f1(correct_groups),
        "PA": pa,
        "FTA": f1(correct_templates),
    }


def run_ours(lines: Sequence[str]) -> tuple[list[int], list[str]]:
    miner = LogMiner()
    miner.prime(lines[:LAYOUT_SAMPLE])
    ids = [miner.add(line).template_id for line in lines]
    return ids, [miner.template_text(i) for i in ids]


def run_drain(system: str, lines: Sequence[str]) -> tuple[list[int], list[str]]:
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    fmt, regexes, sim, depth = DRAIN_SETTINGS.get(system, ("<Content>", [], 0.5, 4))
    config = TemplateMinerConfig()
    config.drain_sim_th = sim
    config.drain_depth = depth
    config.masking_instructions = [MaskingInstruction(r, "*") for r in regexes]
    config.profiling_enabled = False
    miner = TemplateMiner(config=config)
    layout = Layout.from_format(fmt)
    ids = [miner.add_log_message(layout.split(line)[0])["cluster_id"] for line in lines]
    by_id = {c.cluster_id: normalize_template(c.get_template()) for c in miner.drain.clusters}
    return ids, [by_id[i] for i in ids]


def _git() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return out.stdout.strip()
    except OSError:
        return ""


def _mean(rows: list[dict[str, float]], key: str) -> float:
    return round(sum(r[key] for r in rows) / len(rows), 4) if rows else 0.0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-root", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--systems", nargs="*", help="sub-folder names (default: all)")
    ap.add_argument("--no-drain", action="store_true", help="score ours only")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    systems = find_systems(args.data_root)
    if args.systems:
        systems = {k: v for k, v in systems.items() if k in set(args.systems)}
    if not systems:
        print(
            f"{args.data_root}: no system folders with a *.log_structured_corrected.csv",
            file=sys.stderr,
        )
        return 2
    details: dict[str, dict[str, float]] = {}
    ours_rows, drain_rows = [], []
    for name, (log_path, truth_path) in systems.items():
        lines, truth = read_lines(log_path), read_truth(truth_path)
        if len(lines) != len(truth):
            _log(
                f"{name}: {len(lines)} log lines but {len(truth)} truth rows; scoring the common prefix"
            )
            k = min(len(lines), len(truth))
            lines, truth = lines[:k], truth[:k]
        t0 = time.perf_counter()
        ours = score(truth, *run_ours(lines))
        row = {k: round(v, 4) for k, v in ours.items()}
        row["lines_per_s"] = round(len(lines) / max(time.perf_counter() - t0, 1e-9))
        ours_rows.append(ours)
        if not args.no_drain:
            drain = score(truth, *run_drain(name, lines))
            drain_rows.append(drain)
            row.update({f"drain_{k}": round(v, 4) for k, v in drain.items()})
        details[name] = row
        _log(f"{name:12s} " + " ".join(f"{k}={v}" for k, v in row.items()))
    result = {
        "bench": "loghub",
        "git": _git(),
        "systems": len(details),
        "GA": _mean(ours_rows, "GA"),
        "FGA": _mean(ours_rows, "FGA"),
        "PA": _mean(ours_rows, "PA"),
        "FTA": _mean(ours_rows, "FTA"),
        "drain_GA": _mean(drain_rows, "GA"),
        "drain_FGA": _mean(drain_rows, "FGA"),
        "drain_PA": _mean(drain_rows, "PA"),
        "drain_FTA": _mean(drain_rows, "FTA"),
        "per_system": details,
        "seconds": round(time.perf_counter() - start, 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
