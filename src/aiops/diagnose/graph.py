"""Position in the dependency graph: can this CI explain the symptom, and is it explained?

Edges are caller -> callee ("u depends on c"). A slow or failing callee makes its
callers slow or failing too, so a fault spreads *upstream*, hop by hop, to the
symptom. Ranking by magnitude alone then often blames a caller (or the symptom
itself) for its callee's fault. Two graph facts correct that:

- support: a CI explains the symptom when the symptom calls it, directly or through
  intermediate CIs that are themselves anomalous (or unmeasured): every hop of a
  propagation path shows the fault. Reached only through a normal intermediate, or
  not reached at all, it gets a smaller factor (the graph may be incomplete, so we
  demote rather than drop).
- explained away: an anomalous CI whose callee is at least as anomalous on the same
  family of metric is probably a victim of that callee; its score is reduced.

Together they move the blame to the deepest anomalous CI on a path from the symptom.
(A personalised PageRank on the reversed graph was tried first: its stationary mass
piles up in sink nodes however weakly anomalous they are, e.g. a storage service
every backend calls; the explicit rule is steadier and easier to explain.)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from enum import StrEnum

import networkx as nx

from aiops.errors import ErrorDetail, InvalidInput

EXPLAIN = 0.5  # score kept by a CI whose callee is at least as anomalous: 1 - EXPLAIN
SUPPORT_PARTIAL = 0.5  # reached from the symptom only through a normal intermediate
SUPPORT_NONE = 0.25  # not reached from the symptom at all


class Reach(StrEnum):
    symptom = "symptom"
    anomalous_path = "anomalous_path"  # every intermediate hop anomalous or unmeasured
    normal_path = "normal_path"  # reached, but only through a normal intermediate
    unreached = "unreached"
    no_graph = "no_graph"


def call_graph(
    nodes: Iterable[str], edges: Iterable[tuple[str, str]], *, strict_nodes: bool = True
) -> nx.DiGraph:
    """The call graph; with `strict_nodes`, an edge naming a node not in `nodes` is an error."""
    graph = nx.DiGraph()
    known = list(nodes)
    graph.add_nodes_from(known)
    problems: list[ErrorDetail] = []
    for i, (caller, callee) in enumerate(edges):
        for end, name in (("caller", caller), ("callee", callee)):
            if strict_nodes and known and name not in graph:
                problems.append(
                    ErrorDetail(("edges", i, end), f"unknown node {name!r}", "unknown_node")
                )
        graph.add_edge(caller, callee)
    if problems:
        raise InvalidInput("dependency graph names unknown nodes", problems, code="invalid_graph")
    return graph


def cycles(graph: nx.DiGraph, limit: int = 3) -> list[list[str]]:
    """Up to `limit` cycles, for a warning (self-loops included)."""
    found: list[list[str]] = []
    for cycle in nx.simple_cycles(graph):
        found.append(cycle)
        if len(found) >= limit:
            break
    return found


def reach(graph: nx.DiGraph, symptom: str, passable: set[str]) -> dict[str, tuple[Reach, int]]:
    """(how, hops) for every CI the symptom calls: a BFS that first walks only `passable` CIs.

    Cycles are harmless: each CI is settled once, at its shortest hop count.
    """
    out: dict[str, tuple[Reach, int]] = {symptom: (Reach.symptom, 0)}
    if symptom not in graph:
        return out
    for how, allowed in ((Reach.anomalous_path, passable), (Reach.normal_path, None)):
        queue = deque([(symptom, 0)])
        seen = {symptom}
        while queue:
            node, hops = queue.popleft()
            if node != symptom and allowed is not None and node not in allowed:
                continue  # reached, but the fault cannot have passed through here
            for callee in graph.successors(node):
                if callee in seen:
                    continue
                seen.add(callee)
                out.setdefault(callee, (how, hops + 1))
                queue.append((callee, hops + 1))
    return out


def support(how: Reach) -> float:
    if how is Reach.normal_path:
        return SUPPORT_PARTIAL
    if how is Reach.unreached:
        return SUPPORT_NONE
    return 1.0


def explained(
    graph: nx.DiGraph, ci: str, own: float, callee_anomaly: Mapping[str, float]
) -> tuple[float, str | None]:
    """(share of `ci`'s anomaly `own` that its most anomalous callee accounts for, that callee).

    `callee_anomaly` must measure the callees on the same family of metric as `own` (a
    callee's latency explains its caller's latency, not its errors). The share is
    squared so that a weakly anomalous callee barely dents a strongly anomalous caller.
    """
    if own <= 0 or ci not in graph:
        return 0.0, None
    best, who = 0.0, None
    for callee in graph.successors(ci):
        if callee != ci and callee_anomaly.get(callee, 0.0) > best:
            best, who = callee_anomaly[callee], callee
    return min(1.0, best / own) ** 2, who


__all__ = ["EXPLAIN", "Reach", "call_graph", "cycles", "explained", "reach", "support"]
