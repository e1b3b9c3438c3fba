"""The native case format: one JSON document, as the incident path will write it.

    {
      "name": "INC-42",
      "series": [{"ci": "db", "metric": "latency", "normal": [1, 1.1, ...],
                  "anomalous": [5, 6, ...], "times": [1700000000, ...], "recent": [...]}],
      "nodes": ["web", "api", "db"],                  # optional; edges may only name these
      "edges": [["web", "api"], ["api", "db"]],       # caller -> callee, optional
      "symptom": {"ci": "web", "metric": "latency", "at": 1700000000},   # optional
      "changes": [{"ci": "db", "at": 1699999000, "summary": "deploy v2"}],
      "logs": [{"ci": "db", "template": "ERROR pool exhausted <*>", "new": true, "count": 3}],
      "known_errors": [{"id": "KE-7", "title": "pool exhaustion", "pattern": "pool exhausted"}]
    }

`metric`'s kind (latency, errors, availability, cpu, memory, traffic) is guessed from its
name unless `kind` is given. `CASE` may be the file or a folder holding `case.json`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiops.diagnose.case import (
    Case,
    Change,
    KnownError,
    LogSignal,
    MetricKind,
    Series,
    Symptom,
    kind_of,
)
from aiops.diagnose.tables import MAX_BYTES, bad
from aiops.errors import ErrorDetail, InvalidInput

Num = float | None  # JSON null is a missing point
NonEmpty = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeriesDoc(_Strict):
    ci: NonEmpty
    metric: NonEmpty
    kind: MetricKind | None = None
    normal: list[Num] = Field(min_length=1)
    anomalous: list[Num] = Field(min_length=1)
    times: list[float] | None = None
    recent: list[Num] | None = None


class SymptomDoc(_Strict):
    ci: NonEmpty
    metric: str | None = None
    at: float | None = None


class ChangeDoc(_Strict):
    ci: NonEmpty
    at: float
    summary: str = ""


class LogDoc(_Strict):
    ci: NonEmpty
    template: NonEmpty
    at: float | None = None
    new: bool = True
    count: int = Field(default=1, ge=1)


class KnownErrorDoc(_Strict):
    id: NonEmpty
    title: str = ""
    pattern: NonEmpty
    ci: str | None = None


class CaseDoc(_Strict):
    name: str = ""
    series: list[SeriesDoc] = Field(min_length=1)
    nodes: list[NonEmpty] = Field(default_factory=list)
    edges: list[tuple[NonEmpty, NonEmpty]] = Field(default_factory=list)
    symptom: SymptomDoc | None = None
    changes: list[ChangeDoc] = Field(default_factory=list)
    logs: list[LogDoc] = Field(default_factory=list)
    known_errors: list[KnownErrorDoc] = Field(default_factory=list)


def _arr(values: list[float | None] | None) -> np.ndarray | None:
    if values is None:
        return None
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def case_from_doc(doc: CaseDoc) -> Case:
    """Build the Case and check what pydantic cannot: times length, finite values, nodes."""
    problems: list[ErrorDetail] = []
    series: list[Series] = []
    for i, s in enumerate(doc.series):
        normal, anomalous = _arr(s.normal), _arr(s.anomalous)
        assert normal is not None and anomalous is not None
        if s.times is not None and len(s.times) != len(s.anomalous):
            problems.append(
                ErrorDetail(("series", i, "times"), "must have one time per anomalous point")
            )
        for part, arr in (("normal", normal), ("anomalous", anomalous)):
            if np.isinf(arr).any():
                problems.append(ErrorDetail(("series", i, part), "values must be finite"))
        times = np.array(s.times, dtype=float) if s.times is not None else None
        kind = s.kind or kind_of(s.metric)
        series.append(Series(s.ci, s.metric, normal, anomalous, times, kind, _arr(s.recent)))
    if doc.nodes:
        known = set(doc.nodes)
        for i, (a, b) in enumerate(doc.edges):
            for end, n in (("caller", a), ("callee", b)):
                if n not in known:
                    problems.append(
                        ErrorDetail(("edges", i, end), f"unknown node {n!r}", "unknown_node")
                    )
    if problems:
        raise InvalidInput("invalid case", problems, code="invalid_case")
    symptom = Symptom(doc.symptom.ci, doc.symptom.metric, doc.symptom.at) if doc.symptom else None
    return Case(
        series=series,
        edges=[(a, b) for a, b in doc.edges],
        nodes=list(doc.nodes),
        symptom=symptom,
        changes=[Change(c.ci, c.at, c.summary) for c in doc.changes],
        logs=[LogSignal(g.ci, g.template, g.at, g.new, g.count) for g in doc.logs],
        known_errors=[KnownError(k.id, k.title, k.pattern, k.ci) for k in doc.known_errors],
        name=doc.name,
    )


def load_native(path: Path) -> Case:
    path = Path(path)
    if path.is_dir():
        path = path / "case.json"
    if not path.is_file():
        raise bad(path, None, "no such file", "missing_file")
    if path.stat().st_size > MAX_BYTES:
        raise bad(path, None, f"file larger than {MAX_BYTES} bytes", "too_large")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad(
            path, getattr(exc, "lineno", None), f"not valid JSON: {exc}", "unparsable"
        ) from exc
    try:
        doc = CaseDoc.model_validate(raw)
    except ValidationError as exc:
        details = [ErrorDetail(tuple(e["loc"]), e["msg"], e["type"]) for e in exc.errors()]
        raise InvalidInput(f"{path}: invalid case", details, code="invalid_case") from None
    try:
        case = case_from_doc(doc)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: invalid case", exc.errors, code="invalid_case") from None
    case.name = case.name or str(path)
    return case


__all__ = ["CaseDoc", "case_from_doc", "load_native"]
