"""The dependency graph as text: Graphviz DOT and Mermaid (the control site renders Mermaid).

CIs are grouped in a box per service; `highlight` marks the CIs of an incident and
`only` restricts the drawing to a part of the graph (see `Topology.subgraph`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from aiops.model.cmdb import Cmdb, ConfigurationItem, Relation, RelationType

_NO_SERVICE = ""
_MERMAID_ARROW = {
    RelationType.depends_on: "-->",
    RelationType.runs_on: "-.->",
    RelationType.connects_to: "---",
}


def _selected(
    cmdb: Cmdb, only: Collection[str] | None
) -> tuple[dict[str, list[ConfigurationItem]], list[Relation]]:
    """CIs grouped by service (in file order) and the relations among them."""
    keep = {c.name for c in cmdb.cis if only is None or c.name in only}
    groups: dict[str, list[ConfigurationItem]] = {}
    for ci in cmdb.cis:
        if ci.name in keep:
            groups.setdefault(ci.service or _NO_SERVICE, []).append(ci)
    rels = [r for r in cmdb.relations if r.source in keep and r.target in keep]
    return groups, rels


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(
    cmdb: Cmdb, *, highlight: Iterable[str] = (), only: Collection[str] | None = None
) -> str:
    """Graphviz DOT text; render with `dot -Tsvg`."""
    hot = set(highlight)
    groups, rels = _selected(cmdb, only)
    out = ["digraph cmdb {", "  rankdir=LR;", '  node [shape=box, fontname="sans-serif"];']
    for n, (service, cis) in enumerate(groups.items()):
        indent = "  "
        if service != _NO_SERVICE:
            out.append(f"  subgraph cluster_{n} {{")
            out.append(f"    label={_dot_str(service)};")
            indent = "    "
        for ci in cis:
            label = ci.name + "\n(" + ci.type + ")"
            attrs = f"label={_dot_str(label)}"
            if ci.name in hot:
                attrs += ', style=filled, fillcolor="#ffd6d6", color="#c00000"'
            out.append(f"{indent}{_dot_str(ci.name)} [{attrs}];")
        if service != _NO_SERVICE:
            out.append("  }")
    for r in rels:
        style = ", style=dashed" if r.type is RelationType.runs_on else ""
        out.append(
            f"  {_dot_str(r.source)} -> {_dot_str(r.target)} [label={_dot_str(r.type)}{style}];"
        )
    out.append("}")
    return "\n".join(out) + "\n"


def _mermaid_label(text: str) -> str:
    # Mermaid labels are quoted; quotes and angle brackets are written as entities.
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(
    cmdb: Cmdb, *, highlight: Iterable[str] = (), only: Collection[str] | None = None
) -> str:
    """Mermaid `flowchart` text. Node ids are generated (n0, n1, ...) as names may hold `-`/`.`."""
    hot = set(highlight)
    groups, rels = _selected(cmdb, only)
    ids: dict[str, str] = {}
    out = ["flowchart LR"]
    for n, (service, cis) in enumerate(groups.items()):
        indent = "  "
        if service != _NO_SERVICE:
            out.append(f'  subgraph s{n}["{_mermaid_label(service)}"]')
            indent = "    "
        for ci in cis:
            ids[ci.name] = f"n{len(ids)}"
            out.append(f'{indent}{ids[ci.name]}["{_mermaid_label(ci.name)}<br/>{ci.type}"]')
        if service != _NO_SERVICE:
            out.append("  end")
    for r in rels:
        out.append(f"  {ids[r.source]} {_MERMAID_ARROW[r.type]}|{r.type}| {ids[r.target]}")
    marked = [ids[name] for name in ids if name in hot]
    if marked:
        out.append("  classDef affected fill:#ffd6d6,stroke:#c00000,stroke-width:2px")
        out.append(f"  class {','.join(marked)} affected")
    return "\n".join(out) + "\n"


__all__ = ["to_dot", "to_mermaid", "to_yaml"]


def to_yaml(cmdb: Cmdb) -> str:
    """`cmdb.yaml` text for the stored CMDB (what `aiops cmdb export` writes back)."""
    import io

    from ruamel.yaml import YAML

    doc = cmdb.model_dump(mode="json", exclude_defaults=True)
    for s in doc.get("services", []):
        if "service_window" in s:  # written back in the short form the loader reads
            s["service_window"] = str(
                next(x for x in cmdb.services if x.name == s["name"]).service_window
            )
    out = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(doc, out)
    return out.getvalue()
