import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aiops.errors import InvalidInput
from aiops.model import EventKind, Severity
from aiops.normalize.problems import FieldProblem
from aiops.sources.push import base64_to_hex_id, hex_to_base64_id, translate_otlp_logs
from aiops.sources.push.otlp_values import any_value, as_int, attributes, hex_id

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"
REC = ("body", "resourceLogs", 0, "scopeLogs", 0, "logRecords")


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def with_record(**over):
    data = load("otlp_logs.json")
    data["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0].update(over)
    return data


def refuse(data):
    with pytest.raises(InvalidInput) as info:
        translate_otlp_logs(data, now=NOW)
    assert info.value.status == 422 and info.value.code == "invalid_payload"
    return info.value.errors


def test_logs_fixture_gives_one_log_event_per_record():
    error, warning, info = translate_otlp_logs(load("otlp_logs.json"), now=NOW)
    assert {e.kind for e in (error, warning, info)} == {EventKind.log}
    assert {(e.source, e.service, e.ci) for e in (error, warning, info)} == {
        ("otlp", "sulu-app", "host-1")
    }
    assert error.severity is Severity.error and error.summary.startswith("payment gateway timeout")
    assert error.occurred_at == datetime(2024, 5, 1, 12, 2, 3, 123456, tzinfo=UTC)
    assert error.labels == {
        "http.route": "/api/orders",
        "http.response.status_code": "504",
        "retry": "true",
        "duration_ms": "3000.5",
        "trace_id": "5b8efff798038103d269b633813fc60c",
        "span_id": "eee19b7ec3c1b174",
    }
    assert error.payload["resource"]["service.instance.id"] == "app-1-7f9c"
    assert error.payload["scope"] == {"name": "sulu.app.orders", "version": "1.4.2"}
    # severityText fallback, kvlist body -> its message, observedTime fallback, empty ids
    assert warning.severity is Severity.warning and warning.summary == "cache miss ratio high"
    assert warning.occurred_at == datetime(2024, 5, 1, 12, 2, 4, tzinfo=UTC)
    assert "trace_id" not in warning.labels
    assert warning.payload["body"] == {"message": "cache miss ratio high", "ratio": 0.71}
    assert info.severity is Severity.info and info.labels == {}


def test_exporter_retry_gives_same_ids_and_records_differ():
    first = translate_otlp_logs(load("otlp_logs.json"), now=NOW)
    again = translate_otlp_logs(load("otlp_logs.json"), now=NOW + timedelta(seconds=30))
    assert [e.id for e in first] == [e.id for e in again]
    assert len({e.id for e in first}) == 3


def test_trace_ids_do_not_split_the_fingerprint():
    a = translate_otlp_logs(with_record(traceId="1" * 32, spanId="2" * 16), now=NOW)[0]
    b = translate_otlp_logs(with_record(traceId="3" * 32, spanId="4" * 16), now=NOW)[0]
    assert a.fingerprint == b.fingerprint and a.id != b.id


@pytest.mark.parametrize(
    ("number", "level"),
    [(1, Severity.info), (9, Severity.info), (12, Severity.info), (13, Severity.warning),
     (17, Severity.error), (20, Severity.error), (21, Severity.critical), (24, Severity.critical),
     ("17", Severity.error), ("SEVERITY_NUMBER_WARN", Severity.warning)],
    ids=str,
)  # fmt: skip
def test_severity_number_bands(number, level):
    [e, *_] = translate_otlp_logs(with_record(severityNumber=number, severityText="INFO"), now=NOW)
    assert e.severity is level


def test_unspecified_severity_number_uses_text():
    [e, *_] = translate_otlp_logs(with_record(severityNumber=0, severityText="fatal"), now=NOW)
    assert e.severity is Severity.critical


def test_record_without_any_time_uses_receipt_time():
    data = with_record(timeUnixNano="0")
    del data["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["observedTimeUnixNano"]
    assert translate_otlp_logs(data, now=NOW)[0].occurred_at == NOW


@pytest.mark.parametrize(
    "data", [{}, {"resourceLogs": []}, {"resourceLogs": [{"scopeLogs": []}]}], ids=str
)
def test_empty_export_is_accepted_as_nothing(data):
    assert translate_otlp_logs(data, now=NOW) == []


def test_long_body_is_truncated():
    [e, *_] = translate_otlp_logs(with_record(body={"stringValue": "x" * 9000}), now=NOW)
    assert len(e.summary.encode()) <= 4096


@pytest.mark.parametrize(
    ("over", "field", "msg"),
    [
        ({"traceId": "xyz"}, "traceId", "expected 32 hex digits"),
        ({"traceId": "5B8EFFF798038103D269B633813FC60"}, "traceId", "expected 32 hex digits"),
        ({"traceId": base64.b64encode(b"\x01" * 16).decode()}, "traceId", "expected 32 hex digits"),
        ({"spanId": "EEE19B7EC3C1B1741"}, "spanId", "expected 16 hex digits"),
        ({"spanId": 12}, "spanId", "expected a hex string"),
        ({"timeUnixNano": "yesterday"}, "timeUnixNano", "not a nanosecond timestamp"),
        ({"timeUnixNano": "99999999999999999999"}, "timeUnixNano", "out of range"),
        ({"severityNumber": 99}, "severityNumber", "out of range"),
        ({"severityNumber": "high"}, "severityNumber", "not an integer"),
        ({"body": "plain"}, "body", "expected an AnyValue object"),
        ({"body": {"intValue": "1.5"}}, "body", "not an integer"),
        ({"attributes": {"a": "b"}}, "attributes", "expected an array of {key, value}"),
        ({"attributes": [{"key": "a", "value": {"boolValue": "yes"}}]}, "attributes", "boolValue"),
    ],
    ids=lambda v: str(v)[:35],
)
def test_bad_record_field_is_named(over, field, msg):
    [detail] = refuse(with_record(**over))
    assert detail.loc[: len(REC) + 2] == REC + (0, field)
    assert msg in detail.msg


def test_bad_nested_attribute_names_its_index():
    attrs = [{"key": "ok", "value": {"stringValue": "x"}}, {"key": "n", "value": {"intValue": "x"}}]
    [detail] = refuse(with_record(attributes=attrs))
    assert detail.loc == REC + (0, "attributes", 1, "value")


def test_every_bad_record_is_listed_and_nothing_returned():
    data = load("otlp_logs.json")
    records = data["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    records[0]["traceId"] = "zz"
    records[2]["timeUnixNano"] = "soon"
    records.append(["not", "a", "record"])
    assert [d.loc[len(REC)] for d in refuse(data)] == [0, 2, 3]


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ([], ("body",)),
        ({"resourceLogs": {}}, ("body", "resourceLogs")),
        ({"resourceLogs": ["x"]}, ("body", "resourceLogs", 0)),
        ({"resourceLogs": [{"resource": []}]}, ("body", "resourceLogs", 0, "resource")),
        ({"resourceLogs": [{"scopeLogs": [{"logRecords": 5}]}]}, ("body", "resourceLogs", 0, "scopeLogs", 0, "logRecords")),
    ],
    ids=["array", "dict-lists", "string-resource", "list-resource", "number-records"],
)  # fmt: skip
def test_bad_envelope_is_named(data, loc):
    assert refuse(data)[0].loc == loc


# --- shared OTLP value helpers ---------------------------------------------------------


def test_hex_and_base64_ids_round_trip():
    hex_trace = "5b8efff798038103d269b633813fc60c"
    b64 = hex_to_base64_id(hex_trace)
    assert base64.b64decode(b64) == bytes.fromhex(hex_trace)
    assert base64_to_hex_id(b64) == hex_trace
    assert hex_to_base64_id("eee19b7ec3c1b174") == "7uGbfsPBsXQ="


def test_all_zero_ids_mean_none():
    assert hex_id("0" * 32, 32) is None and hex_id("", 16) is None


def test_any_value_converts_every_kind():
    value = {"kvlistValue": {"values": [
        {"key": "s", "value": {"stringValue": "x"}},
        {"key": "i", "value": {"intValue": "-9223372036854775808"}},
        {"key": "d", "value": {"doubleValue": "NaN"}},
        {"key": "b", "value": {"boolValue": False}},
        {"key": "a", "value": {"arrayValue": {"values": [{"intValue": 1}, {}]}}},
        {"key": "y", "value": {"bytesValue": base64.b64encode(b"\x01\x02").decode()}},
    ]}}  # fmt: skip
    got = any_value(value)
    assert got["s"] == "x" and got["i"] == -(2**63) and got["d"] != got["d"]
    assert got["b"] is False and got["a"] == [1, None] and got["y"] == "0102"


@pytest.mark.parametrize("raw", ["9223372036854775808", 2**64, "1e3", True, 1.5], ids=repr)
def test_int64_bounds_and_types(raw):
    with pytest.raises(FieldProblem):
        as_int(raw)


def test_attributes_reject_non_string_keys():
    with pytest.raises(FieldProblem) as info:
        attributes([{"key": 1, "value": {}}])
    assert info.value.sub == (0,)
