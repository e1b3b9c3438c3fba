"""BARO and NSigma, for bench/rca.py: through RCAEval when its venv exists, else re-implemented.

Both get the same matrices as our method: `normal` rows before the fault, `anomalous`
rows after, one column per metric. RCAEval (bench-only dependency) lives in its own
venv (bench/setup_rcaeval.sh) and is driven through bench/rcaeval_runner.py over
stdin/stdout JSON lines, so it cannot disturb the core's pins.

The built-in versions follow RCAEval 1.8.1 (`RCAEval.e2e.baro.baro`,
`RCAEval.e2e.nsigma`) line by line: drop columns constant within the normal or the
anomalous part (`preprocess` with a dataset name), `_mem` columns / 1e6, then per
column fit a scaler on normal and score max(transformed anomalous); BARO uses
sklearn's RobustScaler (median, IQR), NSigma the StandardScaler (mean, std);
a zero scale becomes 1 as in sklearn. Given the fault time, RCAEval's BARO skips
its BOCPD step, and so do we.

NaN cells (PetShop has gaps) are forward-filled, then back-filled, then 0, for both.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BENCH_VENV = REPO / ".venv-bench"
RUNNER = Path(__file__).resolve().parent / "rcaeval_runner.py"


@dataclass(frozen=True)
class Matrix:
    """One case as the baselines see it."""

    id: str
    columns: list[str]
    normal: np.ndarray  # [row, column]
    anomalous: np.ndarray


@dataclass(frozen=True)
class Ranked:
    columns: list[str]  # best first
    top_score: float  # the winning column's max z (for the "no root cause" threshold)


def fill_gaps(a: np.ndarray) -> np.ndarray:
    """Forward-fill, back-fill, then 0, per column (as pandas ffill().bfill().fillna(0))."""
    out = np.array(a, dtype=float)
    for j in range(out.shape[1]):
        col = out[:, j]
        ok = np.isfinite(col)
        if not ok.any():
            col[:] = 0.0
            continue
        idx = np.where(ok, np.arange(col.size), 0)
        np.maximum.accumulate(idx, out=idx)
        col[:] = col[idx]
        first = int(np.argmax(ok))
        col[:first] = col[first]
    return out


def _keep(a: np.ndarray) -> np.ndarray:
    """RCAEval drop_constant: keep columns with any value different from the first row."""
    return np.any(a != a[:1], axis=0)


def _rank(m: Matrix, robust: bool) -> Ranked:
    normal, anomalous = fill_gaps(m.normal), fill_gaps(m.anomalous)
    mem = np.array([c.endswith("_mem") for c in m.columns])
    normal[:, mem] /= 1e6
    anomalous[:, mem] /= 1e6
    keep = _keep(normal) & _keep(anomalous)
    scored: list[tuple[str, float]] = []
    for j in np.flatnonzero(keep):
        a, b = normal[:, j], anomalous[:, j]
        if robust:
            center = float(np.median(a))
            q75, q25 = np.percentile(a, [75, 25])
            scale = float(q75 - q25)
        else:
            center, scale = float(np.mean(a)), float(np.std(a))
        scale = scale if scale > 0 and math.isfinite(scale) else 1.0
        scored.append((m.columns[j], float(np.max((b - center) / scale))))
    scored.sort(key=lambda t: t[1], reverse=True)  # stable, as Python's sorted in RCAEval
    return Ranked([c for c, _ in scored], scored[0][1] if scored else 0.0)


def builtin(cases: list[Matrix]) -> dict[str, dict[str, Ranked]]:
    return {m.id: {"baro": _rank(m, True), "nsigma": _rank(m, False)} for m in cases}


def _encode(m: Matrix) -> str:
    def rows(a: np.ndarray) -> list[list[float | None]]:
        return [[None if not math.isfinite(x) else float(x) for x in r] for r in a]

    return json.dumps(
        {"id": m.id, "columns": m.columns, "normal": rows(m.normal), "anomalous": rows(m.anomalous)}
    )


def via_rcaeval(cases: list[Matrix], timeout_s: float = 1800) -> dict[str, dict[str, Ranked]]:
    """Run RCAEval's baro and nsigma on every case in the bench venv (one subprocess)."""
    python = BENCH_VENV / "bin" / "python"
    payload = "\n".join(_encode(m) for m in cases) + "\n"
    proc = subprocess.run(
        [str(python), str(RUNNER)],
        input=payload,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"rcaeval_runner failed ({proc.returncode}): {proc.stderr[-2000:]}")
    out: dict[str, dict[str, Ranked]] = {}
    for line in proc.stdout.splitlines():
        doc = json.loads(line)
        out[doc["id"]] = {k: Ranked(v["ranks"], v["top_score"]) for k, v in doc["methods"].items()}
    return out


def available() -> bool:
    return (BENCH_VENV / "bin" / "python").is_file()


def run(cases: list[Matrix], mode: str) -> tuple[str, dict[str, dict[str, Ranked]]]:
    """(which implementation ran, results). mode: auto | rcaeval | builtin."""
    if mode == "rcaeval" or (mode == "auto" and available()):
        return "rcaeval-1.8.1", via_rcaeval(cases)
    if mode == "auto":
        print(
            "baselines: no .venv-bench (bash bench/setup_rcaeval.sh); using the built-in "
            "re-implementation",
            file=sys.stderr,
        )
    return "builtin", builtin(cases)
