"""The affected part of the CMDB graph, laid out in layers for an inline SVG (no JS, no CDN).

Layer = hops along dependencies from the CIs nothing in the drawing depends on (web
left, app, then db/cache/host right); rows in CMDB order. Incident CIs are marked, the
top root-cause candidate more strongly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiops.cmdb.topology import Topology

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 150, 34, 60, 16, 8


@dataclass(frozen=True)
class Node:
    name: str
    type: str
    x: int
    y: int
    mark: str  # "", "affected", "cause"


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    dashed: bool
    label: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def layout(topo: Topology, around: Iterable[str], cause: str | None) -> Drawing | None:
    hot = {c for c in around if c in topo}
    if cause in topo:
        hot.add(cause)  # type: ignore[arg-type]
    if not hot:
        return None
    keep = topo.subgraph(hot, max_hops=1)
    order = [c for c in topo.cis if c in keep]
    edges = [(a, t, b) for a, t, b in topo.edges() if a in keep and b in keep]
    layer = {c: 0 for c in order}
    for _ in range(len(order)):  # longest path, bounded: cycles stop growing at len(order)
        moved = False
        for a, _t, b in edges:
            if layer[b] < layer[a] + 1 and layer[a] + 1 < len(order):
                layer[b], moved = layer[a] + 1, True
        if not moved:
            break
    rows: dict[int, int] = {}
    nodes: dict[str, Node] = {}
    for c in order:
        row = rows.get(layer[c], 0)
        rows[layer[c]] = row + 1
        mark = "cause" if c == cause else "affected" if c in hot else ""
        kind = topo._graph.nodes[c].get("type", "")  # noqa: SLF001 - read-only view
        nodes[c] = Node(
            c, kind, PAD + layer[c] * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y), mark
        )
    lines = []
    for a, t, b in edges:
        na, nb = nodes[a], nodes[b]
        lines.append(
            Edge(
                na.x + BOX_W,
                na.y + BOX_H // 2,
                nb.x,
                nb.y + BOX_H // 2,
                t.value == "runs_on",
                t.value,
            )
        )
    width = PAD * 2 + (max(layer.values()) + 1) * (BOX_W + GAP_X) - GAP_X
    height = PAD * 2 + max(rows.values()) * (BOX_H + GAP_Y) - GAP_Y
    return Drawing(width, height, list(nodes.values()), lines)


__all__ = ["Drawing", "layout"]
