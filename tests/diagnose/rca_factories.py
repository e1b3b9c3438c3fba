"""Small synthetic cases with a known answer, shared by the diagnose tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from aiops.diagnose.case import Case, Series, Symptom, kind_of

T0 = 1_700_000_000.0


def noise(n: int, level: float, seed: int, rel: float = 0.02) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return level * (1.0 + rel * rng.standard_normal(n))


def series(ci: str, metric: str, level: float, factor: float = 1.0, seed: int = 0) -> Series:
    """60 normal points around `level`, 10 anomalous points at `level * factor` (+ noise)."""
    normal = noise(60, level, seed)
    anomalous = noise(10, level * factor, seed + 1000)
    times = T0 + 60.0 * np.arange(10)
    return Series(ci, metric, normal, anomalous, times, kind_of(metric))


def chain_case(fault_factor: dict[str, float], *, edges: bool = True) -> Case:
    """a -> b -> c (a calls b calls c), latency per node; `fault_factor` says who is slow."""
    nodes = ["a", "b", "c"]
    return Case(
        series=[
            series(n, "latency", 0.1, fault_factor.get(n, 1.0), i) for i, n in enumerate(nodes)
        ],
        nodes=nodes,
        edges=[("a", "b"), ("b", "c")] if edges else [],
        symptom=Symptom("a", "latency", T0),
    )


def write_sockshop(folder: Path, *, fault: str = "svc2", metric: str = "cpu", n: int = 40) -> Path:
    """A sockshop-layout case: services svc1..svc3 with cpu and mem; `fault` gets a CPU hog."""
    folder.mkdir(parents=True, exist_ok=True)
    cols = [f"svc{i}_{m}" for m in ("cpu", "mem") for i in (1, 2, 3)]
    for name, start, hot in (("normal.csv", 0, False), ("anomalous.csv", 1000, True)):
        rows = ["time," + ",".join(cols)]
        rng = np.random.default_rng(start)
        for t in range(n):
            vals = []
            for c in cols:
                level = 1.0 if c.endswith("_cpu") else 3e8
                v = level * (1 + 0.05 * rng.standard_normal())
                if hot and c == f"{fault}_{metric}":
                    v *= 50
                vals.append(f"{v:.6g}")
            rows.append(f"{start + t}," + ",".join(vals))
        (folder / name).write_text("\n".join(rows) + "\n")
    return folder


PET_COLUMNS = [
    (node, metric, stat)
    for node in ("Front", "Search", "Db")
    for metric, stat in (("latency", "Average"), ("requests", "Sum"), ("availability", "Average"))
]


def _pet_rows(times: list[float], slow: str | None, seed: int) -> list[str]:
    """One CSV row per relative time (>= 0: the fault is on), without the timestamp cell."""
    rng = np.random.default_rng(seed)
    out = []
    for t in times:
        vals = []
        for node, metric, _ in PET_COLUMNS:
            if metric == "latency":
                base = {"Front": 0.1, "Search": 0.01, "Db": 0.005}[node]
                v = base * (1 + 0.03 * rng.standard_normal())
                if slow is not None and t >= 0 and _downstream_of(node, slow):
                    v += 0.05  # the slow node and its callers
            elif metric == "requests":
                v = float(rng.poisson(500))
            else:
                v = 100.0
            vals.append(f"{v:.6g}")
        out.append("," + ",".join(vals))
    return out


def _downstream_of(node: str, slow: str) -> bool:
    """Front calls Search calls Db: a slow node slows itself and its callers."""
    order = ["Front", "Search", "Db"]
    return order.index(node) <= order.index(slow)


def write_petshop(
    root: Path, *, slow: str = "Search", noissue: bool = True, graph: bool = True
) -> Path:
    """A petshop-layout scenario under `root`; returns the issue folder."""
    header = [
        "microservice," + ",".join(c[0] for c in PET_COLUMNS),
        "metric," + ",".join(c[1] for c in PET_COLUMNS),
        "statistic," + ",".join(c[2] for c in PET_COLUMNS),
        "unix_timestamp," + "," * (len(PET_COLUMNS) - 1),
    ]
    issue = root / "scen" / "train" / "issue_0"
    issue.mkdir(parents=True)
    t_issue = T0 + 10 * 86400
    times = [t_issue + 300.0 * k for k in range(5)]
    rows = _pet_rows([t - t_issue - 300 for t in times], slow, 1)  # bin 0 before the onset
    body = [f"{t}{r}" for t, r in zip(times, rows, strict=True)]
    (issue / "metrics.csv").write_text("\n".join(header + body) + "\n")
    target = {
        "target": {
            "node": "Front",
            "metric": "latency",
            "agg": "Average",
            "timestamp": t_issue + 450.0,
        },
        "root_cause": {"node": "Db", "metric": None},
        "metadata": {"note": "never read"},
    }
    (issue / "target.json").write_text(json.dumps(target))
    if graph:
        names = ["Front", "Search", "Db"]
        calls = {("Front", "Search"), ("Search", "Db")}
        lines = ["," + ",".join(names)]
        for a in names:
            lines.append(a + "," + ",".join("1.0" if (a, b) in calls else "0.0" for b in names))
        (root / "scen" / "graph.csv").write_text("\n".join(lines) + "\n")
    if noissue:
        (root / "scen" / "noissue").mkdir()
        n_times = [T0 + 300.0 * k for k in range(60)]
        rows = _pet_rows([-1.0] * 60, None, 2)
        body = [f"{t}{r}" for t, r in zip(n_times, rows, strict=True)]
        (root / "scen" / "noissue" / "metrics.csv").write_text("\n".join(header + body) + "\n")
    return issue
