"""`aiops eval`: seeded scenario variants → one shadow-mode demo → raw records → scores →
report, and a line in the run history (DATA_DIR/eval_history.jsonl) for the trend.

Both procedures watch the same injected fault in one demo (detection="both"): the rules
are the baseline's eyes, the detectors the agents'; the incident stages run the agents.
Running the demo is the driver's job (a callable the wiring passes in: `aiops.cli.eval`
drives `aiops.demo`), so this package stays a stage that imports no wiring.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput
from aiops.evaluate.operator import OperatorModel, draw_delays
from aiops.evaluate.records import build_records, write_records
from aiops.evaluate.scores import AGENTS, BASELINE, CostConfig, score

# Per fault, the range each parameter is drawn from (uniform, seeded); faults sulu has
# (aiops.sim.FAULTS — a test keeps the two lists equal). Real faults come in every
# severity: each range runs from a mild one users notice (queries 10x slower, 3 % of
# calls failing, a leak of a few MB/s) to a severe one. They do not aim at a rule's
# threshold: a static threshold catches the severe end and misses some of the mild.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "stop": {},
    "slow-db": {"delay_ms": (200, 2000)},
    "db-pool-exhaustion": {"leak": (0, 0)},
    "memory-leak": {"rate_mb_s": (3, 20), "max_mb": (512, 512)},
    "cpu-hog": {"duty": (0.3, 0.95), "max_s": (300, 300)},
    "error-burst": {"ratio": (0.03, 0.4)},  # a bad deploy: change-caused
    "dependency-timeout": {"hang_s": (20, 40)},
    "disk-full": {},
    "config-change": {"extra_latency_ms": (300, 2000)},  # a config reload: change-caused
}
VARIANTS_PER_FAULT = 2
QUIET_PER_REPEAT = 2
# Two faults at once (the first is the one scored for RCA); seeded choice per repeat.
OVERLAPS: tuple[tuple[str, str], ...] = (
    ("slow-db", "cpu-hog"), ("error-burst", "memory-leak"),
    ("dependency-timeout", "slow-db"), ("config-change", "cpu-hog"),
)  # fmt: skip
OVERLAPS_PER_REPEAT = 2
# A fault whose fix is a standard change, happening outside the service's window: the
# change then waits for a person (policies: outside_service_window), as in production.
OUTSIDE_WINDOW = ("stop", "memory-leak", "cpu-hog")
OUTSIDE_PER_REPEAT = 1


@dataclass(frozen=True)
class Variant:
    name: str
    fault: str | None  # None: a no-fault period
    params: dict[str, float] = field(default_factory=dict)
    also: tuple[str, dict[str, float]] | None = None  # a second fault, on at the same time
    outside_window: bool = False  # injected while the service is outside its service window


def variants(scenarios: str | list[str], repeat: int, seed: int) -> list[Variant]:
    """Seeded variants: each fault VARIANTS_PER_FAULT times per repeat, overlapping pairs,
    a fault outside the service window, and no-fault periods spread through the run
    (`all`: 23 per repeat)."""
    names = list(RANGES) if scenarios == "all" or scenarios == ["all"] else list(scenarios)
    unknown = [n for n in names if n not in RANGES and n != "none"]
    if unknown or repeat < 1:
        msg = (f"unknown scenario(s) {', '.join(unknown)}; known: all, none, {', '.join(RANGES)}"
               if unknown else f"--repeat must be >= 1, got {repeat}")  # fmt: skip
        raise InvalidInput(msg, [ErrorDetail(("scenarios",), msg, "invalid")])
    rng = random.Random(seed)
    out: list[Variant] = []
    for rep in range(repeat):
        batch = []
        for name in [n for n in names if n != "none"]:
            for k in range(VARIANTS_PER_FAULT):
                params = {p: round(rng.uniform(lo, hi), 2) for p, (lo, hi) in RANGES[name].items()}
                batch.append(Variant(f"{name}.{rep * VARIANTS_PER_FAULT + k + 1}", name, params))
        if scenarios == "all" or scenarios == ["all"]:
            for k, (first, second) in enumerate(rng.sample(OVERLAPS, OVERLAPS_PER_REPEAT)):
                p1, p2 = ({p: round(rng.uniform(lo, hi), 2) for p, (lo, hi) in RANGES[f].items()}
                          for f in (first, second))  # fmt: skip
                n = rep * OVERLAPS_PER_REPEAT + k + 1
                batch.append(Variant(f"{first}+{second}.{n}", first, p1, (second, p2)))
            for k, name in enumerate(rng.sample(OUTSIDE_WINDOW, OUTSIDE_PER_REPEAT)):
                params = {p: round(rng.uniform(lo, hi), 2) for p, (lo, hi) in RANGES[name].items()}
                n = rep * OUTSIDE_PER_REPEAT + k + 1
                batch.append(Variant(f"{name}@outside-window.{n}", name, params,
                                     outside_window=True))  # fmt: skip
        rng.shuffle(batch)
        quiet = QUIET_PER_REPEAT if "none" in names or scenarios == "all" else 0
        for q in range(quiet):  # spread: after 1/3 and 2/3 of the faults
            batch.insert(
                (q + 1) * len(batch) // (quiet + 1) + q,
                Variant(f"none.{rep * quiet + q + 1}", None),
            )
        out += batch
    return out


Driver = Callable[[list[Variant], Path], Mapping[str, Any]]


@dataclass
class EvalOptions:
    scenarios: str | list[str] = "all"
    repeat: int = 1
    seed: int = 0
    report_dir: Path = Path("eval-report")
    data_dir: Path = Path("eval-data")
    operator: OperatorModel = field(default_factory=OperatorModel)
    cost: CostConfig = field(default_factory=CostConfig)


def headline(s: Mapping[str, Any]) -> dict[str, Any]:
    b, a = s[BASELINE], s[AGENTS]
    return {
        "agent_f1": a["detection"]["f1"], "baseline_f1": b["detection"]["f1"],
        "agent_rca_top1": a["rca"]["top1"], "agent_rca_top3": a["rca"]["top3"],
        "agent_mttr_s": a["mttr_s"], "baseline_mttr_s": b["mttr_s"],
        "agent_mttd_s": a["mttd_s"], "baseline_mttd_s": b["mttd_s"],
        "agent_false_incident_rate": a["detection"]["false_incident_rate"],
        "baseline_false_incident_rate": b["detection"]["false_incident_rate"],
        "agent_remediation_success_rate": a["remediation_success_rate"],
        "cost_per_incident_usd": s["cost"]["per_incident_usd"],
        "cost_per_month_usd": s["cost"]["per_month_usd"],
        "recommendation": s["verdict"]["recommendation"],
    }  # fmt: skip


def history(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a torn last line from an interrupted run: skip it
    return out


def run_eval(opts: EvalOptions, drive: Driver, *, now: datetime) -> dict[str, Any]:
    """Run the variants through `drive`, score, write the report; the report doc."""
    from aiops.evaluate.report import write_report

    vs = variants(opts.scenarios, opts.repeat, opts.seed)
    raw = drive(vs, opts.data_dir)
    rows = list(raw["scenarios"])
    delays = draw_delays(opts.operator, len(rows), opts.seed)
    overlaps = (raw.get("meta") or {}).get("overlaps") or {
        v.name: v.also for v in vs if v.also is not None
    }  # what the driver ran (it may have run other variants)
    outside = (raw.get("meta") or {}).get("outside_window") or [
        v.name for v in vs if v.outside_window
    ]
    records = build_records(
        rows, raw["incidents"], raw["decisions"], raw["truth"], delays, overlaps, outside
    )
    meta = {**dict(raw.get("meta") or {}), "time_scale": raw["time_scale"], "seed": opts.seed,
            "repeat": opts.repeat, "operator_model": opts.operator.source,
            "cost_config": vars(opts.cost), "at": now.isoformat()}  # fmt: skip
    write_records(records, meta, opts.report_dir / "raw_records.json")
    scores = score(records, time_scale=raw["time_scale"], cost_config=opts.cost)
    hist_path = opts.data_dir / "eval_history.jsonl"
    entry = {"at": now.isoformat(), "seed": opts.seed, "variants": len(records),
             **headline(scores)}  # fmt: skip
    opts.data_dir.mkdir(parents=True, exist_ok=True)
    with hist_path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
    doc = {"meta": meta, "headline": headline(scores), "scores": scores,
           "trend": history(hist_path)}  # fmt: skip
    write_report(doc, opts.report_dir)
    return doc


__all__ = ["OUTSIDE_WINDOW", "RANGES", "EvalOptions", "Variant", "headline", "history",
           "run_eval", "variants"]  # fmt: skip
