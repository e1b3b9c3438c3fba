"""Run RCAEval's BARO and NSigma on cases read from stdin (JSON lines); runs in .venv-bench.

Input line: {"id", "columns", "normal": [[...]], "anomalous": [[...]]} (null = missing).
Output line: {"id", "methods": {"baro": {"ranks": [...], "top_score": z}, "nsigma": {...}}}.
The ranks come from RCAEval itself (`baro`, `nsigma` with `anomalies=[len(normal)]`, i.e.
the known fault time); `top_score` re-applies the same sklearn scaler to the winning
column, because RCAEval returns ranks without scores and the specificity figure needs one.
"""

from __future__ import annotations

import json
import sys

import pandas as pd
from RCAEval.e2e import baro, nsigma
from sklearn.preprocessing import RobustScaler, StandardScaler


def _frame(doc: dict) -> tuple[pd.DataFrame, int]:
    rows = doc["normal"] + doc["anomalous"]
    df = pd.DataFrame(rows, columns=doc["columns"], dtype=float)
    df = df.ffill().bfill().fillna(0.0)
    df.insert(0, "time", range(len(df)))
    return df, len(doc["normal"])


def _top_score(df: pd.DataFrame, split: int, col: str, scaler: type) -> float:
    a = df[col].to_numpy()[:split].reshape(-1, 1)
    b = df[col].to_numpy()[split:].reshape(-1, 1)
    if col.endswith("_mem"):
        a, b = a / 1e6, b / 1e6
    return float(max(scaler().fit(a).transform(b)[:, 0]))


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        doc = json.loads(line)
        df, split = _frame(doc)
        methods = {}
        for name, fn, scaler in (("baro", baro, RobustScaler), ("nsigma", nsigma, StandardScaler)):
            ranks = fn(df, anomalies=[split], dataset="bench")["ranks"]
            top = _top_score(df, split, ranks[0], scaler) if ranks else 0.0
            methods[name] = {"ranks": ranks, "top_score": top}
        sys.stdout.write(json.dumps({"id": doc["id"], "methods": methods}) + "\n")


if __name__ == "__main__":
    main()
