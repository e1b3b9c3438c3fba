"""The sockshop and petshop loaders: right answer on good data, a clear error on bad data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rca_factories import write_petshop, write_sockshop

from aiops.diagnose import load_petshop, load_sockshop, rank
from aiops.diagnose.loaders import load_case, split_column
from aiops.errors import InvalidInput

DATASETS = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"


def test_column_names_map_to_services_generically() -> None:
    assert split_column("carts-db_cpu") == ("carts-db", "cpu")
    assert split_column("carts_lat_90") == ("carts", "lat_90")
    assert split_column("frontend") == ("frontend", "value")


def test_sockshop_case_ranks_the_hot_service_first(tmp_path: Path) -> None:
    case = load_sockshop(write_sockshop(tmp_path / "c", fault="svc3"))
    assert rank(case)[0].ci == "svc3"
    assert {s.ci for s in case.series} == {"svc1", "svc2", "svc3"}


@pytest.mark.skipif(
    not (DATASETS / "sockshop" / "carts-cpu" / "1").is_dir(), reason="Sock Shop data not present"
)
def test_real_sockshop_case_ranks_carts_first() -> None:
    case = load_sockshop(DATASETS / "sockshop" / "carts-cpu" / "1")
    top = rank(case)[0]
    assert (top.ci, top.metric) == ("carts", "cpu")


def _edit(path: Path, line: int, new: str) -> None:
    lines = path.read_text().splitlines()
    lines[line - 1] = new
    path.write_text("\n".join(lines) + "\n")


def _error(fn, *args) -> str:
    with pytest.raises(InvalidInput) as info:
        fn(*args)
    return str(info.value)


def test_sockshop_bad_number_names_file_line_and_column(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c")
    row = (folder / "anomalous.csv").read_text().splitlines()[4].split(",")
    row[2] = "abc"
    _edit(folder / "anomalous.csv", 5, ",".join(row))
    msg = _error(load_sockshop, folder)
    assert "anomalous.csv:5:" in msg and "'svc2_cpu'" in msg and "'abc' is not a number" in msg


def test_sockshop_ragged_row_is_an_error(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c")
    _edit(folder / "normal.csv", 3, "1,2,3")
    assert "normal.csv:3: expected 7 fields" in _error(load_sockshop, folder)


def test_sockshop_missing_column_is_named(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c")
    lines = (folder / "anomalous.csv").read_text().splitlines()
    cut = [",".join(line.split(",")[:-1]) for line in lines]
    (folder / "anomalous.csv").write_text("\n".join(cut) + "\n")
    assert "missing column(s) ['svc3_mem']" in _error(load_sockshop, folder)


def test_sockshop_missing_time_column_is_named(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c")
    text = (folder / "normal.csv").read_text().replace("time,", "when,", 1)
    (folder / "normal.csv").write_text(text)
    assert "missing column 'time'" in _error(load_sockshop, folder)


@pytest.mark.parametrize(
    ("content", "expected"),
    [("", "empty file"), ("time,svc1_cpu\n", "no data rows"), ('time,"a\n1,2\n', "malformed CSV")],
    ids=["empty", "header-only", "unterminated-quote"],
)
def test_sockshop_empty_or_malformed_file(tmp_path: Path, content: str, expected: str) -> None:
    folder = write_sockshop(tmp_path / "c")
    (folder / "normal.csv").write_text(content)
    assert expected in _error(load_sockshop, folder)


def test_sockshop_missing_file(tmp_path: Path) -> None:
    assert "normal.csv: no such file" in _error(load_sockshop, tmp_path)


def test_sockshop_empty_series_is_dropped_with_a_warning(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c")
    lines = (folder / "normal.csv").read_text().splitlines()
    blanked = [lines[0]] + [",".join(r.split(",")[:-1] + [""]) for r in lines[1:]]
    (folder / "normal.csv").write_text("\n".join(blanked) + "\n")
    case = load_sockshop(folder)
    assert "svc3_mem" not in {f"{s.ci}_{s.metric}" for s in case.series}
    assert any("svc3_mem" in w for w in case.warnings)
    assert rank(case)[0].ci == "svc2"


def test_sockshop_constant_series_is_kept_and_harmless(tmp_path: Path) -> None:
    folder = write_sockshop(tmp_path / "c")
    for name in ("normal.csv", "anomalous.csv"):
        lines = (folder / name).read_text().splitlines()
        fixed = [lines[0]] + [",".join(r.split(",")[:-1] + ["5"]) for r in lines[1:]]
        (folder / name).write_text("\n".join(fixed) + "\n")
    assert rank(load_sockshop(folder))[0].ci == "svc2"


def test_petshop_issue_blames_the_deepest_slow_node(tmp_path: Path) -> None:
    case = load_petshop(write_petshop(tmp_path, slow="Db"))
    assert [c.ci for c in rank(case)][0] == "Db"
    assert case.symptom is not None and case.symptom.ci == "Front"


def test_petshop_never_reads_root_cause_or_metadata(tmp_path: Path) -> None:
    issue = write_petshop(tmp_path, slow="Search")
    before = [c.as_dict() for c in rank(load_petshop(issue))]
    doc = json.loads((issue / "target.json").read_text())
    doc["root_cause"] = {"node": "Front"}
    doc["metadata"] = "garbage"
    (issue / "target.json").write_text(json.dumps(doc))
    assert [c.as_dict() for c in rank(load_petshop(issue))] == before
    assert before[0]["ci"] == "Search"


def test_petshop_without_noissue_degrades_to_pre_onset_bins(tmp_path: Path) -> None:
    case = load_petshop(write_petshop(tmp_path, slow="Search", noissue=False))
    assert any("no noissue" in w for w in case.warnings)
    assert rank(case)[0].ci == "Search"


def test_petshop_without_graph_degrades_with_a_warning(tmp_path: Path) -> None:
    case = load_petshop(write_petshop(tmp_path, slow="Db", graph=False))
    assert case.edges == [] and any("graph.csv" in w for w in case.warnings)


def test_petshop_graph_with_unknown_node_is_an_error(tmp_path: Path) -> None:
    issue = write_petshop(tmp_path)
    graph = tmp_path / "scen" / "graph.csv"
    _edit(graph, 3, "Ghost,0.0,0.0,1.0")
    assert "graph.csv:3: unknown node 'Ghost'" in _error(load_petshop, issue)


def test_petshop_graph_cycle_is_a_warning_not_an_error(tmp_path: Path) -> None:
    issue = write_petshop(tmp_path, slow="Db")
    _edit(tmp_path / "scen" / "graph.csv", 4, "Db,1.0,0.0,0.0")  # Db calls Front
    case = load_petshop(issue)
    assert rank(case)[0].ci == "Db"
    assert any("cycles" in w for w in case.warnings)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("{", "not valid JSON"),
        ('{"root_cause": {"node": "Db"}}', "missing object 'target'"),
        ('{"target": {"node": "Front", "timestamp": "soon"}}', "target.timestamp must be a number"),
        ('{"target": {"node": "Nobody", "timestamp": 1700864550}}', "target node 'Nobody'"),
    ],
    ids=["broken-json", "no-target", "bad-time", "unknown-node"],
)
def test_petshop_bad_target(tmp_path: Path, doc: str, expected: str) -> None:
    issue = write_petshop(tmp_path)
    (issue / "target.json").write_text(doc)
    assert expected in _error(load_petshop, issue)


def test_petshop_bad_metrics_header(tmp_path: Path) -> None:
    issue = write_petshop(tmp_path)
    _edit(issue / "metrics.csv", 2, "measure,a,b,c,d,e,f,g,h,i")
    assert "4-row header" in _error(load_petshop, issue)


def test_unknown_format_is_an_error(tmp_path: Path) -> None:
    assert "unknown case format" in _error(load_case, tmp_path, "csv")
