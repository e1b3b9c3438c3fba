"""The scorer: a fault at the end of a call chain is blamed on the end, not on its callers."""

from __future__ import annotations

import json

import numpy as np
from rca_factories import T0, chain_case, noise, series

from aiops.diagnose import Change, KnownError, LogSignal, has_root_cause, rank
from aiops.diagnose.case import Case, Series, Symptom


def _names(case: Case) -> list[str]:
    return [c.ci for c in rank(case)]


def test_fault_at_the_end_of_the_chain_ranks_first() -> None:
    # c is slow; b and a are slow because they wait for it, and a is even slower in z terms
    case = chain_case({"a": 4.0, "b": 3.5, "c": 3.0})
    assert _names(case)[0] == "c"


def test_without_the_graph_the_largest_anomaly_wins() -> None:
    case = chain_case({"a": 10.0, "b": 3.5, "c": 3.0}, edges=False)
    assert _names(case)[0] == "a"


def test_fault_in_the_middle_is_blamed_on_the_middle() -> None:
    case = chain_case({"a": 3.0, "b": 3.0})
    assert _names(case)[0] == "b"


def test_symptom_is_its_own_root_cause_when_its_callees_are_normal() -> None:
    assert _names(chain_case({"a": 3.0}))[0] == "a"


def test_node_the_symptom_does_not_call_is_demoted() -> None:
    case = chain_case({"a": 3.0, "b": 3.0})
    case.series.append(series("z", "latency", 0.1, 3.3, seed=9))  # unrelated, a bit larger
    case.nodes.append("z")
    assert _names(case)[0] == "b"


def test_every_candidate_has_ci_score_and_evidence() -> None:
    out = [c.as_dict() for c in rank(chain_case({"c": 3.0}))]
    assert [c["ci"] for c in out][0] == "c"
    for c in out:
        assert isinstance(c["score"], float) and c["evidence"]
    top = " ".join(out[0]["evidence"])
    assert "robust z" in top and "onset" in top and "downstream of the symptom a" in top
    json.dumps(out)  # serialisable as is


def test_recent_change_breaks_a_tie_between_equal_anomalies() -> None:
    case = chain_case({"b": 3.0, "c": 3.0}, edges=False)
    case.symptom = None
    case.changes = [Change("b", T0 - 600, "deploy v2")]
    ranked = rank(case)
    assert ranked[0].ci == "b"
    assert any("change: deploy v2" in e for e in ranked[0].evidence)


def test_old_change_is_ignored() -> None:
    case = chain_case({"c": 3.0}, edges=False)
    case.changes = [Change("b", T0 - 30 * 86400, "ancient deploy")]
    assert _names(case)[0] == "c"


def test_new_error_log_and_known_error_raise_a_quiet_ci() -> None:
    case = chain_case({}, edges=False)
    case.logs = [LogSignal("b", "ERROR connection refused to <*>", T0)]
    case.known_errors = [KnownError("KE-9", "db refuses connections", "connection refused")]
    top = rank(case)[0]
    assert top.ci == "b"
    assert any(e.startswith("known error KE-9") for e in top.evidence)


def test_normal_data_reports_no_root_cause() -> None:
    assert not has_root_cause(rank(chain_case({})))
    assert has_root_cause(rank(chain_case({"c": 3.0})))


def test_cycles_are_tolerated_and_reported() -> None:
    case = chain_case({"c": 3.0})
    case.edges.append(("c", "a"))
    assert _names(case)[0] == "c"
    assert any("cycles" in w for w in case.warnings)


def test_graph_node_without_metrics_is_still_a_candidate() -> None:
    case = chain_case({"c": 3.0})
    case.nodes.append("cache")
    case.edges.append(("c", "cache"))
    assert "cache" in _names(case)


def test_empty_or_nan_series_do_not_crash_the_ranking() -> None:
    case = chain_case({"c": 3.0})
    s = case.series[0]
    case.series[0] = type(s)(s.ci, s.metric, np.full(5, np.nan), np.full(3, np.nan), None, s.kind)
    assert _names(case)[0] == "c"


def test_limit_cuts_the_list() -> None:
    assert len(rank(chain_case({"c": 3.0}), limit=1)) == 1


def test_symptom_unknown_to_the_graph_still_ranks() -> None:
    case = chain_case({"c": 3.0})
    case.symptom = Symptom("elsewhere", "latency", T0)
    assert _names(case)[0] == "c"


def test_a_callees_slowness_explains_its_callers_failures() -> None:
    """The vendor hangs (latency), the app's calls to it fail with 504 (errors): one
    family, the call's outcome, so the vendor ranks first though the app fails louder."""
    case = Case(
        series=[series("app", "http_errors", 0.01, 400.0, 1), series("vendor", "latency", 0.1, 8.0, 2)],
        nodes=["app", "vendor"],
        edges=[("app", "vendor")],
        symptom=Symptom("app", "latency", T0),
    )  # fmt: skip
    assert [c.ci for c in rank(case)] == ["vendor", "app"]


def test_virtual_memory_is_no_memory_pressure() -> None:
    from aiops.diagnose.case import MetricKind, kind_of

    assert kind_of("process_virtual_memory_bytes") is MetricKind.other
    assert kind_of("process_resident_memory_bytes") is MetricKind.memory


def _late(ci: str, metric: str, level: float, factor: float, seed: int, late: int) -> Series:
    """Like `series`, but the first `late` anomalous points are still normal."""
    s = series(ci, metric, level, factor, seed)
    anomalous = s.anomalous.copy()
    anomalous[:late] = noise(late, level, seed + 2000)
    return Series(ci, metric, s.normal, anomalous, s.times, s.kind)


def _cpu_hog(db_late: int) -> Case:
    """The app's CPU is saturated; every query it times to its database looks slow, the
    database louder (23x) than the app's own latency (11x)."""
    return Case(
        series=[
            series("app", "cpu_seconds", 0.02, 28.0, 1),
            series("app", "latency", 0.001, 11.0, 2),
            _late("db", "query_latency", 0.0008, 23.0, 3, db_late),
        ],
        nodes=["app", "db"],
        edges=[("app", "db")],
        symptom=Symptom("app", "latency", T0),
    )


def test_a_cpu_starved_caller_explains_the_slowness_it_measures_of_its_callee() -> None:
    assert _names(_cpu_hog(db_late=2)) == ["app", "db"]
    top = rank(_cpu_hog(db_late=2))[0]
    assert top.metric == "cpu_seconds" or any("cpu_seconds" in e for e in top.evidence)


def test_a_callee_slow_before_its_caller_saturated_is_not_explained_by_it() -> None:
    """Saturation that comes after the callee went slow did not cause it."""
    case = _cpu_hog(db_late=0)
    case.series[0] = _late("app", "cpu_seconds", 0.02, 28.0, 1, 3)
    assert _names(case)[0] == "db"
