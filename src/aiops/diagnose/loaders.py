"""Build a `Case` from the on-disk layouts of the public RCA data sets.

sockshop (RCD / RCAEval "Sock Shop 1"): a folder with `normal.csv` and `anomalous.csv`,
one `time` column and one column per metric named `<service>_<metric>`
(`carts-db_cpu`, `carts_lat_90`). The service is the part before the first `_`:
no service names are built in. No graph, no symptom.

petshop (Hardt et al. 2023): an issue folder with `metrics.csv` (a 4-row header:
microservice / metric / statistic / unix_timestamp, then one row per 5-minute bin)
and `target.json`; `graph.csv` (adjacency matrix, row calls column) and
`noissue/metrics.csv` two levels up. Only `target` is read from target.json, never
`root_cause` or `metadata`. Bins that end before the target time are the *recent*
level; the rest is the anomalous period; the no-issue data is the normal period.

Documented degradations (a warning on the case, not an error): a series that is
entirely missing is dropped; no `graph.csv` means no graph; no `noissue/` (the
temporal_traffic scenarios) means the pre-onset bins are the normal period.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from aiops.diagnose.case import Case, MetricKind, Series, Symptom, kind_of
from aiops.diagnose.native import load_native
from aiops.diagnose.tables import bad, check_unique, check_width, number, read_rows
from aiops.errors import InvalidInput

_TIME_NAMES = ("time", "timestamp", "unix_timestamp")


# --------------------------------------------------------------------------- sockshop


def split_column(column: str) -> tuple[str, str]:
    """`carts-db_cpu` -> ("carts-db", "cpu"); a name with no `_` is a service with one metric."""
    service, sep, metric = column.partition("_")
    return (service, metric) if sep and service and metric else (column, "value")


def read_wide(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(metric columns, times, values[row, column]) of a one-header-row CSV with a time column."""
    rows = read_rows(path)
    head_line, header = rows[0]
    header = [h.strip() for h in header]
    check_unique(path, head_line, header)
    lowered = [h.lower() for h in header]
    t_col = next((lowered.index(n) for n in _TIME_NAMES if n in lowered), None)
    if t_col is None:
        raise bad(path, head_line, "missing column 'time'", "missing_column")
    columns = [h for i, h in enumerate(header) if i != t_col]
    if not columns:
        raise bad(path, head_line, "no metric columns beside 'time'", "missing_column")
    if len(rows) < 2:
        raise bad(path, None, "no data rows", "empty")
    times = np.empty(len(rows) - 1)
    values = np.empty((len(rows) - 1, len(columns)))
    for r, (line, row) in enumerate(rows[1:]):
        check_width(path, line, row, len(header))
        times[r] = number(path, line, header[t_col], row[t_col])
        cells = [c for i, c in enumerate(row) if i != t_col]
        values[r] = [number(path, line, columns[j], c) for j, c in enumerate(cells)]
    return columns, times, values


def load_sockshop(folder: Path) -> Case:
    """A Sock Shop case folder: rank services by their metrics' departure from normal."""
    folder = Path(folder)
    n_cols, _, normal = read_wide(folder / "normal.csv")
    a_cols, a_times, anomalous = read_wide(folder / "anomalous.csv")
    missing = [c for c in n_cols if c not in a_cols]
    if missing:
        raise bad(
            folder / "anomalous.csv",
            1,
            f"missing column(s) {missing} of normal.csv",
            "missing_column",
        )
    extra = [c for c in a_cols if c not in n_cols]
    if extra:
        raise bad(
            folder / "normal.csv",
            1,
            f"missing column(s) {extra} of anomalous.csv",
            "missing_column",
        )
    case = Case(series=[], name=str(folder))
    for j, col in enumerate(n_cols):
        nv, av = normal[:, j], anomalous[:, a_cols.index(col)]
        if not np.isfinite(nv).any() or not np.isfinite(av).any():
            case.warnings.append(f"{col}: no value in normal.csv or anomalous.csv; dropped")
            continue
        ci, metric = split_column(col)
        case.series.append(Series(ci, metric, nv, av, a_times, kind_of(metric)))
    if not case.series:
        raise bad(
            folder, None, "no metric has values in both normal.csv and anomalous.csv", "empty"
        )
    return case


# --------------------------------------------------------------------------- petshop


@dataclass(frozen=True)
class Table:
    """A PetShop metrics.csv: columns (node, metric, statistic), bin start times, values."""

    path: Path
    columns: list[tuple[str, str, str]]
    times: np.ndarray
    values: np.ndarray  # [bin, column]

    def window(self, start: int, stop: int) -> Table:
        return Table(self.path, self.columns, self.times[start:stop], self.values[start:stop])

    def without(self, start: int, stop: int) -> Table:
        keep = np.r_[0:start, stop : len(self.times)]
        return Table(self.path, self.columns, self.times[keep], self.values[keep])


_PETSHOP_HEADER = ("microservice", "metric", "statistic", "unix_timestamp")


def read_petshop_metrics(path: Path) -> Table:
    rows = read_rows(path)
    if len(rows) < 4 or tuple(r[1][0].strip() for r in rows[:4]) != _PETSHOP_HEADER:
        raise bad(
            path,
            1,
            "expected a 4-row header: microservice, metric, statistic, unix_timestamp",
            "bad_header",
        )
    width = len(rows[0][1])
    for line, row in rows[:3]:
        check_width(path, line, row, width)
    columns = list(zip(*(r[1][1:] for r in rows[:3]), strict=True))
    check_unique(path, 1, ["/".join(c) for c in columns])
    data = rows[4:]
    if not data:
        raise bad(path, None, "no data rows", "empty")
    times = np.empty(len(data))
    values = np.empty((len(data), len(columns)))
    for r, (line, row) in enumerate(data):
        check_width(path, line, row, width)
        times[r] = number(path, line, "unix_timestamp", row[0])
        if math.isnan(times[r]):
            raise bad(path, line, "missing unix_timestamp")
        values[r] = [number(path, line, "/".join(columns[j]), c) for j, c in enumerate(row[1:])]
    if np.any(np.diff(times) <= 0):
        raise bad(path, None, "unix_timestamp rows are not strictly increasing")
    return Table(path, columns, times, values)


def read_target(path: Path) -> Symptom:
    """The symptom from target.json's `target` (node, metric, timestamp); nothing else is read."""
    if not path.is_file():
        raise bad(path, None, "no such file", "missing_file")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(
            path, getattr(exc, "lineno", None), f"not valid JSON: {exc}", "unparsable"
        ) from exc
    target = doc.get("target") if isinstance(doc, dict) else None
    if not isinstance(target, dict):
        raise bad(path, None, "missing object 'target'", "missing_field")
    node, metric, ts = target.get("node"), target.get("metric"), target.get("timestamp")
    if not isinstance(node, str) or not node:
        raise bad(path, None, "target.node must be a non-empty string", "missing_field")
    if metric is not None and not isinstance(metric, str):
        raise bad(path, None, "target.metric must be a string", "type_error")
    if isinstance(ts, bool) or not isinstance(ts, int | float) or not math.isfinite(ts):
        raise bad(path, None, "target.timestamp must be a number (unix seconds)", "missing_field")
    return Symptom(node, metric, float(ts))


def read_graph(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """(nodes, caller->callee edges) of an adjacency-matrix CSV (row calls column when != 0)."""
    rows = read_rows(path)
    head_line, header = rows[0]
    nodes = [h.strip() for h in header[1:]]
    check_unique(path, head_line, nodes)
    edges: list[tuple[str, str]] = []
    for line, row in rows[1:]:
        check_width(path, line, row, len(header))
        src = row[0].strip()
        if src not in nodes:
            raise bad(path, line, f"unknown node {src!r} (not in the header row)", "unknown_node")
        for j, cell in enumerate(row[1:]):
            v = number(path, line, nodes[j], cell)
            if not math.isnan(v) and v != 0.0:
                edges.append((src, nodes[j]))
    return nodes, edges


def _pick_statistics(table: Table, preferred: str | None) -> list[int]:
    """One statistic per (node, metric): the symptom's aggregation if present, else the first."""
    chosen: dict[tuple[str, str], int] = {}
    for j, (node, metric, stat) in enumerate(table.columns):
        key = (node, metric)
        if key not in chosen or (preferred and stat == preferred):
            chosen[key] = j
    return sorted(chosen.values())


def build_petshop_case(
    table: Table,
    symptom: Symptom,
    *,
    normal: Table | None,
    nodes: list[str] | None = None,
    edges: list[tuple[str, str]] | None = None,
    agg: str | None = "Average",
    name: str = "",
) -> Case:
    """A case from a metrics table around `symptom.at`; `normal` is the no-issue table or None."""
    step = float(np.median(np.diff(table.times))) if len(table.times) > 1 else 300.0
    at = symptom.at if symptom.at is not None else float(table.times[0])
    before = table.times + step <= at
    case = Case(
        series=[], nodes=list(nodes or []), edges=list(edges or []), symptom=symptom, name=name
    )
    if before.all():
        raise bad(table.path, None, f"target time {at:.0f} is after the last bin")
    n_index = {c: j for j, c in enumerate(normal.columns)} if normal is not None else {}
    dropped, local_only = 0, 0
    for j in _pick_statistics(table, agg):
        node, metric, stat = table.columns[j]
        col = table.values[:, j]
        recent, anomalous = col[before], col[~before]
        if normal is not None and table.columns[j] in n_index:
            base, rec = normal.values[:, n_index[table.columns[j]]], recent
        else:
            base, rec = recent, None
            local_only += 1
        if not np.isfinite(anomalous).any() or not (
            np.isfinite(base).any() or (rec is not None and np.isfinite(rec).any())
        ):
            dropped += 1
            continue
        if not np.isfinite(base).any():  # no normal data for this series: local level only
            base, rec = rec if rec is not None else base, None
        label = f"{metric}:{stat}"
        case.series.append(
            Series(node, label, base, anomalous, table.times[~before], kind_of(metric), rec)
        )
    _attach_samples(case)
    if normal is None:
        case.warnings.append(
            "no noissue/metrics.csv: the bins before the target are the normal period"
        )
    elif local_only:
        case.warnings.append(
            f"{local_only} series missing from the no-issue data: pre-onset bins used"
        )
    if dropped:
        case.warnings.append(f"{dropped} series with no usable values dropped")
    known = set(case.nodes) | {s.ci for s in case.series}
    if symptom.ci not in known:
        raise bad(
            table.path,
            None,
            f"target node {symptom.ci!r} is neither in the graph nor in the metrics",
            "unknown_node",
        )
    return case


def _attach_samples(case: Case) -> None:
    """Give each availability/error series the request counts of its node (sampling floor)."""
    counts = {
        s.ci: s.anomalous for s in case.series if s.kind is MetricKind.traffic and s.anomalous.shape
    }
    for i, s in enumerate(case.series):
        if s.kind in (MetricKind.availability, MetricKind.errors) and s.ci in counts:
            if counts[s.ci].shape == s.anomalous.shape:
                case.series[i] = replace(s, samples=counts[s.ci])


def load_petshop(issue: Path) -> Case:
    """A PetShop issue folder (…/<scenario>/<split>/issue_N)."""
    issue = Path(issue)
    symptom = read_target(issue / "target.json")
    table = read_petshop_metrics(issue / "metrics.csv")
    scenario = issue.parent.parent
    nodes: list[str] = []
    edges: list[tuple[str, str]] = []
    notes: list[str] = []
    if (scenario / "graph.csv").is_file():
        nodes, edges = read_graph(scenario / "graph.csv")
    else:
        notes.append(f"no {scenario / 'graph.csv'}: ranking without a dependency graph")
    normal_path = scenario / "noissue" / "metrics.csv"
    normal = read_petshop_metrics(normal_path) if normal_path.is_file() else None
    case = build_petshop_case(
        table, symptom, normal=normal, nodes=nodes, edges=edges, name=str(issue)
    )
    case.warnings.extend(notes)
    return case


def load_case(path: Path, fmt: str) -> Case:
    """Dispatch on the format name used by `aiops rca --format`."""
    if fmt == "sockshop":
        return load_sockshop(path)
    if fmt == "petshop":
        return load_petshop(path)
    if fmt == "native":
        return load_native(path)
    raise InvalidInput(f"unknown case format {fmt!r}; use native, sockshop or petshop")


__all__ = [
    "Table",
    "build_petshop_case",
    "load_case",
    "load_petshop",
    "load_sockshop",
    "read_graph",
    "read_wide",
    "read_petshop_metrics",
    "read_target",
    "split_column",
]
