from __future__ import annotations

from pathlib import Path

from aiops.cmdb.export import to_dot, to_mermaid
from aiops.cmdb.loader import load_cmdb
from aiops.model.cmdb import Cmdb

SULU = load_cmdb(Path(__file__).resolve().parents[2] / "examples" / "sulu" / "cmdb.yaml")


def test_dot_has_a_cluster_per_service_and_an_edge_per_relation():
    dot = to_dot(SULU)
    assert dot.startswith("digraph cmdb {")
    assert dot.count("subgraph cluster_") == 1
    assert '"sulu-app" -> "sulu-db" [label="depends_on"];' in dot
    assert '"sulu-app" -> "sulu-host" [label="runs_on", style=dashed];' in dot
    assert dot.count(" -> ") == len(SULU.relations)


def test_dot_highlights_and_escapes_names():
    cmdb = Cmdb.model_validate({"cis": [{"name": "a", "type": "app", "description": 'x"y'}]})
    dot = to_dot(cmdb, highlight=["a"])
    assert '"a" [label="a\\n(app)", style=filled' in dot
    assert "subgraph" not in dot  # a CI of no service is drawn at top level


def test_mermaid_uses_generated_ids_and_labels_the_relation():
    text = to_mermaid(SULU, highlight=["sulu-db"])
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  subgraph s0["sulu"]' in lines
    assert '    n2["sulu-db<br/>database"]' in lines
    assert "  n1 -->|depends_on| n2" in lines
    assert "  n0 -.->|runs_on| n5" in lines
    assert lines[-1] == "  class n2 affected"


def test_only_restricts_the_graph_to_a_part():
    text = to_mermaid(SULU, only={"sulu-app", "sulu-db"})
    assert text.count("-->") == 1 and "sulu-web" not in text
    dot = to_dot(SULU, only=set())
    assert " -> " not in dot


def test_empty_cmdb_exports_an_empty_graph():
    assert to_mermaid(Cmdb()) == "flowchart LR\n"
    assert to_dot(Cmdb()).endswith("}\n")
