"""The baseline rules over a sample/event stream, with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aiops.model import Event, EventKind, EventStatus, Sample
from aiops.normalize import make_event
from aiops.rules import Rule, RuleEvaluator, alert_fingerprint, load_rules

T0 = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sulu" / "rules.yaml"
SCRAPE_S = 2


def rule(**over: Any) -> Rule:
    base: dict[str, Any] = {"name": "R", "kind": "threshold", "params": {}, "labels": {}}
    base.update(over)
    return Rule.model_validate(base)


class Sulu:
    """Counters of a fake sulu, scraped every 2 s into samples."""

    def __init__(self) -> None:
        self.ok = 0.0
        self.errors = 0.0
        self.buckets = {"0.1": 0.0, "0.5": 0.0, "1.0": 0.0, "2.5": 0.0, "+Inf": 0.0}

    def step(self, *, rps: float = 10.0, error_share: float = 0.0, latency_s: float = 0.05) -> None:
        n = rps * SCRAPE_S
        self.errors += n * error_share
        self.ok += n * (1 - error_share)
        for le in self.buckets:
            if latency_s <= float(le):
                self.buckets[le] += n

    def samples(self, at: datetime) -> list[Sample]:
        out = [
            Sample(name="sulu_http_requests_total", value=self.ok, timestamp=at,
                   labels={"route": "/", "status": "200"}, source="scrape"),
            Sample(name="sulu_http_requests_total", value=self.errors, timestamp=at,
                   labels={"route": "/", "status": "500"}, source="scrape"),
        ]  # fmt: skip
        out += [
            Sample(name="sulu_http_request_duration_seconds_bucket", value=v, timestamp=at,
                   labels={"route": "/", "le": le}, source="scrape")
            for le, v in self.buckets.items()
        ]  # fmt: skip
        return out


def run(ev: RuleEvaluator, sulu: Sulu, start: datetime, seconds: int, **step: Any) -> list[Event]:
    """Scrape every 2 s and evaluate every 2 s from `start` for `seconds`."""
    out = []
    for i in range(1, seconds // SCRAPE_S + 1):
        at = start + timedelta(seconds=i * SCRAPE_S)
        sulu.step(**step)
        ev.observe(sulu.samples(at))
        out += [(at, e) for e in ev.evaluate(at)]
    return out  # type: ignore[return-value]


@pytest.fixture
def example() -> RuleEvaluator:
    return RuleEvaluator(load_rules(EXAMPLE))


def firing(events: list[Any], name: str) -> list[tuple[datetime, Event]]:
    return [(t, e) for t, e in events if e.labels["alertname"] == name]


def test_healthy_traffic_raises_nothing(example: RuleEvaluator):
    assert run(example, Sulu(), T0, 600) == []


def test_error_ratio_fires_after_for_and_resolves(example: RuleEvaluator):
    sulu = Sulu()
    run(example, sulu, T0, 120)
    burst_at = T0 + timedelta(seconds=120)
    events = firing(run(example, sulu, burst_at, 180, error_share=0.2), "SuluHighErrorRatio")
    assert len({e.id for _, e in events}) == 1  # re-sends (every resend_interval) share the id
    fired_at, alert = events[0]
    # rate over 1m: 20 % errors push the ratio past 5 % after ~15 s; then `for: 1m` holds
    assert burst_at + timedelta(seconds=72) <= fired_at <= burst_at + timedelta(seconds=80)
    assert alert.status == EventStatus.firing and alert.kind == EventKind.alert
    assert alert.source == "rules" and alert.service == "sulu" and alert.ci == "sulu-app"
    assert alert.labels["runbook"] == "sulu-error-ratio" and alert.severity == "error"
    assert alert.payload["value"] == pytest.approx(0.2, rel=0.05)
    assert alert.occurred_at == fired_at == alert.received_at
    assert alert.fingerprint == alert_fingerprint("SuluHighErrorRatio", alert.labels)
    recover_at = burst_at + timedelta(seconds=180)
    resolved = [(t, e) for t, e in firing(run(example, sulu, recover_at, 120), "SuluHighErrorRatio")
                if e.status == EventStatus.resolved]  # a re-send may come first, same id
    assert [e.status for _, e in resolved] == [EventStatus.resolved]
    assert resolved[0][1].fingerprint == alert.fingerprint and resolved[0][1].id != alert.id
    assert resolved[0][0] <= recover_at + timedelta(seconds=62)


def test_condition_shorter_than_for_stays_pending_and_never_fires():
    r = rule(
        kind="ratio", for_s="1m",
        params={"numerator": {"metric": "sulu_http_requests_total", "match": {"status": "500"}},
                "denominator": {"metric": "sulu_http_requests_total"}, "window": "20s",
                "threshold": 0.05},
    )  # fmt: skip
    ev, sulu = RuleEvaluator([r]), Sulu()
    run(ev, sulu, T0, 60)
    run(ev, sulu, T0 + timedelta(seconds=60), 20, error_share=0.5)
    assert [a.state for a in ev.active()] == ["pending"]
    assert run(ev, sulu, T0 + timedelta(seconds=80), 120) == []
    assert ev.active() == []


def test_p95_latency_fires_after_two_minutes(example: RuleEvaluator):
    sulu = Sulu()
    run(example, sulu, T0, 120)
    slow_at = T0 + timedelta(seconds=120)
    events = firing(run(example, sulu, slow_at, 240, latency_s=2.0), "SuluHighLatencyP95")
    assert len({e.id for _, e in events}) == 1  # re-sends (every resend_interval) share the id
    fired_at, alert = events[0]
    assert slow_at + timedelta(seconds=120) <= fired_at <= slow_at + timedelta(seconds=180)
    assert 1.0 < alert.payload["value"] <= 2.5
    assert alert.labels["runbook"] == "sulu-high-latency"


def health(ok: bool, at: datetime, probe: str = "sulu-health") -> Event:
    return make_event(
        source=probe, kind=EventKind.health, occurred_at=at, now=at,
        status=EventStatus.resolved if ok else EventStatus.firing,
        labels={"probe": probe}, payload={"ok": ok}, summary="probe",
    )  # fmt: skip


def test_health_rule_fires_on_third_failure_in_a_row(example: RuleEvaluator):
    results = [True, False, False, True, False, False, False, False]
    out = []
    for i, ok in enumerate(results):
        at = T0 + timedelta(seconds=2 * i)
        example.observe([health(ok, at)])
        out += [(i, e) for e in example.evaluate(at)]
    assert [(i, e.status) for i, e in out] == [(6, EventStatus.firing)]
    assert out[0][1].labels["probe"] == "sulu-health" and out[0][1].severity == "critical"
    example.observe([health(True, T0 + timedelta(seconds=20))])
    (resolved,) = example.evaluate(T0 + timedelta(seconds=20))
    assert resolved.status == EventStatus.resolved


def test_health_rule_ignores_other_probes(example: RuleEvaluator):
    example.observe([health(False, T0, probe="other") for _ in range(5)])
    assert example.evaluate(T0) == []


def log(level: str, at: datetime, service: str = "sulu", msg: str = "GET / 500") -> Event:
    return make_event(
        source="sulu-log", kind=EventKind.log, occurred_at=at, now=at, service=service,
        labels={"level": level}, summary=msg,
    )  # fmt: skip


def test_error_log_burst_fires_at_count_within_window_and_resolves(example: RuleEvaluator):
    for i in range(9):
        example.observe([log("error", T0 + timedelta(seconds=i))])
    example.observe([log("info", T0 + timedelta(seconds=9)), log("error", T0, service="other")])
    assert example.evaluate(T0 + timedelta(seconds=10)) == []
    example.observe([log("critical", T0 + timedelta(seconds=10))])
    (fired,) = example.evaluate(T0 + timedelta(seconds=10))
    assert fired.labels["alertname"] == "SuluErrorLogBurst" and fired.payload["value"] == 10
    assert fired.summary == "sulu: 10 ERROR log lines in 60 s (limit 10)"
    # the first lines leave the 1 min window at T0+60 s
    (resolved,) = example.evaluate(T0 + timedelta(seconds=60))
    assert resolved.status == EventStatus.resolved


def test_old_log_lines_replayed_after_restart_do_not_fire(example: RuleEvaluator):
    old = T0 - timedelta(hours=3)
    example.observe([log("error", old + timedelta(seconds=i)) for i in range(50)])
    assert example.evaluate(T0) == []


def test_for_zero_fires_on_first_true_evaluation():
    ev = RuleEvaluator([rule(params={"metric": "g", "threshold": 5})])
    ev.observe([Sample(name="g", value=7, timestamp=T0)])
    (fired,) = ev.evaluate(T0)
    assert fired.status == EventStatus.firing and fired.payload["value"] == 7


def test_keep_firing_for_delays_resolution():
    ev = RuleEvaluator([rule(params={"metric": "g", "threshold": 5, "window": "10s"},
                             keep_firing_for="30s")])  # fmt: skip
    ev.observe([Sample(name="g", value=7, timestamp=T0)])
    assert len(ev.evaluate(T0)) == 1
    ev.observe([Sample(name="g", value=1, timestamp=T0 + timedelta(seconds=5))])
    assert ev.evaluate(T0 + timedelta(seconds=5)) == []
    # as in Prometheus, counted from the last evaluation where the condition held (T0)
    assert ev.evaluate(T0 + timedelta(seconds=29)) == []
    (resolved,) = ev.evaluate(T0 + timedelta(seconds=30))
    assert resolved.status == EventStatus.resolved


def test_threshold_per_series_makes_one_alert_per_series_with_own_fingerprint():
    ev = RuleEvaluator([rule(params={"metric": "g", "op": ">=", "threshold": 1})])
    ev.observe([Sample(name="g", value=2, timestamp=T0, labels={"pod": "a"}),
                Sample(name="g", value=3, timestamp=T0, labels={"pod": "b"})])  # fmt: skip
    events = ev.evaluate(T0)
    assert sorted(e.labels["pod"] for e in events) == ["a", "b"]
    assert len({e.fingerprint for e in events}) == 2


def test_threshold_aggregate_by_label():
    ev = RuleEvaluator([rule(params={"metric": "g", "threshold": 4, "aggregate": "sum",
                                     "by": ["svc"]})])  # fmt: skip
    ev.observe([Sample(name="g", value=2, timestamp=T0, labels={"svc": "a", "pod": "1"}),
                Sample(name="g", value=3, timestamp=T0, labels={"svc": "a", "pod": "2"}),
                Sample(name="g", value=3, timestamp=T0, labels={"svc": "b", "pod": "3"})])  # fmt: skip
    (fired,) = ev.evaluate(T0)
    assert fired.labels["svc"] == "a" and "pod" not in fired.labels and fired.payload["value"] == 5


def test_stale_value_outside_window_stops_counting():
    ev = RuleEvaluator([rule(params={"metric": "g", "threshold": 5, "window": "30s"})])
    ev.observe([Sample(name="g", value=9, timestamp=T0)])
    assert len(ev.evaluate(T0)) == 1
    (resolved,) = ev.evaluate(T0 + timedelta(seconds=31))
    assert resolved.status == EventStatus.resolved


def test_nan_and_out_of_order_samples_are_ignored():
    ev = RuleEvaluator([rule(params={"metric": "g", "threshold": 5})])
    ev.observe([Sample(name="g", value=1, timestamp=T0),
                Sample(name="g", value=float("nan"), timestamp=T0 + timedelta(seconds=1)),
                Sample(name="g", value=9, timestamp=T0 - timedelta(seconds=1))])  # fmt: skip
    assert ev.evaluate(T0 + timedelta(seconds=1)) == []


def test_fingerprint_is_stable_across_evaluators_and_ids_are_deterministic():
    def fire() -> Event:
        ev = RuleEvaluator([rule(params={"metric": "g", "threshold": 5}, labels={"service": "s"})])
        ev.observe([Sample(name="g", value=7, timestamp=T0)])
        return ev.evaluate(T0)[0]

    a, b = fire(), fire()
    assert a.fingerprint == b.fingerprint and a.id == b.id


def test_summary_template_and_bad_template_fallback():
    good = rule(params={"metric": "g", "threshold": 5}, summary="g={value} limit {threshold} on {labels[service]}",
                labels={"service": "s"})  # fmt: skip
    bad = rule(name="B", params={"metric": "g", "threshold": 5}, summary="{nope}")
    ev = RuleEvaluator([good, bad])
    ev.observe([Sample(name="g", value=7, timestamp=T0)])
    by_name = {e.labels["alertname"]: e.summary for e in ev.evaluate(T0)}
    assert by_name["R"] == "g=7 limit 5 on s"
    assert by_name["B"] == "B: threshold 7 > 5"


def test_ratio_with_zero_traffic_has_no_value():
    r = rule(kind="ratio", params={"numerator": {"metric": "e"}, "denominator": {"metric": "t"},
                                   "threshold": 0.05})  # fmt: skip
    ev = RuleEvaluator([r])
    ev.observe([Sample(name="t", value=5, timestamp=T0 + timedelta(seconds=s)) for s in (0, 2, 4)])
    assert ev.evaluate(T0 + timedelta(seconds=4)) == []


def test_a_firing_alert_is_sent_again_every_resend_interval_with_the_same_id():
    from aiops.rules import RulesFile

    rule = load_rules(EXAMPLE).rules[0]
    ev = RuleEvaluator(RulesFile(rules=[rule.model_copy(update={"for_s": 0.0})], resend_interval=30))
    ev._active.clear()
    key = ()
    t0 = T0
    out = ev._advance(rule.model_copy(update={"for_s": 0.0}), {key: 0.5}, t0)
    again = ev._advance(rule.model_copy(update={"for_s": 0.0}), {key: 0.5}, t0 + timedelta(seconds=10))
    later = ev._advance(rule.model_copy(update={"for_s": 0.0}), {key: 0.5}, t0 + timedelta(seconds=31))
    assert len(out) == 1 and again == [] and len(later) == 1
    assert later[0].id == out[0].id and later[0].occurred_at > out[0].occurred_at
