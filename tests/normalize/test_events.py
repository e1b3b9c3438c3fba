import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from aiops.errors import InvalidInput, TooLarge
from aiops.model import EventKind, EventStatus, Severity
from aiops.normalize import NATIVE_FIELDS, make_event, parse_native

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def item(**over):
    return {"source": "probe", "summary": "checkout failed"} | over


def errors_of(data, **kw):
    with pytest.raises(InvalidInput) as info:
        parse_native(data, now=NOW, max_batch=kw.get("max_batch", 100))
    return info.value


# --- make_event -----------------------------------------------------------------------


def test_make_event_fills_defaults():
    e = make_event(source="s", kind="alert", occurred_at=NOW - timedelta(minutes=1), now=NOW)
    assert e.received_at == NOW and e.status is EventStatus.firing
    assert e.severity is Severity.warning
    assert len(e.id) == 32 and len(e.fingerprint) == 32


def test_make_event_id_is_deterministic_for_redelivery():
    args = dict(source="s", kind="alert", occurred_at=NOW, labels={"a": "1"}, summary="x")
    first = make_event(now=NOW, **args)
    again = make_event(now=NOW + timedelta(minutes=5), **args)
    assert first.id == again.id and first.fingerprint == again.fingerprint


def test_make_event_id_changes_with_time_and_status():
    a = make_event(source="s", kind="alert", occurred_at=NOW, now=NOW)
    b = make_event(source="s", kind="alert", occurred_at=NOW + timedelta(seconds=1), now=NOW)
    c = make_event(source="s", kind="alert", occurred_at=NOW, now=NOW, status="resolved")
    assert len({a.id, b.id, c.id}) == 3
    assert a.fingerprint == b.fingerprint == c.fingerprint


def test_make_event_same_instant_in_other_zone_gives_same_id():
    tokyo = NOW.astimezone(timezone(timedelta(hours=9)))
    a = make_event(source="s", kind="alert", occurred_at=NOW, now=NOW)
    b = make_event(source="s", kind="alert", occurred_at=tokyo, now=NOW)
    assert a.id == b.id and b.occurred_at.tzinfo is UTC


def test_make_event_keeps_given_id_and_fingerprint():
    e = make_event(source="s", kind="log", occurred_at=NOW, now=NOW, id="x-1", fingerprint="fp")
    assert (e.id, e.fingerprint, e.kind) == ("x-1", "fp", EventKind.log)


def test_make_event_naive_times_are_utc():
    e = make_event(source="s", kind="alert", occurred_at=datetime(2024, 5, 1), now=NOW)
    assert e.occurred_at == datetime(2024, 5, 1, tzinfo=UTC)


# --- parse_native: good input ----------------------------------------------------------


def test_single_object_fixture_parses():
    [e] = parse_native(load("native_event.json"), now=NOW, max_batch=10)
    assert e.id == "deploy-1.4.2-app-1" and e.kind is EventKind.change
    assert e.occurred_at == datetime(2024, 5, 1, 2, 55, tzinfo=UTC)
    assert e.labels == {"version": "1.4.2", "change_id": "CHG0001234", "canary": "false"}
    assert e.payload == {"commit": "1a2b3c4", "by": "ci-bot"}
    assert (e.service, e.ci, e.severity) == ("sulu", "app-1", Severity.info)


def test_batch_fixture_parses_in_order_with_aliases_and_epochs():
    events = parse_native(load("native_batch.json"), now=NOW, max_batch=10)
    assert [e.severity for e in events] == [Severity.critical, Severity.info, Severity.error]
    assert events[0].occurred_at == datetime(2024, 5, 1, 12, 2, tzinfo=UTC)  # seconds
    assert events[1].occurred_at == datetime(2024, 5, 1, 12, 10, tzinfo=UTC)  # millis
    assert events[1].status is EventStatus.resolved
    assert events[0].payload["attempts"] == 3
    assert events[0].fingerprint == events[1].fingerprint  # same stream fires and resolves
    assert events[2].kind is EventKind.message


def test_minimal_item_defaults_occurred_at_to_now():
    [e] = parse_native(item(), now=NOW, max_batch=1)
    assert e.occurred_at == NOW and e.kind is EventKind.alert and e.payload == {}


def test_null_optional_fields_mean_absent():
    [e] = parse_native(
        item(service=None, labels=None, severity=None, id=None), now=NOW, max_batch=1
    )
    assert e.service is None and e.labels == {} and e.severity is Severity.warning


def test_redelivered_batch_gets_same_ids():
    first = parse_native(load("native_batch.json"), now=NOW, max_batch=10)
    again = parse_native(load("native_batch.json"), now=NOW + timedelta(hours=1), max_batch=10)
    assert [e.id for e in first] == [e.id for e in again]


def test_duplicate_items_are_both_returned_for_the_pipeline_to_dedup():
    events = parse_native([item(id="same"), item(id="same")], now=NOW, max_batch=10)
    assert [e.id for e in events] == ["same", "same"]


def test_schema_lists_every_documented_field():
    assert set(NATIVE_FIELDS) == {
        "source", "kind", "service", "ci", "severity", "summary", "labels", "occurred_at",
        "payload", "status", "id", "fingerprint",
    }  # fmt: skip


# --- parse_native: bad input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "loc", "msg"),
    [
        ({"labels": ["a"]}, ("labels",), "expected an object of strings, got array"),
        ({"labels": {"a": {"b": 1}}}, ("labels", "a"), "got object"),
        ({"labels": {"a": [1]}}, ("labels", "a"), "got array"),
        ({"labels": {"a": None}}, ("labels", "a"), "got null"),
        ({"severity": 5}, ("severity",), "got number 5"),
        ({"severity": "bogus"}, ("severity",), "unknown severity 'bogus'"),
        ({"occurred_at": "yesterday"}, ("occurred_at",), "not a timestamp: 'yesterday'"),
        ({"occurred_at": "1900-01-01T00:00:00Z"}, ("occurred_at",), "out of range"),
        ({"occurred_at": 99999999999999999}, ("occurred_at",), "out of range"),
        ({"id": {"x": 1}}, ("id",), "expected a string, got object"),
        ({"id": "x" * 201}, ("id",), "201 bytes; the limit is 200"),
        ({"id": ""}, ("id",), "must not be empty"),
        ({"kind": "page"}, ("kind",), "expected one of alert, log"),
        ({"status": "open"}, ("status",), "expected one of firing, resolved"),
        ({"payload": "text"}, ("payload",), "expected an object, got string"),
        ({"source": 7}, ("source",), "expected a string, got number"),
        ({"source": "  "}, ("source",), "must not be empty"),
        ({"summary": None}, ("summary",), "got null"),
        ({"summary": "é" * 2049}, ("summary",), "4098 bytes; the limit is 4096"),
        ({"service": ["a"]}, ("service",), "expected a string, got array"),
        ({"fingerprint": 1}, ("fingerprint",), "expected a string"),
        ({"sevrity": "warn"}, ("sevrity",), "unknown field 'sevrity'"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_bad_field_is_422_naming_loc_and_reason(over, loc, msg):
    err = errors_of(item(**over))
    assert err.status == 422 and err.code == "invalid_event"
    [detail] = err.errors
    assert detail.loc == ("body",) + loc
    assert msg in detail.msg


def test_too_many_labels_and_long_label_value_are_refused():
    err = errors_of(
        [item(labels={f"k{i}": "v" for i in range(65)}), item(labels={"k": "v" * 1025})]
    )
    assert [d.loc for d in err.errors] == [("body", 0, "labels"), ("body", 1, "labels", "k")]
    assert "65 entries; the limit is 64" in err.errors[0].msg
    assert "1025 bytes; the limit is 1024" in err.errors[1].msg


def test_limits_are_inclusive():
    ok = item(labels={f"k{i}": "v" * 1024 for i in range(64)}, summary="s" * 4096, id="i" * 200)
    assert len(parse_native(ok, now=NOW, max_batch=1)) == 1


@pytest.mark.parametrize("missing", ["source", "summary"])
def test_missing_required_field_is_named(missing):
    data = item()
    del data[missing]
    [detail] = errors_of(data).errors
    assert detail.loc == ("body", missing) and detail.msg == "field required"
    assert detail.type == "missing"


def test_batch_is_all_or_nothing_and_lists_every_bad_item():
    batch = [item(), item(severity=5), item(), item(occurred_at="yesterday", labels=[1])]
    err = errors_of(batch)
    assert [d.loc for d in err.errors] == [
        ("body", 1, "severity"),
        ("body", 3, "labels"),
        ("body", 3, "occurred_at"),
    ]
    assert "invalid events in batch" in str(err)


def test_non_object_items_are_named_by_index():
    err = errors_of([item(), "text", 3])
    assert [(d.loc, d.type) for d in err.errors] == [
        (("body", 1), "dict_type"),
        (("body", 2), "dict_type"),
    ]


def test_empty_array_is_422():
    err = errors_of([])
    assert err.status == 422 and err.errors[0].msg == "expected at least one event"


@pytest.mark.parametrize("data", ["text", 3, None, True], ids=repr)
def test_top_level_must_be_object_or_array(data):
    err = errors_of(data)
    assert (
        err.errors[0].loc == ("body",)
        and "expected an event object or an array" in err.errors[0].msg
    )


def test_batch_over_limit_is_413_before_validating_items():
    with pytest.raises(TooLarge) as info:
        parse_native([item()] * 3 + ["bad"], now=NOW, max_batch=3)
    err = info.value
    assert err.status == 413 and err.code == "batch_too_large"
    assert err.errors[0].msg == "batch has 4 events; the limit is 3"


def test_batch_at_limit_is_accepted():
    assert len(parse_native([item()] * 3, now=NOW, max_batch=3)) == 3


def test_huge_bad_batch_lists_first_hundred_problems_and_counts_all():
    err = errors_of([item(severity=5)] * 500, max_batch=1000)
    assert len(err.errors) == 100
    assert "(500 problems, first 100 listed)" in err.message


def test_error_detail_renders_for_the_api():
    err = errors_of(item(severity=5))
    assert err.errors[0].as_dict() == {
        "loc": ["body", "severity"],
        "msg": "expected a severity word (critical, error, warning, info), got number 5",
        "type": "severity",
    }


def test_label_numbers_and_booleans_are_coerced_to_strings():
    [e] = parse_native(
        item(labels={"i": 3, "f": 0.5, "t": True, "n": False, "s": "x"}), now=NOW, max_batch=1
    )
    assert e.labels == {"i": "3", "f": "0.5", "t": "true", "n": "false", "s": "x"}


def test_body_bytes_to_events_end_to_end():
    from aiops.normalize import parse_json_body

    raw = (PAYLOADS / "native_batch.json").read_bytes()
    events = parse_native(parse_json_body(raw, max_bytes=1 << 20), now=NOW, max_batch=10)
    assert len(events) == 3
