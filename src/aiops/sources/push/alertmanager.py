"""Prometheus Alertmanager webhook (payload `version: "4"`) -> one `Event` per alert.

Mapping, per alert:
- status: the alert's `status` (firing | resolved).
- fingerprint: Alertmanager's `fingerprint` when present, else a hash of the sorted labels
  (so the same alert keeps one stream whichever Alertmanager replica sends it).
- occurred_at: `startsAt` while firing, `endsAt` once resolved. `endsAt` is
  `0001-01-01T00:00:00Z` while firing and is then ignored.
- id: deterministic (source, fingerprint, occurred_at, status): Alertmanager re-sends
  the whole group every `group_interval` and each re-send maps to the same ids.
- service: first present label of `service`, `job`, `app`.
- ci: first present label of `ci`, `instance`, `pod`, `container`.
- severity: `labels.severity` through the severity aliases; unknown or absent -> warning.
- summary: `annotations.summary`, else `annotations.description`, else `labels.alertname`
  (cut to 4 KiB).
- labels: the alert's labels as sent. payload: generatorURL, annotations, startsAt,
  endsAt, and the group's groupKey, receiver, externalURL.

Unknown fields are ignored (Alertmanager adds fields across releases); a wrong
`version`, missing `alerts`, bad statuses and bad timestamps are refused (422), and the
whole request is refused if any alert is bad.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from aiops.errors import ErrorDetail, InvalidInput
from aiops.model import Event, EventKind, EventStatus, Severity
from aiops.normalize import fingerprint, make_event, parse_timestamp, severity_or
from aiops.normalize.fields import as_labels, as_opt_str, short_repr, truncate_utf8, type_name
from aiops.normalize.problems import FieldProblem, Loc, Problems

SOURCE = "alertmanager"
VERSION = "4"
SERVICE_LABELS = ("service", "job", "app")
CI_LABELS = ("ci", "instance", "pod", "container")
ZERO_TIME_PREFIX = "0001-01-01"
_GROUP_KEYS = ("groupKey", "receiver", "externalURL")
CODE = "invalid_payload"


def translate_alertmanager(data: Any, *, now: datetime) -> list[Event]:
    """Translate one webhook body; all alerts or none."""
    if not isinstance(data, dict):
        _refuse(("body",), f"expected an Alertmanager webhook object, got {type_name(data)}")
    version = data.get("version")
    if version != VERSION:
        _refuse(
            ("body", "version"),
            f'unsupported webhook version {short_repr(version)}; expected "4"',
            "version",
        )
    alerts = data.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        what = "missing" if alerts is None else f"got {type_name(alerts)} {short_repr(alerts)}"
        _refuse(("body", "alerts"), f"expected a non-empty array of alerts, {what}")
    group = {k: data[k] for k in _GROUP_KEYS if isinstance(data.get(k), str)}
    problems = Problems()
    events = [
        _alert(alert, ("body", "alerts", i), group, now, problems) for i, alert in enumerate(alerts)
    ]
    problems.raise_if_any("invalid Alertmanager webhook", code=CODE)
    return [e for e in events if e is not None]


def _alert(
    alert: Any, loc: Loc, group: dict[str, str], now: datetime, problems: Problems
) -> Event | None:
    if not isinstance(alert, dict):
        problems.add(loc, f"expected an alert object, got {type_name(alert)}", "dict_type")
        return None
    before = problems.count
    status = problems.check(loc + ("status",), _status, alert.get("status"))
    labels = problems.check(loc + ("labels",), _labels, alert.get("labels"))
    annotations = problems.check(loc + ("annotations",), _annotations, alert.get("annotations"))
    starts_at = problems.check(loc + ("startsAt",), _required_time, alert.get("startsAt"))
    ends_at = problems.check(loc + ("endsAt",), _optional_time, alert.get("endsAt"))
    generator = problems.check(loc + ("generatorURL",), _opt_text, alert.get("generatorURL"))
    fp = problems.check(loc + ("fingerprint",), as_opt_str, alert.get("fingerprint"))
    if status is EventStatus.resolved and ends_at is None and problems.count == before:
        problems.add(loc + ("endsAt",), "a resolved alert needs endsAt", "missing")
    if problems.count > before:
        return None
    assert labels is not None and annotations is not None and starts_at is not None
    occurred_at = ends_at if status is EventStatus.resolved and ends_at else starts_at
    summary = (
        annotations.get("summary") or annotations.get("description") or labels.get("alertname", "")
    )
    payload: dict[str, Any] = {
        "annotations": annotations,
        "startsAt": alert.get("startsAt"),
        "endsAt": alert.get("endsAt"),
        **group,
    }
    if generator:
        payload["generatorURL"] = generator
    return make_event(
        source=SOURCE,
        kind=EventKind.alert,
        occurred_at=occurred_at,
        now=now,
        summary=truncate_utf8(summary),
        service=_first(labels, SERVICE_LABELS),
        ci=_first(labels, CI_LABELS),
        severity=severity_or(labels.get("severity"), Severity.warning),
        labels=labels,
        payload=payload,
        status=status,  # type: ignore[arg-type]  # checked above
        fingerprint=fp or fingerprint(SOURCE, labels),
    )


def _status(value: Any) -> EventStatus:
    if value == "firing":
        return EventStatus.firing
    if value == "resolved":
        return EventStatus.resolved
    raise FieldProblem(f'expected "firing" or "resolved", got {short_repr(value)}', "enum")


def _labels(value: Any) -> dict[str, str]:
    if value is None:
        raise FieldProblem("field required", "missing")
    labels = as_labels(value, max_labels=None, max_value_bytes=None)
    if not labels:
        raise FieldProblem("an alert needs at least one label", "too_short")
    return labels


def _annotations(value: Any) -> dict[str, str]:
    return as_labels(value, max_labels=None, max_value_bytes=None)


def _required_time(value: Any) -> datetime:
    if value is None:
        raise FieldProblem("field required", "missing")
    return parse_timestamp(value)


def _optional_time(value: Any) -> datetime | None:
    """`endsAt`: absent or Go's zero time mean "not ended"."""
    if value is None or (isinstance(value, str) and value.startswith(ZERO_TIME_PREFIX)):
        return None
    return parse_timestamp(value)


def _opt_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise FieldProblem(f"expected a string, got {type_name(value)}", "string_type")


def _first(labels: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if labels.get(name):
            return labels[name]
    return None


def _refuse(loc: Loc, msg: str, type: str = "value_error") -> NoReturn:
    raise InvalidInput("invalid Alertmanager webhook", [ErrorDetail(loc, msg, type)], code=CODE)
