"""What the live demo showed: faults back to back, detectors alerting within seconds,
alerts of an earlier fault firing again into a new incident, and short histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sulu_faults import FAULT_AT, FAULTS, changes_for, incident_for, scrape

from aiops.cmdb import load_cmdb
from aiops.diagnose.episode import episode_start
from aiops.diagnose.incident import IncidentInputs, diagnose, onset_of, split_at, suspect_changes
from aiops.diagnose.recent import RawSeries
from aiops.model import Event, EventKind, EventStatus
from aiops.model.changes import ChangeRecord

CMDB = load_cmdb(Path(__file__).resolve().parents[2] / "examples" / "sulu" / "cmdb.yaml")


def _at(t: float) -> datetime:
    return datetime.fromtimestamp(t, tz=UTC)


def _event(t: float, fp: str, status: EventStatus = EventStatus.firing) -> Event:
    return Event(
        id=f"{fp}-{t}",
        source="detectors",
        kind=EventKind.signal,
        occurred_at=_at(t),
        received_at=_at(t),
        status=status,
        fingerprint=fp,
    )


def _change(cid: str, at: float, old: str, new: str) -> ChangeRecord:
    return ChangeRecord(
        id=cid,
        ci="sulu-app",
        kind="deploy",
        summary=f"sulu {old} -> {new}",
        diff={"version": [old, new]},
        at=_at(at),
    )


def _short(fault: str, *, history_s: float, delay_s: float) -> tuple[list[RawSeries], datetime]:
    """The scrape cut to `history_s` before the fault; the first alert `delay_s` after it."""
    keep_from = FAULT_AT - history_s
    raw = [
        RawSeries(r.name, r.labels, r.ci, [p for p in r.points if p[0] >= keep_from])
        for r in scrape(fault)
    ]
    return raw, _at(FAULT_AT + delay_s)


def _incident(fault: str, first: datetime, **kw: object) -> IncidentInputs:
    inc, alerts = incident_for(fault)
    alerts = [a.model_copy(update={"first_seen": first, "last_seen": first}) for a in alerts]
    return IncidentInputs(inc.model_copy(update={"opened_at": first}), alerts, cmdb=CMDB, **kw)  # type: ignore[arg-type]


def test_a_platform_up_for_46_s_still_has_a_normal_period_to_compare_with() -> None:
    raw, first = _short("slow-db", history_s=40.0, delay_s=6.0)
    inputs = _incident("slow-db", first, series=raw)
    assert split_at(inputs, first) > FAULT_AT - 40.0 + 20.0  # most of the history is normal
    doc = diagnose(inputs, now=first + timedelta(seconds=2))
    assert doc["candidates"][0]["ci"] == "sulu-db"
    assert "nothing to rank" not in doc["summary"]


def test_a_stopped_service_is_ranked_from_its_health_series_within_seconds() -> None:
    raw, first = _short("stop", history_s=40.0, delay_s=6.0)
    doc = diagnose(_incident("stop", first, series=raw), now=first + timedelta(seconds=2))
    assert doc["candidates"][0]["ci"] == "sulu-app"
    assert doc["summary"].startswith("sulu-app (")


def test_every_fault_family_ranks_its_cause_first_when_detected_within_seconds() -> None:
    wrong = {}
    for fault, (_, _, truth) in FAULTS.items():
        if fault == "db-pool-exhaustion":
            continue  # see _GAPS in test_incident_stage
        raw, first = _short(fault, history_s=120.0, delay_s=6.0)
        doc = diagnose(
            _incident(fault, first, series=raw, changes=changes_for(fault)),
            now=first + timedelta(seconds=4),
        )
        top = doc["candidates"][0]["ci"] if doc["candidates"] else None
        if top != truth:
            wrong[fault] = top
    assert wrong == {}


def test_a_deploy_rolled_back_before_the_onset_is_not_blamed_minutes_later() -> None:
    # error-burst: bad deploy, then its rollback; a minute later the external API hangs
    deploy = _change("c1", FAULT_AT - 120.0, "1.4.2", "1.5.0")
    rollback = _change("c2", FAULT_AT - 100.0, "1.5.0", "1.4.2")
    raw, first = _short("dependency-timeout", history_s=300.0, delay_s=6.0)
    doc = diagnose(
        _incident("dependency-timeout", first, series=raw, changes=[deploy, rollback]),
        now=first + timedelta(seconds=4),
    )
    assert doc["candidates"][0]["ci"] == "sulu-external-api"
    assert "deploy" not in doc["summary"]
    assert doc["changes"] == []


def test_a_change_reverted_after_the_onset_stays_the_suspect_and_its_revert_does_not() -> None:
    onset = _at(FAULT_AT + 60.0)
    bad = _change("c1", FAULT_AT - 1.0, "1.4.2", "1.5.0")
    fix = _change("c2", FAULT_AT + 90.0, "1.5.0", "1.4.2")
    assert suspect_changes([fix, bad], onset) == [bad]
    assert suspect_changes([bad, fix], _at(FAULT_AT + 120.0)) == []


def test_an_unrelated_later_change_is_not_a_revert() -> None:
    a = _change("c1", FAULT_AT - 100.0, "1.4.2", "1.5.0")
    b = _change("c2", FAULT_AT - 50.0, "1.5.0", "1.6.0")
    assert suspect_changes([a, b], _at(FAULT_AT)) == [a, b]


def test_the_onset_is_the_latest_episode_not_an_old_alert_firing_again() -> None:
    # the stop fault's probe alert fired at T, resolved; it fires again into a new
    # incident 200 s later, keeping its old first_seen
    old = FAULT_AT - 200.0
    events = [
        _event(old, "probe"),
        _event(old + 5.0, "probe", EventStatus.resolved),
        _event(FAULT_AT + 6.0, "latency"),
        _event(FAULT_AT + 7.0, "probe"),
    ]
    inputs = _incident("slow-db", _at(old), events=events)
    assert episode_start(events) == _at(FAULT_AT + 6.0)
    assert onset_of(inputs) == _at(FAULT_AT + 6.0)


def test_an_episode_without_its_resolve_still_ends_after_a_long_quiet_gap() -> None:
    events = [_event(0.0, "a"), _event(1000.0, "b")]
    assert episode_start(events) == _at(1000.0)
    assert episode_start([]) is None
    assert episode_start([_event(5.0, "a", EventStatus.resolved)]) is None


def test_the_bad_release_deployed_again_after_its_rollback_is_a_suspect_again() -> None:
    """deploy 1.5.0, rollback to 1.4.2, deploy 1.5.0 again: the third change looks like
    an undo of the rollback, but it brings back the bad release."""
    first = _change("c1", FAULT_AT - 300.0, "1.4.2", "1.5.0")
    rollback = _change("c2", FAULT_AT - 280.0, "1.5.0", "1.4.2")
    again = _change("c3", FAULT_AT - 5.0, "1.4.2", "1.5.0")
    assert suspect_changes([first, rollback, again], _at(FAULT_AT)) == [again]
    fix = _change("c4", FAULT_AT + 30.0, "1.5.0", "1.4.2")  # and its own rollback later
    assert suspect_changes([first, rollback, again, fix], _at(FAULT_AT)) == [again]
    assert suspect_changes([first, rollback, again, fix], _at(FAULT_AT + 60.0)) == []
