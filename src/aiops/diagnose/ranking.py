"""Rank root-cause candidates for a case: which CI, which metric, and why.

score(v) = (metric(v) x (1 - EXPLAIN x explained(v)) + bonus(v)) x support(v)
- metric: the strongest kind-weighted robust z of the CI's metrics on a log scale;
  bonus: a recent change (more when minutes before the onset), new error log
  templates, a matching known error (`evidence.Finding.bonus`);
- explained: how much of it the CI's most anomalous callee accounts for on the same
  family of metric (a victim of its callee ranks below it), family by family, the
  strongest remainder counting; fully when a caller of the CI changed minutes before
  the CI went anomalous (a config or deploy changes how a service uses what it calls:
  the callee's anomaly is the change's consequence); and fully for call outcomes when
  a caller's CPU was saturated first (a starved caller times its calls slow);
- support: 1 when the symptom calls the CI through anomalous hops (or it is the
  symptom), less when only through a normal hop or not at all (`graph.reach`).
With no graph or no symptom the last two factors are 1: the ranking is by anomaly.
Ties go to the earlier onset. `confidence` = 1 - exp(-score / 2), in [0, 1): a large
anomaly on a CI the symptom does not (anomalously) reach, or that its callee explains,
is not confident; under `NO_ROOT_CAUSE_BELOW` a caller should say "no root cause
found" (the specificity figure of bench/rca.py uses this threshold).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from aiops.diagnose.case import Case, MetricKind
from aiops.diagnose.evidence import Finding, family, findings, sentences
from aiops.diagnose.graph import EXPLAIN, Reach, call_graph, cycles, explained, reach, support

CONFIDENCE_SCALE = 2.0  # confidence = 1 - exp(-score / CONFIDENCE_SCALE)
NO_ROOT_CAUSE_BELOW = 0.5  # top confidence under this: report "no root cause"


@dataclass(frozen=True)
class Candidate:
    """One root-cause candidate: the CI, its score, and the evidence for it."""

    ci: str
    score: float
    confidence: float
    metric: str | None = None
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ci": self.ci,
            "score": round(self.score, 6),
            "confidence": round(self.confidence, 4),
        }
        if self.metric is not None:
            out["metric"] = self.metric
        out["evidence"] = list(self.evidence)
        return out


def confidence(score: float) -> float:
    return 1.0 - math.exp(-max(score, 0.0) / CONFIDENCE_SCALE)


def _position(
    ci: str, how: Reach, hops: int | None, graph: nx.DiGraph, fs: dict[str, Finding], sym: str
) -> str:
    if how is Reach.no_graph:
        return ""
    anomalous = {c for c, f in fs.items() if f.anomaly > 0}
    callers = sorted(p for p in graph.predecessors(ci) if p in anomalous) if ci in graph else []
    callees = sorted(c for c in graph.successors(ci) if c in anomalous) if ci in graph else []
    where = {
        Reach.symptom: "graph: the symptom CI itself",
        Reach.anomalous_path: f"graph: {hops} hop(s) downstream of the symptom {sym}, "
        "every hop between them anomalous",
        Reach.normal_path: f"graph: {hops} hop(s) downstream of the symptom {sym}, "
        "but through a normal CI (demoted)",
        Reach.unreached: f"graph: not called, even indirectly, by the symptom {sym} (demoted)",
    }[how]
    where += "; anomalous callers: " + (", ".join(callers) if callers else "none")
    where += "; anomalous callees: " + (", ".join(callees) if callees else "none")
    return where


def _unexplained(ci: str, graph: nx.DiGraph, fs: dict[str, Finding]) -> float:
    """The metric evidence of `ci` that nothing else accounts for, family by family (a
    callee's latency explains this CI's latency, not its CPU), the strongest of what is left.

    All of it is a consequence when a caller changed minutes before `ci` went anomalous;
    its call outcomes are when a caller's CPU was saturated first (the starved caller
    measured them: `Finding.saturated_by`).
    """
    f = fs[ci]
    if ci not in graph:
        return f.metric_anomaly
    callers = [fs[p] for p in graph.predecessors(ci) if p in fs and p != ci]
    changed = any(p.recent_change_before(f.onset) for p in callers)
    starved = any(p.saturated_by(f.onset) for p in callers)
    best = 0.0
    for fam in f.families:
        own = f.family_anomaly(fam)
        below = {c: fs[c].family_anomaly(fam) for c in graph.successors(ci) if c in fs}
        share, _ = explained(graph, ci, own, below)
        if changed or (starved and fam is family(MetricKind.latency)):
            share = 1.0
        best = max(best, own * (1.0 - EXPLAIN * share))
    return best


def rank(case: Case, *, limit: int | None = None) -> list[Candidate]:
    """Candidates best first; every CI of the case appears unless `limit` cuts the list."""
    fs = findings(case)
    graph = call_graph(case.nodes or case.cis(), case.edges, strict_nodes=bool(case.nodes))
    loops = cycles(graph)
    if loops:
        case.warnings.append(
            "dependency graph has cycles (kept: each CI is reached at its shortest distance): "
            + "; ".join(" -> ".join(c + c[:1]) for c in loops)
        )
    anomaly = {ci: f.anomaly for ci, f in fs.items()}
    symptom = case.symptom.ci if case.symptom else None
    use_graph = symptom is not None and graph.number_of_edges() > 0
    reached: dict[str, tuple[Reach, int]] = {}
    if use_graph and symptom is not None:
        passable = {ci for ci, f in fs.items() if f.anomaly > 0 or not f.metrics}
        reached = reach(graph, symptom, passable)
    raw: dict[str, float] = {}
    how: dict[str, tuple[Reach, int | None]] = {}
    for ci in fs:
        if use_graph:
            h, hops = reached.get(ci, (Reach.unreached, None))
            # A callee explains metrics away, not a change or an error log on this CI.
            raw[ci] = (_unexplained(ci, graph, fs) + fs[ci].bonus) * support(h)
            how[ci] = (h, hops)
        else:
            raw[ci] = anomaly[ci]
            how[ci] = (Reach.no_graph, None)
    onsets = sorted(f.onset for f in fs.values() if f.onset is not None)
    # rank = 1 + CIs anomalous strictly earlier (ties share a rank)
    onset_rank = {
        ci: 1 + sum(t < f.onset for t in onsets) for ci, f in fs.items() if f.onset is not None
    }
    order = sorted(
        fs,
        key=lambda ci: (-raw[ci], fs[ci].onset if fs[ci].onset is not None else math.inf, ci),
    )
    out: list[Candidate] = []
    for ci in order[:limit] if limit else order:
        f = fs[ci]
        top = f.metrics[0][0].metric if f.metrics else None
        text = sentences(
            f,
            onset_rank=onset_rank.get(ci),
            n_onsets=len(onsets),
            position=_position(ci, *how[ci], graph, fs, symptom or ""),
        )
        out.append(Candidate(ci, raw[ci], confidence(raw[ci]), top, text))
    return out


def has_root_cause(candidates: list[Candidate]) -> bool:
    """False when nothing stands out: the top candidate's confidence is under the threshold."""
    return bool(candidates) and candidates[0].confidence >= NO_ROOT_CAUSE_BELOW


__all__ = ["NO_ROOT_CAUSE_BELOW", "Candidate", "confidence", "has_root_cause", "rank"]
