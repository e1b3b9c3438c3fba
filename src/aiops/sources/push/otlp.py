"""OTLP/HTTP JSON logs -> `Event`s (kind log), and (re-exported) metrics -> `Sample`s.

Logs, per `resourceLogs[].scopeLogs[].logRecords[]`:
- service: resource attribute `service.name`; ci: the first of `CI_ATTRIBUTES`.
- occurred_at: `timeUnixNano`, else `observedTimeUnixNano`, else the receipt time.
- severity: `severityNumber` (1-12 trace/debug/info -> info, 13-16 -> warning,
  17-20 -> error, 21-24 -> critical), else `severityText` through the severity
  aliases, else info.
- summary: the body: a string as is; a kvlist's `message`/`msg` string, else the
  body as JSON (cut to 4 KiB).
- labels: the record's attributes as strings, plus `trace_id`/`span_id` (hex, lower
  case) when set. payload: resource attributes, scope, severity, eventName, and a
  structured body.
- id: a hash of the record's content and resource, so an exporter's retry of the same
  batch gives the same ids; fingerprint: the native default (trace/span ids excluded).

Unknown fields are ignored (the OTLP spec asks receivers to); a bad value anywhere
refuses the whole request (422), every problem listed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aiops.model import Event, EventKind, Severity
from aiops.normalize import fingerprint, from_unix_nanos, make_event, severity_or
from aiops.normalize.fields import truncate_utf8, type_name
from aiops.normalize.problems import Loc, Problems
from aiops.sources.push.otlp_metrics import translate_otlp_metrics
from aiops.sources.push.otlp_values import (
    SPAN_ID_HEX,
    TRACE_ID_HEX,
    any_value,
    as_int,
    as_text,
    attributes,
    base64_to_hex_id,
    children,
    hex_id,
    hex_to_base64_id,
    resource_attributes,
    service_and_ci,
    text_labels,
)

SOURCE = "otlp"
CODE = "invalid_payload"
_SEVERITY_BANDS = ((12, Severity.info), (16, Severity.warning), (20, Severity.error))


def translate_otlp_logs(data: Any, *, now: datetime) -> list[Event]:
    """Translate one ExportLogsServiceRequest (JSON); all records or none."""
    problems = Problems()
    events: list[Event] = []
    root = ("body",)
    if not isinstance(data, dict):
        problems.add(root, f"expected an OTLP logs object, got {type_name(data)}", "dict_type")
        problems.raise_if_any("invalid OTLP logs", code=CODE)
    for ri, rl in enumerate(
        problems.check(root + ("resourceLogs",), children, data, "resourceLogs") or []
    ):
        loc = root + ("resourceLogs", ri)
        if not isinstance(rl, dict):
            problems.add(loc, f"expected an object, got {type_name(rl)}", "dict_type")
            continue
        resource = problems.check(loc + ("resource",), resource_attributes, rl.get("resource"))
        if resource is None:
            continue
        for si, sl in enumerate(
            problems.check(loc + ("scopeLogs",), children, rl, "scopeLogs") or []
        ):
            sloc = loc + ("scopeLogs", si)
            if not isinstance(sl, dict):
                problems.add(sloc, f"expected an object, got {type_name(sl)}", "dict_type")
                continue
            scope = sl.get("scope")
            if not isinstance(scope, dict):
                scope = {}
            records = problems.check(sloc + ("logRecords",), children, sl, "logRecords") or []
            for li, record in enumerate(records):
                event = _record(record, sloc + ("logRecords", li), resource, scope, now, problems)
                if event is not None:
                    events.append(event)
    problems.raise_if_any("invalid OTLP logs", code=CODE)
    return events


def _record(
    record: Any,
    loc: Loc,
    resource: dict[str, Any],
    scope: dict[str, Any],
    now: datetime,
    problems: Problems,
) -> Event | None:
    if not isinstance(record, dict):
        problems.add(loc, f"expected a log record object, got {type_name(record)}", "dict_type")
        return None
    before = problems.count
    time = problems.check(loc + ("timeUnixNano",), from_unix_nanos, record.get("timeUnixNano"))
    observed = problems.check(
        loc + ("observedTimeUnixNano",), from_unix_nanos, record.get("observedTimeUnixNano")
    )
    number = problems.check(
        loc + ("severityNumber",), _severity_number, record.get("severityNumber")
    )
    text = record.get("severityText")
    body = problems.check(loc + ("body",), _body, record.get("body"))
    attrs = problems.check(loc + ("attributes",), attributes, record.get("attributes"))
    trace = problems.check(loc + ("traceId",), hex_id, record.get("traceId"), TRACE_ID_HEX)
    span = problems.check(loc + ("spanId",), hex_id, record.get("spanId"), SPAN_ID_HEX)
    if problems.count > before:
        return None
    labels = text_labels(attrs or {})
    if trace:
        labels["trace_id"] = trace
    if span:
        labels["span_id"] = span
    service, ci = service_and_ci(resource)
    payload: dict[str, Any] = {
        "resource": resource,
        "scope": {k: scope[k] for k in ("name", "version") if isinstance(scope.get(k), str)},
        "severityNumber": number or 0,
        "severityText": text if isinstance(text, str) else "",
    }
    if isinstance(record.get("eventName"), str):
        payload["eventName"] = record["eventName"]
    if body is not None and not isinstance(body, str):
        payload["body"] = body
    canonical = json.dumps([resource, payload["scope"], record], sort_keys=True, default=str)
    return make_event(
        source=SOURCE,
        kind=EventKind.log,
        occurred_at=time or observed or now,
        now=now,
        summary=truncate_utf8(_summary(body)),
        service=service,
        ci=ci,
        severity=_severity(number, text),
        labels=labels,
        payload=payload,
        id=fingerprint(SOURCE, canonical),
    )


def _severity_number(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.startswith("SEVERITY_NUMBER_"):
        return _SEVERITY_NAMES.get(value.removeprefix("SEVERITY_NUMBER_"), 0)
    number = as_int(value, lo=0, hi=24)
    return number


def _severity(number: int | None, text: Any) -> Severity:
    if number:
        return next((sev for top, sev in _SEVERITY_BANDS if number <= top), Severity.critical)
    return severity_or(text, Severity.info)


def _body(value: Any) -> Any:
    return None if value is None else any_value(value)


def _summary(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("message", "msg"):
            text = body.get(key)
            if isinstance(text, str):
                return text
    return as_text(body)


# SEVERITY_NUMBER_<NAME> enum names, as some encoders write them despite the spec.
_SEVERITY_NAMES = {"UNSPECIFIED": 0} | {
    f"{name}{suffix}": base + i
    for base, name in (
        (1, "TRACE"),
        (5, "DEBUG"),
        (9, "INFO"),
        (13, "WARN"),
        (17, "ERROR"),
        (21, "FATAL"),
    )
    for i, suffix in enumerate(("", "2", "3", "4"))
}

__all__ = [
    "base64_to_hex_id",
    "hex_to_base64_id",
    "translate_otlp_logs",
    "translate_otlp_metrics",
]
