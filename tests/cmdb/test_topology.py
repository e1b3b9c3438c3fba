from __future__ import annotations

from pathlib import Path

import pytest

from aiops.cmdb.loader import load_cmdb
from aiops.cmdb.topology import Topology
from aiops.model.cmdb import Cmdb

SULU = Path(__file__).resolve().parents[2] / "examples" / "sulu" / "cmdb.yaml"


@pytest.fixture(scope="module")
def sulu() -> Topology:
    return Topology(load_cmdb(SULU))


def _cmdb(*edges: tuple[str, str, str], services: dict[str, str] | None = None) -> Cmdb:
    names = sorted({e[0] for e in edges} | {e[2] for e in edges} | set(services or {}))
    return Cmdb.model_validate(
        {
            "services": [{"name": s} for s in sorted(set((services or {}).values()))],
            "cis": [{"name": n, "type": "app", "service": (services or {}).get(n)} for n in names],
            "relations": [{"source": a, "type": t, "target": b} for a, t, b in edges],
        }
    )


def test_service_of_known_unknown_and_none(sulu):
    assert sulu.service_of("sulu-db") == "sulu"
    assert sulu.service_of("nope") is None
    assert sulu.service_of(None) is None


@pytest.mark.parametrize(
    ("a", "b", "hops"),
    [
        ("sulu-app", "sulu-app", 0),
        ("sulu-app", "sulu-db", 1),
        ("sulu-db", "sulu-app", 1),  # undirected
        ("sulu-web", "sulu-db", 2),
        ("sulu-external-api", "sulu-host", 2),
    ],
)
def test_distance_counts_undirected_hops(sulu, a, b, hops):
    assert sulu.distance(a, b) == hops


def test_distance_is_none_for_unknown_or_unconnected_cis():
    topo = Topology(_cmdb(("a", "depends_on", "b"), ("c", "depends_on", "d")))
    assert topo.distance("a", "c") is None
    assert topo.distance("a", "zz") is None
    assert topo.distance(None, "a") is None


def test_empty_topology_knows_nothing():
    topo = Topology()
    assert len(topo) == 0
    assert topo.distance("a", "a") is None
    assert topo.neighbours("a", 3) == {}
    assert topo.downstream("a") == {} and topo.upstream("a") == {}
    assert topo.path("a", "b") == []


def test_neighbours_within_max_hops_exclude_the_ci_itself(sulu):
    assert sulu.neighbours("sulu-db", 1) == {"sulu-app": 1, "sulu-host": 1}
    two = sulu.neighbours("sulu-db", 2)
    assert two["sulu-web"] == 2 and "sulu-db" not in two


def test_downstream_is_what_a_ci_needs_and_upstream_who_needs_it(sulu):
    assert sulu.downstream("sulu-app", 1) == {
        "sulu-db": 1,
        "sulu-cache": 1,
        "sulu-external-api": 1,
        "sulu-host": 1,
    }
    assert sulu.upstream("sulu-db") == {"sulu-app": 1, "sulu-web": 2}
    assert sulu.upstream("sulu-web") == {}


def test_cycles_are_tolerated():
    topo = Topology(
        _cmdb(("a", "depends_on", "b"), ("b", "depends_on", "c"), ("c", "depends_on", "a"))
    )
    assert topo.downstream("a") == {"b": 1, "c": 2}
    assert topo.upstream("a") == {"c": 1, "b": 2}
    assert topo.distance("a", "c") == 1


def test_path_gives_edges_in_their_written_direction(sulu):
    assert sulu.path("sulu-db", "sulu-web") == [
        ("sulu-app", "depends_on", "sulu-db"),
        ("sulu-web", "depends_on", "sulu-app"),
    ]


def test_two_relation_types_between_the_same_cis_keep_one_distance():
    topo = Topology(_cmdb(("a", "depends_on", "b"), ("a", "connects_to", "b")))
    assert topo.distance("a", "b") == 1
    assert len(topo.edges()) == 2


def test_subgraph_is_the_cis_and_their_neighbours(sulu):
    assert sulu.subgraph(["sulu-cache"], 1) == {"sulu-cache", "sulu-app", "sulu-host"}
    assert sulu.subgraph(["unknown"]) == set()


def test_cis_of_a_service(sulu):
    assert len(sulu.cis_of("sulu")) == 6
    assert sulu.cis_of("other") == []


def test_hand_built_cmdb_with_a_dangling_relation_is_tolerated():
    cmdb = Cmdb.model_validate(
        {
            "cis": [{"name": "a", "type": "app"}],
            "relations": [{"source": "a", "type": "runs_on", "target": "ghost"}],
        }
    )
    topo = Topology(cmdb)
    assert topo.distance("a", "ghost") == 1
    assert topo.service_of("ghost") is None
