"""Evaluate the baseline rules over the stream and emit firing / resolved alert events.

Pure: feed it what the sources produced (`observe`), then call `evaluate(now)`; it
returns the transitions as `Event(kind=alert, source="rules")`. `for` works as in
Prometheus: a true condition is `pending` until it has held for `for`, then `firing`;
a pending condition that goes false is dropped silently; a firing one resolves (after
`keep_firing_for`, when set). Each alert's fingerprint is stable per rule + labels, so
correlation sees one stream across evaluations and restarts.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aiops.model import Event, EventKind, EventStatus, Sample
from aiops.model.duration import format_duration
from aiops.normalize import fingerprint, make_event
from aiops.rules import expressions
from aiops.rules.config import (
    HealthParams,
    LogBurstParams,
    QuantileParams,
    RatioParams,
    Rule,
    RulesFile,
    ThresholdParams,
)
from aiops.rules.expressions import OPS, GroupKey
from aiops.rules.series import SeriesStore

SOURCE = "rules"


class AlertState(StrEnum):
    pending = "pending"
    firing = "firing"


@dataclass
class ActiveAlert:
    """One rule instance whose condition is (or recently was) true."""

    rule: str
    labels: dict[str, str]
    fingerprint: str
    state: AlertState
    active_since: datetime
    value: float
    last_true: datetime
    fired_at: datetime | None = None
    sent_at: datetime | None = None  # the last firing event sent (first or re-send)


class RuleEvaluator:
    """Holds the rules, the recent data they read, and the state of each alert."""

    def __init__(self, rules: RulesFile | Sequence[Rule], *, resend_s: float | None = None) -> None:
        self.rules = list(rules.rules if isinstance(rules, RulesFile) else rules)
        default = rules.resend_interval if isinstance(rules, RulesFile) else 60.0
        self.resend_s = resend_s if resend_s is not None else default
        specs = [r.spec for r in self.rules]
        windows = [getattr(s, "window", 0.0) for s in specs]
        self.store = SeriesStore(_metric_names(specs), retention_s=max(windows, default=0) + 60)
        self._active: dict[tuple[str, GroupKey], ActiveAlert] = {}
        self._failures: dict[str, int] = {}  # probe → failed results in a row
        self._logs: dict[str, dict[GroupKey, deque[float]]] = {
            r.name: defaultdict(deque) for r in self.rules if r.kind == "log_burst"
        }
        self._patterns: dict[str, re.Pattern[str]] = {}
        for r in self.rules:
            spec = r.spec
            if isinstance(spec, LogBurstParams) and spec.pattern:
                self._patterns[r.name] = re.compile(spec.pattern)

    # -- input ---------------------------------------------------------------------

    def observe(self, items: Iterable[Sample | Event]) -> None:
        for item in items:
            if isinstance(item, Sample):
                self.store.add(item)
            elif item.kind == EventKind.health:
                self._observe_health(item)
            elif item.kind == EventKind.log:
                self._observe_log(item)

    def _observe_health(self, event: Event) -> None:
        probe = event.labels.get("probe") or event.source
        ok = event.payload.get("ok")
        failed = (not ok) if isinstance(ok, bool) else event.status == EventStatus.firing
        self._failures[probe] = self._failures.get(probe, 0) + 1 if failed else 0

    def _observe_log(self, event: Event) -> None:
        for rule in self.rules:
            if rule.kind != "log_burst":
                continue
            p: LogBurstParams = rule.spec  # type: ignore[assignment]
            if event.labels.get("level", "").lower() not in p.levels:
                continue
            if any(_event_field(event, k) != v for k, v in p.match.items()):
                continue
            pattern = self._patterns.get(rule.name)
            if pattern and not pattern.search(event.summary):
                continue
            key = tuple((k, _event_field(event, k)) for k in p.by)
            self._logs[rule.name][key].append(event.occurred_at.timestamp())

    # -- evaluation ----------------------------------------------------------------

    def evaluate(self, now: datetime) -> list[Event]:
        """Advance every rule to `now`; the transitions (firing, resolved) as events."""
        t = now.timestamp()
        self.store.prune(t)
        out: list[Event] = []
        for rule in self.rules:
            values = self._values(rule, t)
            cmp_ok = self._condition(rule)
            true = {k: v for k, v in values.items() if cmp_ok(v)}
            out.extend(self._advance(rule, true, now))
        return out

    def active(self) -> list[ActiveAlert]:
        """Pending and firing alerts, for pages and `aiops rules status`."""
        return list(self._active.values())

    def _condition(self, rule: Rule) -> Callable[[float], bool]:
        spec = rule.spec
        if isinstance(spec, HealthParams):
            return lambda v: v >= spec.failures
        if isinstance(spec, LogBurstParams):
            return lambda v: v >= spec.count
        compare, limit = OPS[spec.op], spec.threshold
        return lambda v: not math.isnan(v) and compare(v, limit)

    def _values(self, rule: Rule, t: float) -> dict[GroupKey, float]:
        spec = rule.spec
        if isinstance(spec, RatioParams):
            return expressions.ratio(self.store, spec, t)
        if isinstance(spec, QuantileParams):
            return expressions.quantile(self.store, spec, t)
        if isinstance(spec, ThresholdParams):
            return expressions.threshold(self.store, spec, t)
        if isinstance(spec, HealthParams):
            return {
                (("probe", probe),): float(n)
                for probe, n in self._failures.items()
                if spec.probe is None or spec.probe == probe
            }
        return self._burst_counts(rule, spec, t)

    def _burst_counts(self, rule: Rule, spec: LogBurstParams, t: float) -> dict[GroupKey, float]:
        out = {}
        groups = self._logs[rule.name]
        for key in list(groups):
            times = groups[key]
            while times and times[0] <= t - spec.window:
                times.popleft()
            # lines can arrive out of order (several files); count those in the window
            n = sum(1 for x in times if x > t - spec.window)
            if n:
                out[key] = float(n)
            elif not times:
                del groups[key]
        return out

    def _advance(self, rule: Rule, true: dict[GroupKey, float], now: datetime) -> list[Event]:
        out = []
        for key, value in true.items():
            slot = (rule.name, key)
            alert = self._active.get(slot)
            if alert is None:
                labels = self._labels(rule, key)
                alert = self._active[slot] = ActiveAlert(
                    rule=rule.name,
                    labels=labels,
                    fingerprint=alert_fingerprint(rule.name, labels),
                    state=AlertState.pending,
                    active_since=now,
                    value=value,
                    last_true=now,
                )
            alert.value, alert.last_true = value, now
            held = (now - alert.active_since).total_seconds()
            if alert.state == AlertState.pending and held >= rule.for_s:
                alert.state, alert.fired_at = AlertState.firing, now
                alert.sent_at = now
                out.append(self._event(rule, alert, EventStatus.firing, now))
            elif (
                alert.state == AlertState.firing
                and alert.sent_at is not None
                and (now - alert.sent_at).total_seconds() >= self.resend_s
            ):
                # the same alert again (same event id): a no-op for an open incident, a new
                # incident when people closed the last one while it still fires
                alert.sent_at = now
                out.append(self._event(rule, alert, EventStatus.firing, now))
        for slot in [s for s in self._active if s[0] == rule.name and s[1] not in true]:
            alert = self._active[slot]
            if alert.state == AlertState.pending:
                del self._active[slot]
            elif (now - alert.last_true).total_seconds() >= rule.keep_firing_for_s:
                del self._active[slot]
                out.append(self._event(rule, alert, EventStatus.resolved, now))
        return out

    def _labels(self, rule: Rule, key: GroupKey) -> dict[str, str]:
        labels = {**rule.labels, **dict(key)}
        labels["alertname"] = rule.name
        if rule.runbook:
            labels["runbook"] = rule.runbook
        return labels

    def _event(self, rule: Rule, alert: ActiveAlert, status: EventStatus, now: datetime) -> Event:
        spec = rule.spec
        fired = alert.fired_at or now
        return make_event(
            source=SOURCE,
            kind=EventKind.alert,
            fingerprint=alert.fingerprint,
            id=fingerprint(alert.fingerprint, status.value, fired.isoformat()),
            occurred_at=now,
            now=now,
            service=alert.labels.get("service"),
            ci=alert.labels.get("ci"),
            severity=rule.severity,
            status=status,
            summary=render_summary(rule, alert),
            labels=alert.labels,
            payload={
                "rule": rule.name,
                "kind": rule.kind,
                "value": alert.value,
                "threshold": limit_of(rule),
                "op": getattr(spec, "op", ">="),
                "for_s": rule.for_s,
                "active_since": alert.active_since.isoformat(),
                "fired_at": fired.isoformat(),
                "runbook": rule.runbook,
                "params": spec.model_dump(mode="json"),
            },
        )


def alert_fingerprint(rule: str, labels: dict[str, str]) -> str:
    """Stable per rule + labels: the same alert across evaluations and restarts."""
    return fingerprint(SOURCE, rule, labels)


def limit_of(rule: Rule) -> float:
    """The number the rule compares against (threshold, failures in a row, line count)."""
    spec = rule.spec
    if isinstance(spec, HealthParams):
        return float(spec.failures)
    if isinstance(spec, LogBurstParams):
        return float(spec.count)
    return spec.threshold


def render_summary(rule: Rule, alert: ActiveAlert) -> str:
    spec = rule.spec
    fields = {
        "value": _fmt(alert.value),
        "threshold": _fmt(limit_of(rule)),
        "op": getattr(spec, "op", ">="),
        "labels": alert.labels,
        "rule": rule.name,
        "window": format_duration(getattr(spec, "window", 0.0)),
        "for": format_duration(rule.for_s),
    }
    if rule.summary:
        try:
            return rule.summary.format_map(fields)
        except (KeyError, IndexError, ValueError, AttributeError):
            pass  # a bad template must not lose the alert; fall back to the plain form
    return f"{rule.name}: {rule.kind} {fields['value']} {fields['op']} {fields['threshold']}"


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _event_field(event: Event, key: str) -> str:
    if key in ("source", "service", "ci"):
        return getattr(event, key) or ""
    return event.labels.get(key, "")


def _metric_names(specs: Iterable[object]) -> set[str]:
    names: set[str] = set()
    for s in specs:
        if isinstance(s, RatioParams):
            names |= {s.numerator.metric, s.denominator.metric}
        elif isinstance(s, QuantileParams):
            names.add(s.metric + "_bucket")
        elif isinstance(s, ThresholdParams):
            names.add(s.metric)
    return names
