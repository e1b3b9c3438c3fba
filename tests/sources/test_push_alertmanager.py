import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aiops.errors import InvalidInput
from aiops.model import EventKind, EventStatus, Severity
from aiops.normalize import fingerprint
from aiops.sources.push import translate_alertmanager

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def refuse(data):
    with pytest.raises(InvalidInput) as info:
        translate_alertmanager(data, now=NOW)
    assert info.value.status == 422 and info.value.code == "invalid_payload"
    return info.value.errors


def test_firing_fixture_gives_one_event_per_alert():
    first, second = translate_alertmanager(load("alertmanager_firing.json"), now=NOW)
    assert first.source == "alertmanager" and first.kind is EventKind.alert
    assert first.status is EventStatus.firing and first.severity is Severity.critical
    assert first.fingerprint == "5f3b8e2a9c1d4e07"
    assert first.occurred_at == datetime(2024, 5, 1, 12, 0, 3, 123456, tzinfo=UTC)
    assert (first.service, first.ci) == ("sulu", "web-1:8080")
    assert first.summary == "sulu web 5xx ratio above 5% for 5 minutes"
    assert first.labels["alertname"] == "HighErrorRate"
    assert first.received_at == NOW
    # service falls back to job when there is no service label; summary to description
    assert (second.service, second.ci) == ("postgres-exporter", "db-1:9187")
    assert second.summary == "Replication lag is 42s on db-1"


def test_payload_keeps_links_and_group_context():
    event = translate_alertmanager(load("alertmanager_firing.json"), now=NOW)[0]
    assert event.payload["generatorURL"].startswith("http://prometheus:9090/graph")
    assert event.payload["annotations"]["runbook_url"].endswith("high-error-rate")
    assert event.payload["groupKey"] == '{}/{service="sulu"}:{alertname="HighErrorRate"}'
    assert event.payload["receiver"] == "aiops"
    assert event.payload["externalURL"] == "http://alertmanager:9093"


def test_resolved_fixture_uses_ends_at_and_same_fingerprint():
    [firing, _] = translate_alertmanager(load("alertmanager_firing.json"), now=NOW)
    [resolved] = translate_alertmanager(load("alertmanager_resolved.json"), now=NOW)
    assert resolved.status is EventStatus.resolved
    assert resolved.occurred_at == datetime(2024, 5, 1, 12, 14, 33, 500000, tzinfo=UTC)
    assert resolved.fingerprint == firing.fingerprint
    assert resolved.id != firing.id


def test_group_interval_resend_gives_same_ids():
    first = translate_alertmanager(load("alertmanager_firing.json"), now=NOW)
    again = translate_alertmanager(load("alertmanager_firing.json"), now=NOW + timedelta(minutes=5))
    assert [e.id for e in first] == [e.id for e in again]


def test_missing_fingerprint_falls_back_to_hash_of_sorted_labels():
    data = load("alertmanager_firing.json")
    del data["alerts"][0]["fingerprint"]
    labels = data["alerts"][0]["labels"]
    event = translate_alertmanager(data, now=NOW)[0]
    assert event.fingerprint == fingerprint("alertmanager", labels)
    data["alerts"][0]["labels"] = dict(reversed(list(labels.items())))
    assert translate_alertmanager(data, now=NOW)[0].fingerprint == event.fingerprint


@pytest.mark.parametrize(
    ("labels", "service", "ci"),
    [
        ({"alertname": "A", "app": "shop", "pod": "shop-7d9"}, "shop", "shop-7d9"),
        ({"alertname": "A", "job": "j", "app": "a", "container": "c"}, "j", "c"),
        ({"alertname": "A", "ci": "db-1", "instance": "x:9100"}, None, "db-1"),
        ({"alertname": "A"}, None, None),
    ],
    ids=["app-pod", "job-before-app", "ci-before-instance", "none"],
)
def test_service_and_ci_label_order(labels, service, ci):
    data = load("alertmanager_firing.json")
    data["alerts"] = [data["alerts"][0] | {"labels": labels}]
    [event] = translate_alertmanager(data, now=NOW)
    assert (event.service, event.ci) == (service, ci)


def test_unknown_severity_label_defaults_to_warning_and_summary_to_alertname():
    data = load("alertmanager_firing.json")
    data["alerts"] = [data["alerts"][0] | {"annotations": {}}]
    data["alerts"][0]["labels"]["severity"] = "sev-unknown"
    [event] = translate_alertmanager(data, now=NOW)
    assert event.severity is Severity.warning and event.summary == "HighErrorRate"


def test_long_annotation_is_truncated_not_refused():
    data = load("alertmanager_firing.json")
    data["alerts"][0]["annotations"]["summary"] = "x" * 10_000
    event = translate_alertmanager(data, now=NOW)[0]
    assert len(event.summary.encode()) <= 4096 and event.summary.endswith("...")


def test_unknown_fields_are_ignored():
    data = load("alertmanager_firing.json")
    data["newTopLevel"] = 1
    data["alerts"][0]["newField"] = {"x": 1}
    assert len(translate_alertmanager(data, now=NOW)) == 2


@pytest.mark.parametrize(
    ("version", "msg"), [("3", "'3'"), (4, "4"), (None, "None")], ids=["v3", "int", "missing"]
)
def test_wrong_version_is_named(version, msg):
    data = load("alertmanager_firing.json")
    data["version"] = version
    [detail] = refuse(data)
    assert detail.loc == ("body", "version")
    assert detail.msg == f'unsupported webhook version {msg}; expected "4"'


@pytest.mark.parametrize("alerts", [None, [], {"a": 1}, "x"], ids=repr)
def test_missing_or_bad_alerts_is_refused(alerts):
    data = load("alertmanager_firing.json")
    data["alerts"] = alerts
    [detail] = refuse(data)
    assert detail.loc == ("body", "alerts") and "non-empty array" in detail.msg


@pytest.mark.parametrize("data", [[], "x", None], ids=repr)
def test_non_object_body_is_refused(data):
    assert refuse(data)[0].loc == ("body",)


@pytest.mark.parametrize(
    ("field", "value", "msg"),
    [
        ("status", "pending", 'expected "firing" or "resolved"'),
        ("startsAt", "yesterday", "not a timestamp: 'yesterday'"),
        ("startsAt", None, "field required"),
        ("startsAt", "1960-01-01T00:00:00Z", "out of range"),
        ("endsAt", "soon", "not a timestamp"),
        ("labels", ["alertname"], "expected an object of strings, got array"),
        ("labels", {}, "at least one label"),
        ("annotations", {"summary": {"nested": 1}}, "got object"),
        ("generatorURL", 5, "expected a string"),
        ("fingerprint", 12, "expected a string"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_bad_alert_field_is_named(field, value, msg):
    data = load("alertmanager_firing.json")
    data["alerts"][1][field] = value
    [detail] = refuse(data)
    assert detail.loc[:4] == ("body", "alerts", 1, field)
    assert msg in detail.msg


def test_resolved_alert_without_ends_at_is_refused():
    data = load("alertmanager_resolved.json")
    data["alerts"][0]["endsAt"] = "0001-01-01T00:00:00Z"
    [detail] = refuse(data)
    assert detail.loc == ("body", "alerts", 0, "endsAt")
    assert detail.msg == "a resolved alert needs endsAt"


def test_one_bad_alert_refuses_the_whole_webhook_listing_all():
    data = load("alertmanager_firing.json")
    data["alerts"].append(copy.deepcopy(data["alerts"][0]))
    data["alerts"][0]["startsAt"] = "nope"
    data["alerts"][2]["status"] = "weird"
    data["alerts"].append("not an alert")
    errors = refuse(data)
    assert [d.loc for d in errors] == [
        ("body", "alerts", 0, "startsAt"),
        ("body", "alerts", 2, "status"),
        ("body", "alerts", 3),
    ]
