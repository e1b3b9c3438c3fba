from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aiops.correlate.dedup import DedupOutcome, apply_event
from aiops.model import EventStatus, Severity

T0 = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=1)


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def test_first_firing_event_creates_a_firing_alert(make_event):
    res = apply_event(make_event(), None, now=NOW, new_id="ALR-9")
    assert res.outcome is DedupOutcome.new
    assert res.before is None
    a = res.alert
    assert (a.id, a.fingerprint, a.name, a.state) == ("ALR-9", "fp-1", "HighLatency", "firing")
    assert (a.first_seen, a.last_seen, a.count, a.resolved_at) == (T0, T0, 1, None)
    assert (a.service, a.ci, a.severity) == ("sulu", "sulu-app", Severity.error)


def test_same_fingerprint_updates_last_seen_and_count_only(make_event, make_alert):
    existing = make_alert(count=3)
    res = apply_event(make_event(occurred_at=at(60)), existing, now=NOW, new_id="unused")
    assert res.outcome is DedupOutcome.repeat
    assert res.before == existing
    assert res.alert.id == "ALR-1"
    assert (res.alert.first_seen, res.alert.last_seen, res.alert.count) == (T0, at(60), 4)
    assert res.alert.state is EventStatus.firing


def test_newer_repeat_takes_the_latest_severity_and_summary(make_event, make_alert):
    ev = make_event(occurred_at=at(60), severity="critical", summary="p99 above 5 s")
    res = apply_event(ev, make_alert(), now=NOW, new_id="x")
    assert res.alert.severity is Severity.critical
    assert res.alert.summary == "p99 above 5 s"


def test_older_repeat_moves_first_seen_back_but_not_last_seen(make_event, make_alert):
    existing = make_alert(first_seen=at(100), last_seen=at(200), severity="critical")
    res = apply_event(make_event(occurred_at=at(50)), existing, now=NOW, new_id="x")
    assert res.outcome is DedupOutcome.repeat
    assert (res.alert.first_seen, res.alert.last_seen) == (at(50), at(200))
    assert res.alert.severity is Severity.critical  # a stale event does not describe the alert


def test_resolved_event_resolves_a_firing_alert(make_event, make_alert):
    ev = make_event(status="resolved", occurred_at=at(120))
    res = apply_event(ev, make_alert(), now=NOW, new_id="x")
    assert res.outcome is DedupOutcome.resolved
    assert res.alert.state is EventStatus.resolved
    assert res.alert.resolved_at == at(120)
    assert res.alert.last_seen == at(120)


def test_firing_event_after_resolution_refires_the_alert(make_event, make_alert):
    existing = make_alert(state="resolved", resolved_at=at(120), last_seen=at(120))
    res = apply_event(make_event(occurred_at=at(300)), existing, now=NOW, new_id="x")
    assert res.outcome is DedupOutcome.refired
    assert res.alert.state is EventStatus.firing
    assert res.alert.resolved_at is None
    assert (res.alert.last_seen, res.alert.count) == (at(300), 2)


def test_resolution_for_unknown_fingerprint_is_resolved_unknown(make_event):
    ev = make_event(status="resolved", occurred_at=at(30))
    res = apply_event(ev, None, now=NOW, new_id="ALR-2")
    assert res.outcome is DedupOutcome.resolved_unknown
    assert res.alert.state is EventStatus.resolved
    assert res.alert.resolved_at == at(30)
    assert res.alert.incident_id is None


def test_late_resolution_does_not_resolve_an_alert_that_fired_again_later(make_event, make_alert):
    # fired at 0, resolved at 100 (delivered late), fired again at 200 (delivered first)
    existing = make_alert(last_seen=at(200))
    late = make_event(status="resolved", occurred_at=at(100))
    res = apply_event(late, existing, now=NOW, new_id="x")
    assert res.outcome is DedupOutcome.repeat
    assert res.alert.state is EventStatus.firing
    assert res.alert.resolved_at is None
    assert res.alert.last_seen == at(200)


def test_late_firing_event_does_not_refire_a_resolved_alert(make_event, make_alert):
    existing = make_alert(state="resolved", resolved_at=at(100), last_seen=at(100))
    late = make_event(occurred_at=at(50))
    res = apply_event(late, existing, now=NOW, new_id="x")
    assert res.outcome is DedupOutcome.repeat
    assert res.alert.state is EventStatus.resolved
    assert (res.alert.resolved_at, res.alert.last_seen) == (at(100), at(100))


def test_firing_at_the_resolution_instant_does_not_refire(make_event, make_alert):
    existing = make_alert(state="resolved", resolved_at=at(100), last_seen=at(100))
    res = apply_event(make_event(occurred_at=at(100)), existing, now=NOW, new_id="x")
    assert res.outcome is DedupOutcome.repeat
    assert res.alert.state is EventStatus.resolved


def test_repeated_resolution_keeps_the_first_resolution_time(make_event, make_alert):
    existing = make_alert(state="resolved", resolved_at=at(100), last_seen=at(100))
    res = apply_event(
        make_event(status="resolved", occurred_at=at(160)), existing, now=NOW, new_id="x"
    )
    assert res.outcome is DedupOutcome.repeat
    assert res.alert.resolved_at == at(100)
    assert res.alert.last_seen == at(160)


def test_firing_after_resolved_unknown_refires(make_event):
    first = apply_event(
        make_event(status="resolved", occurred_at=at(10)), None, now=NOW, new_id="A"
    )
    res = apply_event(make_event(occurred_at=at(20)), first.alert, now=NOW, new_id="B")
    assert res.outcome is DedupOutcome.refired
    assert res.alert.id == "A"


def test_future_event_time_is_clamped_to_now(make_event, make_alert):
    future = make_event(occurred_at=NOW + timedelta(days=2))
    res = apply_event(future, make_alert(), now=NOW, new_id="x")
    assert res.alert.last_seen == NOW
    resolved = apply_event(
        make_event(status="resolved", occurred_at=NOW), res.alert, now=NOW, new_id="x"
    )
    assert resolved.outcome is DedupOutcome.resolved  # not pinned open by the future stamp


def test_apply_event_does_not_mutate_the_existing_alert(make_event, make_alert):
    existing = make_alert()
    snapshot = existing.model_dump()
    apply_event(make_event(status="resolved", occurred_at=at(5)), existing, now=NOW, new_id="x")
    assert existing.model_dump() == snapshot


def test_flapping_sequence_ends_in_the_state_of_the_latest_event(make_event):
    # Deliver fire/resolve/fire/resolve out of order; the latest event (resolve at 40) wins.
    order = [(30, "firing"), (10, "resolved"), (40, "resolved"), (0, "firing"), (20, "firing")]
    alert = None
    for t, status in order:
        alert = apply_event(
            make_event(occurred_at=at(t), status=status), alert, now=NOW, new_id="A"
        ).alert
    assert alert is not None
    assert alert.state is EventStatus.resolved
    assert (alert.first_seen, alert.last_seen, alert.count) == (T0, at(40), 5)


def test_alert_of_another_fingerprint_is_refused(make_event, make_alert):
    with pytest.raises(ValueError, match="fingerprint 'fp-1', alert ALR-1 has 'fp-2'"):
        apply_event(make_event(), make_alert(fingerprint="fp-2"), now=NOW, new_id="x")
