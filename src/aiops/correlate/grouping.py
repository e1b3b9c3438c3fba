"""Grouping: choose the incident an alert joins, or decide it opens a new one.

Rules, first match wins (each can be switched off in `CorrelationPolicy`):

0. `same_alert`     the alert already belongs to an active incident.
1. `same_service`   an incident on the same CI (score 1.0) or service (0.9).
2. `cmdb_neighbour` an incident with a CI within `max_cmdb_distance` hops in the CMDB
                    (score 1 - hops / (max + 1)).
3. `similarity`     an incident with an alert whose tokens overlap (Jaccard) at least
                    `similarity_threshold`.
4. `new_incident`   none of the above.

Rules 1-3 only consider incidents active within the window: open or acknowledged
with activity in the last `window_s`, mitigated with activity in the last
`mitigated_window_s`. Among matches the best score wins, then the most recent
activity, then the incident id (deterministic). `detail` says why in one sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aiops.correlate.similarity import alert_tokens, best_match, jaccard, words
from aiops.model import Alert, GroupingDecision, GroupingRule, Incident, IncidentState
from aiops.model.duration import format_duration
from aiops.model.policy import CorrelationPolicy


class TopologyView(Protocol):
    """The part of `aiops.cmdb.Topology` grouping uses (a seam, so correlate need not import cmdb)."""

    def service_of(self, ci: str | None) -> str | None: ...

    def distance(self, ci_a: str | None, ci_b: str | None) -> int | None: ...

    def path(self, ci_a: str, ci_b: str) -> Sequence[tuple[str, str, str]]: ...


_ACTIVE = (IncidentState.open, IncidentState.acknowledged, IncidentState.mitigated)


@dataclass
class IncidentContext:
    """What grouping needs to know about one candidate incident.

    `tokens` are word tokens of the incident's title and alert names (compared with
    the alert's name and summary words). `token_sets`, when given (see `build`), hold
    one richer set per alert (words plus labels), compared like with like; the best
    match wins. Mutable so a runner can move `last_activity` as alerts repeat.
    """

    incident: Incident
    services: frozenset[str]
    cis: frozenset[str]
    tokens: frozenset[str]
    last_activity: datetime
    token_sets: tuple[frozenset[str], ...] = ()

    @classmethod
    def build(
        cls,
        incident: Incident,
        alerts: Iterable[Alert],
        *,
        topology: TopologyView,
        policy: CorrelationPolicy,
        last_activity: datetime | None = None,
    ) -> IncidentContext:
        """Collect services, CIs and tokens from an incident and its alerts.

        `last_activity` defaults to the latest of the incident's `updated_at` and
        its alerts' `last_seen`.
        """
        alerts = list(alerts)
        cis = {a.ci for a in alerts if a.ci} | set(incident.cis)
        services = {s for a in alerts for s in _services_of(a, topology)}
        services |= {incident.service} if incident.service else set()
        title = words(incident.title)
        names = title.union(*(words(a.name) for a in alerts))
        sets = [_tokens(a, policy) for a in alerts] + [title]
        latest = max([incident.updated_at, *(a.last_seen for a in alerts)])
        return cls(
            incident=incident,
            services=frozenset(services),
            cis=frozenset(cis),
            tokens=names,
            last_activity=last_activity or latest,
            token_sets=tuple(t for t in sets if t),
        )

    def with_alert(
        self, incident: Incident, alert: Alert, *, topology: TopologyView,
        policy: CorrelationPolicy,
    ) -> IncidentContext:
        """This context after `alert` joined `incident`: incremental, so a busy incident
        does not cost a rebuild over all its alerts on every join."""
        t = _tokens(alert, policy)
        extra_services = _services_of(alert, topology)
        if incident.service:
            extra_services |= {incident.service}
        return IncidentContext(
            incident=incident,
            services=self.services | extra_services,
            cis=self.cis | frozenset(incident.cis) | ({alert.ci} if alert.ci else frozenset()),
            tokens=self.tokens | words(alert.name),
            last_activity=max(self.last_activity, alert.last_seen),
            token_sets=self.token_sets + ((t,) if t and t not in self.token_sets else ()),
        )


@dataclass(frozen=True)
class _Probe:
    """The alert's side of every comparison, computed once per `assign` call."""

    alert: Alert
    services: frozenset[str]
    tokens: frozenset[str]  # words and labels, compared with IncidentContext.token_sets
    words: frozenset[str]  # name and summary words, compared with IncidentContext.tokens
    scores: dict[str, float] = field(default_factory=dict)  # similarity per incident id

    def similarity(self, c: IncidentContext) -> float:
        key = c.incident.id
        if key not in self.scores:
            if c.token_sets:
                self.scores[key] = best_match(self.tokens, c.token_sets)
            else:
                self.scores[key] = jaccard(self.words, c.tokens)
        return self.scores[key]

    @classmethod
    def of(cls, alert: Alert, topology: TopologyView, policy: CorrelationPolicy) -> _Probe:
        return cls(
            alert=alert,
            services=_services_of(alert, topology),
            tokens=_tokens(alert, policy),
            words=words(alert.name) | words(alert.summary),
        )


@dataclass(frozen=True)
class _Match:
    ctx: IncidentContext
    score: float
    distance: int | None
    why: str


def assign(
    alert: Alert,
    candidates: Sequence[IncidentContext],
    *,
    topology: TopologyView,
    policy: CorrelationPolicy,
    now: datetime,
) -> GroupingDecision:
    """The grouping decision for `alert` among `candidates` (see the module docstring)."""
    active = [c for c in candidates if c.incident.state in _ACTIVE]
    own = [c for c in active if alert.incident_id and c.incident.id == alert.incident_id]
    if own:
        m = _Match(own[0], 1.0, None, f"{alert.name} already belongs to incident")
        return _decide(GroupingRule.same_alert, m, now)
    recent = [c for c in active if _age(c, now) <= _window(c, policy)]
    probe = _Probe.of(alert, topology, policy)
    rules = (
        (GroupingRule.same_service, policy.by_service, lambda c: _same_service(probe, c)),
        (
            GroupingRule.cmdb_neighbour,
            policy.by_cmdb,
            lambda c: _neighbour(alert, c, topology, policy),
        ),
        (GroupingRule.similarity, policy.by_similarity, lambda c: _similar(probe, c, policy)),
    )
    for rule, enabled, match in rules:
        if not enabled:
            continue
        found = [m for m in map(match, recent) if m is not None]
        if found:
            best = max(found, key=lambda m: (m.score, m.ctx.last_activity, m.ctx.incident.id))
            return _decide(rule, best, now)
    return GroupingDecision(
        rule=GroupingRule.new_incident, score=1.0, detail=_why_new(probe, recent, policy)
    )


def _decide(rule: GroupingRule, m: _Match, now: datetime) -> GroupingDecision:
    inc = m.ctx.incident
    detail = f"{m.why} {inc.id}; last activity {format_duration(_age(m.ctx, now))} ago"
    return GroupingDecision(
        rule=rule, incident_id=inc.id, score=round(m.score, 4), distance=m.distance, detail=detail
    )


def _same_service(probe: _Probe, c: IncidentContext) -> _Match | None:
    ci = probe.alert.ci
    if ci and ci in c.cis:
        return _Match(c, 1.0, 0, f"same CI {ci} as incident")
    shared = sorted(probe.services & c.services)
    if shared:
        return _Match(c, 0.9, None, f"same service {shared[0]} as incident")
    return None


def _neighbour(
    alert: Alert, c: IncidentContext, topology: TopologyView, policy: CorrelationPolicy
) -> _Match | None:
    if not alert.ci:
        return None
    near = [(d, ci) for ci in c.cis if (d := topology.distance(alert.ci, ci)) is not None]
    if not near:
        return None
    hops, other = min(near)
    if hops > policy.max_cmdb_distance:
        return None
    score = 1.0 - hops / (policy.max_cmdb_distance + 1)
    if hops == 0:  # only when rule 1 is off: the CI itself is in the incident
        return _Match(c, score, 0, f"{alert.ci} is a CI of incident")
    path = ", ".join(f"{a} {t} {b}" for a, t, b in topology.path(alert.ci, other))
    unit = "hop" if hops == 1 else "hops"
    why = f"{alert.ci} is {hops} {unit} from {other} ({path}) in incident"
    return _Match(c, score, hops, why)


def _similar(probe: _Probe, c: IncidentContext, policy: CorrelationPolicy) -> _Match | None:
    score = probe.similarity(c)
    if score < policy.similarity_threshold or score == 0.0:
        return None
    why = f"{probe.alert.name} is similar (score {score:.2f} >= {policy.similarity_threshold:.2f}) to incident"
    return _Match(c, score, None, why)


def _why_new(probe: _Probe, recent: Sequence[IncidentContext], policy: CorrelationPolicy) -> str:
    if not recent:
        return f"no active incident within {format_duration(policy.window_s)}"
    alert = probe.alert
    where = ", ".join(x for x in (alert.ci, alert.service) if x) or "no service or CI"
    reasons = []
    if policy.by_service:
        reasons.append(f"none on {where}")
    if policy.by_cmdb:
        reasons.append(f"none within {policy.max_cmdb_distance} hops in the CMDB")
    if policy.by_similarity:
        best = max(probe.similarity(c) for c in recent)
        reasons.append(f"best similarity {best:.2f} < {policy.similarity_threshold:.2f}")
    if not reasons:
        reasons.append("every grouping rule is switched off")
    return f"{len(recent)} active incident(s) considered: " + ", ".join(reasons)


def _services_of(alert: Alert, topology: TopologyView) -> frozenset[str]:
    found = {alert.service, topology.service_of(alert.ci)}
    return frozenset(s for s in found if s)


def _tokens(alert: Alert, policy: CorrelationPolicy) -> frozenset[str]:
    return alert_tokens(alert.name, alert.summary, alert.labels, policy.similarity_ignore_labels)


def _age(c: IncidentContext, now: datetime) -> float:
    return max(0.0, (now - c.last_activity).total_seconds())  # a future stamp counts as now


def _window(c: IncidentContext, policy: CorrelationPolicy) -> float:
    if c.incident.state is IncidentState.mitigated:
        return policy.mitigated_window_s
    return policy.window_s


__all__ = ["IncidentContext", "assign"]
