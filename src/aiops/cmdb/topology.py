"""The CMDB as a graph: who belongs to which service, how far apart two CIs are.

Edges follow `cmdb.yaml`: `app depends_on db` is the edge app → db. "Downstream" of a
CI is what it needs (app → db, host); "upstream" is who needs it, i.e. who suffers when
it breaks. Correlation uses undirected hop counts; root-cause analysis walks the
directions. Cycles are allowed (two services calling each other happen).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from aiops.model.cmdb import Cmdb, RelationType

Edge = tuple[str, RelationType, str]  # (source, type, target) as written in the CMDB


class Topology:
    """Read-only graph view of a `Cmdb`; `Topology()` is the empty one (no CMDB loaded)."""

    def __init__(self, cmdb: Cmdb | None = None) -> None:
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._service_of: dict[str, str | None] = {}
        self._services: set[str] = set()
        self._hops: dict[str, dict[str, int]] = {}  # BFS results per source, filled lazily
        if cmdb is not None:
            self._build(cmdb)
        self._undirected = nx.Graph(self._graph)

    def _build(self, cmdb: Cmdb) -> None:
        self._services = {s.name for s in cmdb.services}
        for ci in cmdb.cis:
            self._graph.add_node(ci.name, type=ci.type)
            self._service_of[ci.name] = ci.service
        for rel in cmdb.relations:
            # The loader rejects unknown endpoints; a hand-built Cmdb may not have.
            for end in (rel.source, rel.target):
                self._service_of.setdefault(end, None)
            self._graph.add_edge(rel.source, rel.target, key=rel.type, type=rel.type)

    def __contains__(self, ci: object) -> bool:
        return ci in self._graph

    def __len__(self) -> int:
        return int(self._graph.number_of_nodes())

    @property
    def cis(self) -> list[str]:
        return list(self._graph.nodes)

    @property
    def services(self) -> frozenset[str]:
        return frozenset(self._services)

    def edges(self) -> list[Edge]:
        return [(a, t, b) for a, b, t in self._graph.edges(keys=True)]

    def service_of(self, ci: str | None) -> str | None:
        """The service a CI belongs to; None for an unknown CI or one with no service."""
        return self._service_of.get(ci) if ci is not None else None

    def cis_of(self, service: str) -> list[str]:
        return [ci for ci, s in self._service_of.items() if s == service]

    def _hops_from(self, ci: str) -> dict[str, int]:
        hops = self._hops.get(ci)
        if hops is None:
            hops = dict(nx.single_source_shortest_path_length(self._undirected, ci))
            self._hops[ci] = hops
        return hops

    def distance(self, ci_a: str | None, ci_b: str | None) -> int | None:
        """Undirected hops between two CIs; None when either is unknown or they are not connected."""
        if ci_a is None or ci_b is None or ci_a not in self._graph or ci_b not in self._graph:
            return None
        return self._hops_from(ci_a).get(ci_b)

    def neighbours(self, ci: str, max_hops: int = 1) -> dict[str, int]:
        """CIs within `max_hops` (undirected) of `ci`, with their distance; `ci` itself excluded."""
        if ci not in self._graph:
            return {}
        return {n: d for n, d in self._hops_from(ci).items() if 0 < d <= max_hops}

    def path(self, ci_a: str, ci_b: str) -> list[Edge]:
        """One shortest undirected path as CMDB edges, each in its written direction."""
        if self.distance(ci_a, ci_b) is None:
            return []
        nodes = nx.shortest_path(self._undirected, ci_a, ci_b)
        return [self._edge_between(a, b) for a, b in zip(nodes, nodes[1:], strict=False)]

    def _edge_between(self, a: str, b: str) -> Edge:
        for src, dst in ((a, b), (b, a)):
            data = self._graph.get_edge_data(src, dst)
            if data:
                return (src, min(data), dst)  # min: deterministic when several types
        raise KeyError((a, b))  # unreachable: path() only asks for adjacent nodes

    def downstream(self, ci: str, max_hops: int | None = None) -> dict[str, int]:
        """What `ci` needs, following edges forward (app → db → host), with hop counts."""
        return self._directed(self._graph, ci, max_hops)

    def upstream(self, ci: str, max_hops: int | None = None) -> dict[str, int]:
        """Who needs `ci`, following edges backward: the CIs a failure of `ci` can reach."""
        return self._directed(self._graph.reverse(copy=False), ci, max_hops)

    @staticmethod
    def _directed(graph: nx.MultiDiGraph, ci: str, max_hops: int | None) -> dict[str, int]:
        if ci not in graph:
            return {}
        hops = nx.single_source_shortest_path_length(graph, ci, cutoff=max_hops)
        return {n: d for n, d in hops.items() if d > 0}

    def subgraph(self, around: Iterable[str], max_hops: int = 1) -> set[str]:
        """The CIs in `around` plus their neighbours: the "affected part" an incident page draws."""
        keep = {ci for ci in around if ci in self._graph}
        for ci in list(keep):
            keep.update(self.neighbours(ci, max_hops))
        return keep


__all__ = ["Edge", "Topology"]
