"""Building `Event`s: the one constructor every source uses, and the native JSON schema.

Native schema (`POST /api/v1/events`, `aiops ingest`): one object or a non-empty array
of at most `max_batch` objects, each with

| field        | type                      | rule                                                   |
|--------------|---------------------------|--------------------------------------------------------|
| source       | string, **required**      | 1..200 bytes                                           |
| summary      | string, **required**      | 1..4096 bytes                                          |
| kind         | string                    | alert (default), log, metric, change, signal, health, message |
| service, ci  | string or null            | <= 200 bytes                                           |
| severity     | string                    | a word of `aiops.normalize.severity` (default warning) |
| labels       | object                    | <= 64 entries; values string/number/boolean (coerced to strings, <= 1 KiB); nested values rejected |
| occurred_at  | string or number          | RFC 3339 (no offset = UTC) or epoch seconds/millis, years 1970..2100; default: received time |
| payload      | object                    | kept as is                                             |
| status       | string                    | firing (default) or resolved                           |
| id           | string                    | <= 200 bytes; default: deterministic (see `make_event`) |
| fingerprint  | string                    | <= 200 bytes; default: `native_fingerprint`            |

Unknown fields are refused (a typo such as `sevrity` must not be silently dropped).
A batch is all-or-nothing: one bad item refuses the request and every bad item is
listed. Items are not deduplicated here: two items with the same id are both
returned and the pipeline's dedup makes the second a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput, TooLarge
from aiops.model import Event, EventKind, EventStatus, Severity
from aiops.normalize.fields import (
    MAX_SUMMARY_BYTES,
    as_labels,
    as_object,
    as_opt_str,
    as_str,
    short_repr,
    type_name,
)
from aiops.normalize.fingerprint import fingerprint as hash_parts
from aiops.normalize.fingerprint import native_fingerprint
from aiops.normalize.problems import FieldProblem, Loc, Problems
from aiops.normalize.severity import parse_severity
from aiops.normalize.timestamps import parse_timestamp

NATIVE_FIELDS = (
    "source", "kind", "service", "ci", "severity", "summary", "labels", "occurred_at",
    "payload", "status", "id", "fingerprint",
)  # fmt: skip
_REQUIRED = ("source", "summary")
DEFAULT_MAX_BATCH = 1000


def make_event(
    *,
    source: str,
    kind: EventKind | str,
    occurred_at: datetime,
    now: datetime,
    summary: str = "",
    service: str | None = None,
    ci: str | None = None,
    severity: Severity | str = Severity.warning,
    labels: Mapping[str, str] | None = None,
    payload: Mapping[str, Any] | None = None,
    status: EventStatus | str = EventStatus.firing,
    id: str | None = None,
    fingerprint: str | None = None,
) -> Event:
    """An `Event` with defaults filled: fingerprint, a deterministic id, received_at=now.

    The default id hashes source, fingerprint, occurred_at and status: a sender that
    re-delivers the same occurrence (a retry, Alertmanager's group_interval re-send)
    produces the same id, which is what makes the re-delivery a no-op downstream.
    Naive datetimes are taken as UTC.
    """
    kind = EventKind(kind)
    status = EventStatus(status)
    occurred_at = _utc(occurred_at)
    labels = dict(labels or {})
    if fingerprint is None:
        fingerprint = native_fingerprint(
            source=source, kind=kind.value, service=service, ci=ci, labels=labels, summary=summary
        )
    if id is None:
        id = hash_parts(source, fingerprint, occurred_at.isoformat(), status.value)
    return Event(
        id=id,
        source=source,
        kind=kind,
        service=service,
        ci=ci,
        severity=Severity(severity),
        summary=summary,
        labels=labels,
        occurred_at=occurred_at,
        received_at=_utc(now),
        status=status,
        fingerprint=fingerprint,
        payload=dict(payload or {}),
    )


def parse_native(data: Any, *, now: datetime, max_batch: int = DEFAULT_MAX_BATCH) -> list[Event]:
    """Validate native JSON (one object or an array) into events, all or nothing."""
    if isinstance(data, dict):
        items: list[tuple[Loc, Any]] = [(("body",), data)]
    elif isinstance(data, list):
        if not data:
            raise InvalidInput(
                "empty batch",
                [ErrorDetail(("body",), "expected at least one event", "too_short")],
                code="invalid_event",
            )
        if len(data) > max_batch:
            raise TooLarge(
                "batch too large",
                [
                    ErrorDetail(
                        ("body",),
                        f"batch has {len(data)} events; the limit is {max_batch}",
                        "batch_too_large",
                    )
                ],
                code="batch_too_large",
            )
        items = [(("body", i), item) for i, item in enumerate(data)]
    else:
        raise InvalidInput(
            "invalid event",
            [
                ErrorDetail(
                    ("body",),
                    f"expected an event object or an array of them, got {type_name(data)}",
                    "model_type",
                )
            ],
            code="invalid_event",
        )
    problems = Problems()
    events = [_parse_one(item, loc, now, problems) for loc, item in items]
    problems.raise_if_any("invalid event" if len(items) == 1 else "invalid events in batch",
                          code="invalid_event")  # fmt: skip
    return [e for e in events if e is not None]


def _parse_one(item: Any, loc: Loc, now: datetime, problems: Problems) -> Event | None:
    if not isinstance(item, dict):
        problems.add(loc, f"expected an event object, got {type_name(item)}", "dict_type")
        return None
    before = problems.count
    for key in item:
        if key not in NATIVE_FIELDS:
            problems.add(
                loc + (key,),
                f"unknown field {short_repr(key)}; allowed: {', '.join(NATIVE_FIELDS)}",
                "extra_forbidden",
            )
    for key in _REQUIRED:
        if key not in item:
            problems.add(loc + (key,), "field required", "missing")
        elif item[key] is None:
            problems.add(loc + (key,), "expected a string, got null", "string_type")

    def field(name: str, fn: Any, *args: Any, default: Any = None) -> Any:
        value = item.get(name)
        if value is None:
            return default
        return problems.check(loc + (name,), fn, value, *args)

    source = field("source", as_str)
    summary = field("summary", _summary)
    kind = field("kind", _enum, EventKind, default=EventKind.alert)
    status = field("status", _enum, EventStatus, default=EventStatus.firing)
    service = field("service", as_opt_str)
    ci = field("ci", as_opt_str)
    severity = field("severity", parse_severity, default=Severity.warning)
    labels = field("labels", as_labels, default={})
    occurred_at = field("occurred_at", parse_timestamp, default=now)
    payload = field("payload", as_object, default={})
    event_id = field("id", as_opt_str)
    fp = field("fingerprint", as_opt_str)
    if problems.count > before:
        return None
    return make_event(
        source=source,
        kind=kind,
        occurred_at=occurred_at,
        now=now,
        summary=summary,
        service=service,
        ci=ci,
        severity=severity,
        labels=labels,
        payload=payload,
        status=status,
        id=event_id,
        fingerprint=fp,
    )


def _summary(value: Any) -> str:
    return as_str(value, max_bytes=MAX_SUMMARY_BYTES)


def _enum(value: Any, enum: type[EventKind] | type[EventStatus]) -> Any:
    allowed = ", ".join(m.value for m in enum)
    if not isinstance(value, str):
        raise FieldProblem(f"expected one of {allowed}, got {type_name(value)}", "enum")
    try:
        return enum(value)
    except ValueError:
        raise FieldProblem(f"expected one of {allowed}, got {short_repr(value)}", "enum") from None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
