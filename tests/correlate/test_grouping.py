from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aiops.cmdb.topology import Topology
from aiops.correlate.grouping import IncidentContext, assign
from aiops.model import GroupingRule
from aiops.model.policy import CorrelationPolicy

T0 = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)
POLICY = CorrelationPolicy()
EMPTY = Topology()


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


@pytest.fixture
def ctx(make_incident, make_alert, sulu):
    """An IncidentContext built from an incident and its alerts, with the sulu topology."""

    def build(alerts=None, topology=None, **incident_over):
        inc = make_incident(**incident_over)
        if alerts is None:
            alerts = [
                make_alert(incident_id=inc.id, service=inc.service, ci=(inc.cis or [None])[0])
            ]
        return IncidentContext.build(inc, alerts, topology=topology or sulu, policy=POLICY)

    return build


def test_no_candidates_opens_a_new_incident(make_alert, sulu):
    d = assign(make_alert(), [], topology=sulu, policy=POLICY, now=T0)
    assert d.rule is GroupingRule.new_incident
    assert d.incident_id is None
    assert d.detail == "no active incident within 5 min"


def test_alert_on_the_same_ci_joins_with_score_one(make_alert, ctx, sulu):
    d = assign(make_alert(id="ALR-2"), [ctx()], topology=sulu, policy=POLICY, now=at(40))
    assert (d.rule, d.incident_id, d.score, d.distance) == (
        GroupingRule.same_service,
        "INC-1",
        1.0,
        0,
    )
    assert d.detail == "same CI sulu-app as incident INC-1; last activity 40 s ago"


def test_alert_on_the_same_service_joins(make_alert, ctx):
    alert = make_alert(id="ALR-2", ci=None, service="sulu")
    d = assign(alert, [ctx()], topology=EMPTY, policy=POLICY, now=at(10))
    assert (d.rule, d.incident_id, d.score) == (GroupingRule.same_service, "INC-1", 0.9)
    assert "same service sulu" in d.detail


def test_service_is_taken_from_the_cmdb_when_the_alert_has_only_a_ci(make_alert, ctx, sulu):
    alert = make_alert(id="ALR-2", service=None, ci="sulu-cache")
    candidate = ctx(cis=[], alerts=[])  # incident on service sulu, no CI known
    d = assign(alert, [candidate], topology=sulu, policy=POLICY, now=at(10))
    assert d.rule is GroupingRule.same_service


def test_cmdb_neighbour_joins_with_distance_and_why(make_alert, ctx, sulu):
    # Different services so rule 1 cannot match: only the CMDB links them.
    alert = make_alert(id="ALR-2", service="other", ci="sulu-db", name="DbSlowQueries")
    candidate = ctx(service="payments", cis=["sulu-app"], alerts=[])
    d = assign(alert, [candidate], topology=_foreign(sulu), policy=POLICY, now=at(40))
    assert (d.rule, d.incident_id, d.distance) == (GroupingRule.cmdb_neighbour, "INC-1", 1)
    assert d.score == pytest.approx(1 - 1 / 3, abs=1e-4)
    assert d.detail == (
        "sulu-db is 1 hop from sulu-app (sulu-app depends_on sulu-db) in incident INC-1; "
        "last activity 40 s ago"
    )


def _foreign(sulu: Topology) -> Topology:
    """A view of sulu whose CIs belong to no service (so only distances link them)."""

    class View:
        def service_of(self, ci):
            return None

        def distance(self, a, b):
            return sulu.distance(a, b)

        def path(self, a, b):
            return sulu.path(a, b)

    return View()  # type: ignore[return-value]


def test_cmdb_neighbour_beyond_max_distance_does_not_join(make_alert, ctx, sulu):
    alert = make_alert(id="ALR-2", service="other", ci="sulu-db", name="Disk", summary="")
    candidate = ctx(service="payments", cis=["sulu-web"], alerts=[], title="Checkout errors")
    tight = CorrelationPolicy(max_cmdb_distance=1)
    d = assign(alert, [candidate], topology=_foreign(sulu), policy=tight, now=at(10))
    assert d.rule is GroupingRule.new_incident
    assert "none within 1 hops in the CMDB" in d.detail


def test_nearer_cmdb_neighbour_wins(make_alert, ctx, sulu):
    alert = make_alert(id="ALR-9", service=None, ci="sulu-db", name="DbDown", summary="")
    far = ctx(id="INC-FAR", service=None, cis=["sulu-web"], alerts=[], title="x")
    near = ctx(id="INC-NEAR", service=None, cis=["sulu-app"], alerts=[], title="y")
    view = _foreign(sulu)
    d = assign(alert, [far, near], topology=view, policy=POLICY, now=at(10))
    assert (d.incident_id, d.distance) == ("INC-NEAR", 1)


def test_similar_alert_joins_when_nothing_else_links_it(make_alert, ctx):
    inc_alert = make_alert(
        service=None, ci=None, name="CheckoutHighErrorRate", summary="checkout 5xx error rate high"
    )
    candidate = ctx(service=None, cis=[], alerts=[inc_alert], title="checkout 5xx error rate high")
    alert = make_alert(
        id="ALR-2",
        service=None,
        ci=None,
        name="CheckoutErrorRateHigh",
        summary="checkout 5xx error rate",
    )
    d = assign(alert, [candidate], topology=EMPTY, policy=POLICY, now=at(10))
    assert d.rule is GroupingRule.similarity
    assert d.score >= POLICY.similarity_threshold
    assert "is similar (score" in d.detail


def test_dissimilar_alert_opens_a_new_incident_and_says_best_score(make_alert, ctx):
    candidate = ctx(service=None, cis=[], alerts=[], title="Disk full on backup host")
    alert = make_alert(
        id="ALR-2", service=None, ci=None, name="CertificateExpiry", summary="TLS cert expires"
    )
    d = assign(alert, [candidate], topology=EMPTY, policy=POLICY, now=at(10))
    assert d.rule is GroupingRule.new_incident
    assert d.detail.startswith("1 active incident(s) considered: none on no service or CI")
    assert d.detail.endswith("best similarity 0.00 < 0.60")


def test_incident_outside_the_window_is_not_a_candidate(make_alert, ctx):
    d = assign(make_alert(id="ALR-2"), [ctx()], topology=EMPTY, policy=POLICY, now=at(301))
    assert d.rule is GroupingRule.new_incident


def test_incident_exactly_at_the_window_edge_is_a_candidate(make_alert, ctx):
    d = assign(make_alert(id="ALR-2"), [ctx()], topology=EMPTY, policy=POLICY, now=at(300))
    assert d.rule is GroupingRule.same_service


@pytest.mark.parametrize("state", ["resolved", "closed"])
def test_resolved_and_closed_incidents_are_never_candidates(make_alert, ctx, state):
    d = assign(make_alert(id="ALR-2"), [ctx(state=state)], topology=EMPTY, policy=POLICY, now=at(1))
    assert d.rule is GroupingRule.new_incident


def test_mitigated_incident_stays_a_candidate_for_the_mitigated_window(make_alert, ctx):
    candidate = ctx(state="mitigated")
    d = assign(make_alert(id="ALR-2"), [candidate], topology=EMPTY, policy=POLICY, now=at(1200))
    assert d.rule is GroupingRule.same_service
    late = assign(make_alert(id="ALR-2"), [candidate], topology=EMPTY, policy=POLICY, now=at(1801))
    assert late.rule is GroupingRule.new_incident


def test_alert_already_in_an_active_incident_stays_there(make_alert, ctx):
    alert = make_alert(incident_id="INC-OLD", service="elsewhere", ci="nowhere")
    old = ctx(id="INC-OLD", service="x", cis=["y"], alerts=[])
    d = assign(alert, [ctx(), old], topology=EMPTY, policy=POLICY, now=at(5000))
    assert (d.rule, d.incident_id) == (GroupingRule.same_alert, "INC-OLD")


def test_same_service_beats_a_better_similarity_match(make_alert, ctx):
    by_service = ctx(id="INC-A", title="unrelated words")
    twin = make_alert(service=None, ci=None)
    similar = ctx(id="INC-B", service=None, cis=[], alerts=[twin])
    d = assign(
        make_alert(id="ALR-2", ci=None),
        [similar, by_service],
        topology=EMPTY,
        policy=POLICY,
        now=at(5),
    )
    assert (d.rule, d.incident_id) == (GroupingRule.same_service, "INC-A")


def test_same_ci_beats_same_service_and_ties_go_to_the_most_recent(make_alert, ctx):
    service_only = ctx(id="INC-S", cis=["sulu-db"], alerts=[])
    same_ci_old = ctx(id="INC-C1", updated_at=at(0))
    same_ci_new = ctx(id="INC-C2", updated_at=at(20))
    cands = [service_only, same_ci_old, same_ci_new]
    d = assign(make_alert(id="ALR-2"), cands, topology=EMPTY, policy=POLICY, now=at(30))
    assert d.incident_id == "INC-C2"


def test_disabled_rules_are_skipped(make_alert, ctx):
    off = CorrelationPolicy(by_service=False, by_cmdb=False, by_similarity=False)
    d = assign(make_alert(id="ALR-2"), [ctx()], topology=EMPTY, policy=off, now=at(1))
    assert d.rule is GroupingRule.new_incident
    assert d.detail == "1 active incident(s) considered: every grouping rule is switched off"


def test_alert_without_service_or_ci_can_only_join_by_similarity(make_alert, ctx):
    alert = make_alert(id="ALR-2", service=None, ci=None, name="Zzz", summary="", labels={})
    d = assign(alert, [ctx()], topology=EMPTY, policy=POLICY, now=at(1))
    assert d.rule is GroupingRule.new_incident


def test_future_last_activity_counts_as_now(make_alert, ctx):
    d = assign(
        make_alert(id="ALR-2"), [ctx(updated_at=at(100))], topology=EMPTY, policy=POLICY, now=at(0)
    )
    assert d.rule is GroupingRule.same_service
    assert d.detail.endswith("last activity 0 s ago")


def test_context_built_by_the_runner_with_plain_tokens_supports_similarity(
    make_incident, make_alert
):
    from aiops.correlate.similarity import tokens

    inc = make_incident(service=None, cis=[], title="checkout error rate high")
    plain = IncidentContext(
        incident=inc,
        services=frozenset(),
        cis=frozenset(),
        tokens=tokens("checkout error rate high"),
        last_activity=T0,
    )
    alert = make_alert(
        id="ALR-2", service=None, ci=None, name="CheckoutErrorRate", summary="error rate high"
    )
    d = assign(alert, [plain], topology=EMPTY, policy=POLICY, now=at(1))
    assert (d.rule, d.incident_id) == (GroupingRule.similarity, "INC-1")


def test_context_build_collects_services_cis_and_latest_activity(make_incident, make_alert, sulu):
    inc = make_incident(service=None, cis=["sulu-web"], updated_at=at(5))
    alerts = [
        make_alert(ci="sulu-db", service=None, last_seen=at(50)),
        make_alert(ci=None, service="x"),
    ]
    c = IncidentContext.build(inc, alerts, topology=sulu, policy=POLICY)
    assert c.cis == {"sulu-web", "sulu-db"}
    assert c.services == {"sulu", "x"}  # sulu from the CMDB for sulu-db
    assert c.last_activity == at(50)


def test_cmdb_rule_alone_still_joins_an_alert_on_a_ci_of_the_incident(make_alert, ctx, sulu):
    only_cmdb = CorrelationPolicy(by_service=False, by_similarity=False)
    d = assign(make_alert(id="ALR-2"), [ctx()], topology=sulu, policy=only_cmdb, now=at(1))
    assert (d.rule, d.distance, d.score) == (GroupingRule.cmdb_neighbour, 0, 1.0)
    assert d.detail == "sulu-app is a CI of incident INC-1; last activity 1 s ago"


def test_two_hop_neighbour_lists_each_relation_on_the_path(make_alert, ctx, sulu):
    alert = make_alert(id="ALR-2", service=None, ci="sulu-db", name="DbDown", summary="")
    candidate = ctx(service=None, cis=["sulu-web"], alerts=[], title="x")
    d = assign(alert, [candidate], topology=_foreign(sulu), policy=POLICY, now=at(1))
    assert d.distance == 2
    assert d.detail.startswith(
        "sulu-db is 2 hops from sulu-web (sulu-app depends_on sulu-db, sulu-web depends_on sulu-app)"
    )
