from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from aiops.correlate.lifecycle import ALLOWED, on_alerts_changed, on_tick, transition
from aiops.errors import Conflict
from aiops.model import EventStatus, IncidentState
from aiops.model.policy import IncidentPolicy

T0 = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)
S = IncidentState
F, R = EventStatus.firing, EventStatus.resolved
POLICY = IncidentPolicy()


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


EXPECTED = {
    (S.open, S.acknowledged),
    (S.open, S.mitigated),
    (S.open, S.resolved),
    (S.acknowledged, S.mitigated),
    (S.acknowledged, S.resolved),
    (S.mitigated, S.open),
    (S.mitigated, S.resolved),
    (S.resolved, S.open),
    (S.resolved, S.closed),
}


def test_the_transition_table_is_exactly_the_documented_one():
    assert {(a, b) for a, tos in ALLOWED.items() for b in tos} == EXPECTED


@pytest.mark.parametrize(
    ("from_", "to"),
    sorted(set(product(S, S)) - EXPECTED),
    ids=lambda s: s.value,
)
def test_forbidden_transition_raises_conflict_naming_both_states(make_incident, from_, to):
    inc = make_incident(state=from_, resolved_at=T0 if from_ is S.resolved else None)
    with pytest.raises(Conflict) as err:
        transition(inc, to, now=at(10))
    assert f"cannot go from {from_.value} to {to.value}" in err.value.message
    assert err.value.status == 409


@pytest.mark.parametrize(
    ("to", "field"),
    [
        (S.acknowledged, "acknowledged_at"),
        (S.mitigated, "mitigated_at"),
        (S.resolved, "resolved_at"),
    ],
)
def test_transition_sets_its_timestamp_and_updated_at(make_incident, to, field):
    inc = make_incident()
    out = transition(inc, to, now=at(60))
    assert out.state is to
    assert getattr(out, field) == at(60)
    assert out.updated_at == at(60)
    assert inc.state is S.open  # the input is not mutated


def test_resolving_directly_also_marks_service_restored(make_incident):
    out = transition(make_incident(), S.resolved, now=at(60))
    assert out.mitigated_at == at(60)
    kept = transition(make_incident(state="mitigated", mitigated_at=at(30)), S.resolved, now=at(60))
    assert kept.mitigated_at == at(30)


def test_close_sets_closed_at(make_incident):
    out = transition(make_incident(state="resolved", resolved_at=at(5)), S.closed, now=at(60))
    assert (out.state, out.closed_at) == (S.closed, at(60))


def test_reopen_from_mitigated_clears_mitigation(make_incident):
    inc = make_incident(state="mitigated", mitigated_at=at(30), acknowledged_at=at(10))
    out = transition(inc, S.open, now=at(60))
    assert (out.state, out.mitigated_at, out.acknowledged_at) == (S.open, None, at(10))


def test_reopen_from_resolved_within_window_is_allowed(make_incident):
    inc = make_incident(state="resolved", resolved_at=T0, mitigated_at=T0)
    out = transition(inc, S.open, now=at(3600), policy=IncidentPolicy(reopen_window_s=3600))
    assert (out.state, out.resolved_at, out.mitigated_at) == (S.open, None, None)


def test_reopen_from_resolved_after_window_is_a_conflict(make_incident):
    inc = make_incident(state="resolved", resolved_at=T0)
    with pytest.raises(
        Conflict, match=r"cannot go from resolved to open: resolved 2 h ago, reopen window is 1 h"
    ):
        transition(inc, S.open, now=at(7200), policy=IncidentPolicy(reopen_window_s=3600))


def test_default_reopen_window_is_one_day(make_incident):
    inc = make_incident(state="resolved", resolved_at=T0)
    assert transition(inc, S.open, now=at(86400)).state is S.open
    with pytest.raises(Conflict):
        transition(inc, S.open, now=at(86401))


@pytest.mark.parametrize("state", [S.open, S.acknowledged])
def test_all_alerts_resolved_mitigates_the_incident(make_incident, state):
    out = on_alerts_changed(make_incident(state=state), [R, R], POLICY, now=at(9))
    assert out is not None
    assert (out.state, out.mitigated_at) == (S.mitigated, at(9))


def test_auto_mitigation_can_be_turned_off(make_incident):
    off = IncidentPolicy(auto_mitigate_when_all_resolved=False)
    assert on_alerts_changed(make_incident(), [R], off, now=at(9)) is None


def test_one_alert_still_firing_changes_nothing(make_incident):
    assert on_alerts_changed(make_incident(), [R, F], POLICY, now=at(9)) is None


def test_no_alerts_changes_nothing(make_incident):
    assert on_alerts_changed(make_incident(), [], POLICY, now=at(9)) is None


def test_alert_firing_again_reopens_a_mitigated_incident(make_incident):
    inc = make_incident(state="mitigated", mitigated_at=at(5))
    out = on_alerts_changed(inc, [R, F], POLICY, now=at(9))
    assert out is not None and out.state is S.open
    assert on_alerts_changed(inc, [F], IncidentPolicy(reopen_on_refire=False), now=at(9)) is None


@pytest.mark.parametrize("state", [S.resolved, S.closed])
def test_alerts_never_move_resolved_or_closed_incidents(make_incident, state):
    inc = make_incident(state=state, resolved_at=T0)
    assert on_alerts_changed(inc, [F], POLICY, now=at(9)) is None
    assert on_alerts_changed(inc, [R], POLICY, now=at(9)) is None


def test_tick_resolves_a_quiet_mitigated_incident_after_the_configured_time(make_incident):
    pol = IncidentPolicy(auto_resolve_after_s=600)
    inc = make_incident(state="mitigated", mitigated_at=T0)
    assert on_tick(inc, pol, now=at(599)) is None
    out = on_tick(inc, pol, now=at(600))
    assert out is not None and out.state is S.resolved


def test_tick_closes_a_resolved_incident_after_the_configured_time(make_incident):
    pol = IncidentPolicy(auto_close_after_s=60)
    inc = make_incident(state="resolved", resolved_at=T0)
    out = on_tick(inc, pol, now=at(60))
    assert out is not None and out.state is S.closed
    assert on_tick(inc, IncidentPolicy(), now=at(10**6)) is None  # off by default
