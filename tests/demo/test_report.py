"""The report is computed from the store and the injection log (no processes here)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aiops.config import Settings
from aiops.correlate.commands import change_state
from aiops.demo import report
from aiops.demo.injections import Injection
from aiops.demo.report import OPERATOR, percentile, windows
from aiops.model import EventKind, EventStatus, IncidentState, Severity
from aiops.normalize import make_event
from aiops.runtime import Runtime
from aiops.store.repos.incidents import IncidentRepo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sulu"
T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


@pytest.fixture
def rt(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = Clock()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'aiops.db'}", config_dir=EXAMPLES)
    runtime = Runtime(settings, clock=clock)
    yield runtime
    runtime.close()


def alert(
    rt: Runtime, name: str, t: float, status: str = "firing", service: str = "sulu",
    source: str = "rules",
) -> None:  # fmt: skip
    rt.clock.now = at(t)  # type: ignore[attr-defined]
    ev = make_event(
        source=source, kind=EventKind.alert, occurred_at=at(t), now=at(t), service=service,
        ci=f"{service}-app", severity=Severity.error, status=EventStatus(status),
        summary=f"{name} on {service}", labels={"alertname": name, "service": service},
        fingerprint=f"{source}:{name}:{service}",
    )  # fmt: skip
    rt.process([ev])


def close_out(rt: Runtime, t: float) -> None:
    rt.clock.now = at(t)  # type: ignore[attr-defined]
    with rt.sessions.begin() as s:
        repo = IncidentRepo(s)
        from aiops.store.tables import IncidentRow

        ids = [r.id for r in s.query(IncidentRow).filter(IncidentRow.state != "closed")]
        for iid in ids:
            for to in (IncidentState.resolved, IncidentState.closed):
                change_state(repo, iid, to, actor=OPERATOR, now=at(t))


def inj(t: float, scenario: str, step: str, fault: str | None = None) -> Injection:
    return Injection(at(t), scenario, step, fault, {"ratio": 0.3} if fault else {})


def _error_burst() -> list[Injection]:
    """An error-burst injected at 0 s, cleared at 6 s, its window closed at 22 s."""
    steps = ((0, "start"), (0, "inject"), (6, "clear"), (22, "end"))
    return [inj(t, "error-burst", step, "error-burst") for t, step in steps]


def test_a_detected_and_recovered_fault(rt: Runtime) -> None:
    alert(rt, "SuluErrorLogBurst", 5)
    alert(rt, "SuluErrorLogBurst", 20, "resolved")
    close_out(rt, 21)
    with rt.sessions() as s:
        doc = report.build(s, _error_burst(), time_scale=0.2)
    (r,) = doc["scenarios"]
    assert r["detected"] and r["recovered"]
    assert r["first_alert"] == "SuluErrorLogBurst"
    assert r["mttd_s"] == 5.0 and r["mttd_real_s"] == 25.0
    assert r["time_to_recover_s"] == 14.0
    assert r["incident_id"] and r["incident_priority"] is not None
    assert doc["totals"]["ok"] and report.exit_code(doc) == 0
    assert doc["totals"]["mttd_p95_s"] == 5.0 and doc["totals"]["time_scale"] == 0.2


def test_a_detectors_mttd_is_real_already_only_the_rules_run_compressed(rt: Runtime) -> None:
    alert(rt, "Anomaly error_ratio", 4, source="detectors")
    alert(rt, "Anomaly error_ratio", 20, "resolved", source="detectors")
    close_out(rt, 21)
    with rt.sessions() as s:
        doc = report.build(s, _error_burst(), time_scale=0.2)
    (r,) = doc["scenarios"]
    assert r["first_alert_source"] == "detectors"
    assert r["mttd_s"] == 4.0 and r["mttd_real_s"] == 4.0
    assert doc["totals"]["mttd_p95_real_s"] == 4.0


def test_an_incident_not_mitigated_before_the_operator_is_not_recovered(rt: Runtime) -> None:
    alert(rt, "SuluHealthCheckFailing", 7)
    close_out(rt, 30)  # the alert never resolved: the operator closed it
    alert(rt, "SuluHealthCheckFailing", 31, "resolved")
    log = [inj(0, "stop", "start"), inj(0, "stop", "inject", "stop"), inj(8, "stop", "clear", "stop"),
           inj(32, "stop", "end")]  # fmt: skip
    with rt.sessions() as s:
        (r,) = report.build(s, log, time_scale=0.2)["scenarios"]
    assert r["detected"] and not r["recovered"] and r["time_to_recover_s"] is None


def test_an_undetected_fault_fails_the_run(rt: Runtime) -> None:
    alert(rt, "OtherServiceDown", 5, service="billing")  # not sulu: does not count
    log = [inj(0, "memory-leak", "start"), inj(0, "memory-leak", "inject", "memory-leak"),
           inj(60, "memory-leak", "clear", "memory-leak"), inj(61, "memory-leak", "end")]  # fmt: skip
    with rt.sessions() as s:
        doc = report.build(s, log, time_scale=0.2)
    (r,) = doc["scenarios"]
    assert not r["detected"] and r["mttd_s"] is None and r["first_alert"] is None
    assert doc["totals"]["undetected"] == 1 and doc["totals"]["undetected_faults"] == [
        "memory-leak"
    ]
    assert report.exit_code(doc) == 1


def test_an_alert_after_the_clear_is_not_a_detection(rt: Runtime) -> None:
    alert(rt, "SuluHighLatencyP95", 70)
    log = [inj(0, "cpu-hog", "start"), inj(0, "cpu-hog", "inject", "cpu-hog"),
           inj(60, "cpu-hog", "clear", "cpu-hog"), inj(90, "cpu-hog", "end")]  # fmt: skip
    with rt.sessions() as s:
        (r,) = report.build(s, log, time_scale=0.2)["scenarios"]
    assert not r["detected"]


def test_incidents_in_a_no_fault_period_are_false_incidents(rt: Runtime) -> None:
    alert(rt, "SuluHighErrorRatio", 10)
    log = [inj(0, "none", "start"), inj(40, "none", "end")]
    with rt.sessions() as s:
        doc = report.build(s, log, time_scale=0.2)
    assert doc["totals"]["false_incidents"] == 1 and doc["scenarios"][0]["false_incidents"] == 1
    assert report.exit_code(doc) == 1


def test_a_quiet_no_fault_period_passes(rt: Runtime) -> None:
    alert(rt, "SuluHighErrorRatio", 50)  # after the period
    log = [inj(0, "none", "start"), inj(40, "none", "end")]
    with rt.sessions() as s:
        doc = report.build(s, log, time_scale=0.2)
    assert doc["totals"]["false_incidents"] == 0 and report.exit_code(doc) == 0
    assert doc["totals"]["mttd_p95_s"] is None


def test_report_files_state_the_time_scale_and_the_undetected(tmp_path: Path, rt: Runtime) -> None:
    log = [inj(0, "memory-leak", "start"), inj(0, "memory-leak", "inject", "memory-leak"),
           inj(60, "memory-leak", "clear", "memory-leak"), inj(61, "memory-leak", "end")]  # fmt: skip
    with rt.sessions() as s:
        doc = report.build(s, log, time_scale=0.25, meta={"seed": 3})
    jpath, mpath = report.write(doc, tmp_path / "out")
    assert json.loads(jpath.read_text())["totals"]["time_scale"] == 0.25
    md = mpath.read_text()
    assert "Time scale 0.25" in md and "real-equivalent" in md
    assert "## Not detected" in md and "memory-leak" in md and "FAIL" in md


def test_windows_split_the_log_per_scenario_run() -> None:
    log = [inj(0, "stop", "start"), inj(1, "stop", "inject", "stop"), inj(2, "stop", "clear", "stop"),
           inj(3, "stop", "end"), inj(4, "stop", "start"), inj(9, "stop", "end")]  # fmt: skip
    ws = windows(log)
    assert len(ws) == 2
    assert ws[0].injected_at == at(1) and ws[0].cleared_at == at(2) and ws[0].ended_at == at(3)
    assert ws[1].injected_at is None and ws[1].ended_at == at(9)


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 95) is None
    assert percentile([3.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 21)], 95) == 19.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0


def test_a_recurring_alert_counts_from_its_new_incident_not_its_first_sighting(rt: Runtime) -> None:
    alert(rt, "SuluHealthCheckFailing", 5)
    alert(rt, "SuluHealthCheckFailing", 10, "resolved")
    close_out(rt, 11)
    alert(rt, "SuluHealthCheckFailing", 107)  # the same alert, a new incident
    log = [inj(0, "stop", "start"), inj(0, "stop", "inject", "stop"), inj(9, "stop", "clear", "stop"),
           inj(12, "stop", "end"), inj(100, "db-pool-exhaustion", "start"),
           inj(100, "db-pool-exhaustion", "inject", "db-pool-exhaustion"),
           inj(160, "db-pool-exhaustion", "clear", "db-pool-exhaustion"),
           inj(161, "db-pool-exhaustion", "end")]  # fmt: skip
    with rt.sessions() as s:
        a, b = report.build(s, log, time_scale=0.2)["scenarios"]
    assert a["detected"] and b["detected"] and a["incident_id"] != b["incident_id"]
    assert b["mttd_s"] == 7.0 and b["incident_opened_at"] == at(107).isoformat()


def test_the_simulators_answer_after_a_fix_is_kept_per_window() -> None:
    log = [inj(0, "slow-db", "start"), inj(0, "slow-db", "inject", "slow-db"),
           Injection(at(30), "slow-db", "checked", "slow-db", {"fault_active": 1.0}),
           inj(31, "slow-db", "clear", "slow-db"), inj(40, "slow-db", "end"),
           inj(41, "stop", "start"), inj(41, "stop", "inject", "stop"),
           inj(50, "stop", "clear", "stop"), inj(60, "stop", "end")]  # fmt: skip
    first, second = windows(log)
    assert first.fault_active_after_fix is True  # the change held, the fault did not go
    assert second.fault_active_after_fix is None  # nobody asked


def test_an_analyzer_a_change_beat_to_the_fault_is_preempted_not_a_miss(rt: Runtime) -> None:
    """The detectors alerted at 5 s, the agents' restart held at 20 s; the memory rule
    (which needs 24 s of high memory) never had the chance to fire."""
    from aiops.model.itsm import Autonomy, Change, ChangeState, ChangeType
    from aiops.store.repos.itsm import SqlItsmRepo

    rt.clock.now = at(5)  # type: ignore[attr-defined]
    ev = make_event(source="detectors", kind=EventKind.signal, occurred_at=at(5), now=at(5),
                    service="sulu", ci="sulu-app", severity=Severity.error,
                    status=EventStatus.firing, summary="resident memory above normal",
                    labels={"alertname": "Anomaly rss"}, fingerprint="det:rss")  # fmt: skip
    (iid,) = rt.process([ev]).incidents_opened
    change = Change(id="CHG-1", incident_id=iid, runbook="sulu-restart", params_hash="h",
                    type=ChangeType.standard, state=ChangeState.succeeded, requested_by="agent",
                    autonomy=Autonomy.autonomous, created_at=at(6), updated_at=at(20),
                    started_at=at(8), ended_at=at(20))  # fmt: skip
    with rt.sessions.begin() as s:
        SqlItsmRepo(s).add_change(change)
    close_out(rt, 30)
    log = [inj(0, "memory-leak", "start"), inj(0, "memory-leak", "inject", "memory-leak"),
           Injection(at(21), "memory-leak", "checked", "memory-leak", {"fault_active": 0.0}),
           inj(22, "memory-leak", "clear", "memory-leak"), inj(31, "memory-leak", "end")]  # fmt: skip
    with rt.sessions() as s:
        doc = report.build(s, log, time_scale=0.2, analyzers=["rules", "detectors"])
    (r,) = doc["scenarios"]
    assert r["resolved_by_change"] and r["fix_confirmed"] is True
    assert r["by_analyzer"]["rules"]["preempted"] and not r["by_analyzer"]["detectors"]["preempted"]
    rules = doc["totals"]["by_analyzer"]["rules"]
    assert (rules["undetected"], rules["preempted"]) == (0, 1)
