"""Amazon SNS HTTP delivery carrying CloudWatch alarm state changes -> `Event`s.

SNS posts JSON with `Content-Type: text/plain`; the header `x-amz-sns-message-type`
(falling back to the body's `Type`) says what it is:
- `Notification`: `Message` is a JSON *string* holding the alarm -> one Event.
- `SubscriptionConfirmation` / `UnsubscribeConfirmation`: no event; the result
  carries TopicArn and SubscribeURL for the caller to LOG. Nothing here fetches the
  URL: confirming a subscription is an operator's decision.

Alarm -> Event:
- fingerprint: `AlarmArn` (else a hash of account, region and alarm name).
- status/severity by `NewStateValue`: ALARM -> firing/error; OK -> resolved/info;
  INSUFFICIENT_DATA -> firing/info (the metric went silent: worth seeing, not paging).
  A `severity=<word>` token in `AlarmDescription` overrides the ALARM severity.
- occurred_at: `StateChangeTime` (else the SNS `Timestamp`); id deterministic, so an
  SNS re-delivery maps to the same id.
- service: token `service=<x>` in `AlarmDescription`, else the first dimension of
  `SERVICE_DIMENSIONS`; ci: token `ci=<x>`, else the first of `CI_DIMENSIONS`.
- labels: alertname, namespace, metric_name, aws_region, aws_account_id, and each
  dimension under its own name (`InstanceId`, ...).
- summary: "<AlarmName> is <state>: <NewStateReason>" (cut to 4 KiB).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NoReturn

from aiops.errors import ErrorDetail, InvalidInput
from aiops.model import Event, EventKind, EventStatus, Severity
from aiops.normalize import fingerprint, make_event, parse_timestamp, severity_or
from aiops.normalize.fields import label_value, short_repr, truncate_utf8, type_name
from aiops.normalize.problems import FieldProblem, Problems
from aiops.sources.push.sns_signature import SnsVerifier, is_sns_url

SOURCE = "cloudwatch"
CODE = "invalid_payload"
TYPE_HEADER = "x-amz-sns-message-type"
SnsKind = Literal["notification", "subscription_confirmation", "unsubscribe_confirmation"]
_KINDS: dict[str, SnsKind] = {
    "Notification": "notification",
    "SubscriptionConfirmation": "subscription_confirmation",
    "UnsubscribeConfirmation": "unsubscribe_confirmation",
}
STATES: dict[str, tuple[EventStatus, Severity]] = {
    "ALARM": (EventStatus.firing, Severity.error),
    "OK": (EventStatus.resolved, Severity.info),
    "INSUFFICIENT_DATA": (EventStatus.firing, Severity.info),
}
SERVICE_DIMENSIONS = ("Service", "ServiceName", "ClusterName")
CI_DIMENSIONS = (
    "InstanceId", "DBInstanceIdentifier", "DBClusterIdentifier", "CacheClusterId",
    "LoadBalancer", "TargetGroup", "FunctionName", "AutoScalingGroupName", "QueueName",
    "TableName", "BucketName",
)  # fmt: skip
_TAG = re.compile(r"\b(service|ci|severity)\s*[=:]\s*([\w.\-/]+)", re.IGNORECASE)
_ARN = re.compile(r"arn:aws[\w-]*:cloudwatch:([a-z0-9-]+):(\d+):alarm:")


@dataclass(frozen=True)
class SnsResult:
    """What one SNS delivery was. Confirmations carry what to log, never act on."""

    kind: SnsKind
    events: list[Event] = field(default_factory=list)
    topic_arn: str | None = None
    subscribe_url: str | None = None
    #: True when `subscribe_url` is https on an SNS host (safe for an operator to open).
    subscribe_url_trusted: bool = False
    message_id: str | None = None


def translate_sns(
    headers: Mapping[str, str], data: Any, *, now: datetime, verifier: SnsVerifier | None
) -> SnsResult:
    """Translate one SNS delivery; verify its signature first when `verifier` is given."""
    if not isinstance(data, dict):
        _refuse(("body",), f"expected an SNS message object, got {type_name(data)}")
    sns_type = _message_type(headers, data)
    if verifier is not None:
        verifier.verify(data, now=now)
    kind = _KINDS[sns_type]
    message_id = data.get("MessageId") if isinstance(data.get("MessageId"), str) else None
    topic = data.get("TopicArn")
    if not isinstance(topic, str) or not topic:
        _refuse(("body", "TopicArn"), f"expected the topic ARN, got {short_repr(topic)}")
    if kind != "notification":
        url = data.get("SubscribeURL")
        if not isinstance(url, str) or not url:
            _refuse(("body", "SubscribeURL"), f"expected a URL, got {short_repr(url)}")
        return SnsResult(kind, [], topic, url, is_sns_url(url), message_id)
    alarm = _alarm(data.get("Message"))
    event = _alarm_event(alarm, data, now)
    return SnsResult(kind, [event], topic, None, False, message_id)


def _message_type(headers: Mapping[str, str], data: dict[str, Any]) -> str:
    header = next((v for k, v in headers.items() if k.lower() == TYPE_HEADER), None)
    body = data.get("Type")
    if header is not None and body is not None and header != body:
        _refuse(("headers", TYPE_HEADER), f"says {header!r} but the body's Type is {body!r}")
    sns_type = header if header is not None else body
    if sns_type not in _KINDS:
        where = ("headers", TYPE_HEADER) if header is not None else ("body", "Type")
        _refuse(where, f"expected one of {', '.join(_KINDS)}, got {short_repr(sns_type)}")
    return str(sns_type)


def _alarm(message: Any) -> dict[str, Any]:
    loc = ("body", "Message")
    if not isinstance(message, str):
        _refuse(loc, f"expected a JSON string, got {type_name(message)}")
    try:
        alarm = json.loads(message)
    except (ValueError, RecursionError):
        _refuse(loc, "not JSON: expected a CloudWatch alarm as a JSON string")
    if not isinstance(alarm, dict) or "AlarmName" not in alarm or "NewStateValue" not in alarm:
        _refuse(loc, "not a CloudWatch alarm state change (no AlarmName / NewStateValue)")
    return alarm


def _alarm_event(alarm: dict[str, Any], sns: dict[str, Any], now: datetime) -> Event:
    loc = ("body", "Message")
    problems = Problems()
    name = problems.check(loc + ("AlarmName",), _text, alarm.get("AlarmName"))
    state = problems.check(loc + ("NewStateValue",), _state, alarm.get("NewStateValue"))
    arn = problems.check(loc + ("AlarmArn",), _opt_text, alarm.get("AlarmArn"))
    reason = problems.check(loc + ("NewStateReason",), _opt_text, alarm.get("NewStateReason"))
    described = problems.check(
        loc + ("AlarmDescription",), _opt_text, alarm.get("AlarmDescription")
    )
    raw_time = alarm.get("StateChangeTime")
    time_loc: tuple[str, ...] = loc + ("StateChangeTime",)
    if raw_time is None:
        raw_time, time_loc = sns.get("Timestamp"), ("body", "Timestamp")
    occurred_at = problems.check(time_loc, parse_timestamp, raw_time) if raw_time else now
    dimensions = problems.check(loc + ("Trigger",), _dimensions, alarm.get("Trigger"))
    problems.raise_if_any("invalid CloudWatch alarm", code=CODE)
    assert name is not None and state is not None and dimensions is not None
    status, severity = STATES[state]
    tags = {k.lower(): v for k, v in _TAG.findall(described or "")}
    if state == "ALARM":
        severity = severity_or(tags.get("severity"), severity)
    labels = _labels(alarm, arn, name, dimensions)
    return make_event(
        source=SOURCE,
        kind=EventKind.alert,
        occurred_at=occurred_at or now,
        now=now,
        summary=truncate_utf8(f"{name} is {state}: {reason}" if reason else f"{name} is {state}"),
        service=tags.get("service") or _first(dimensions, SERVICE_DIMENSIONS),
        ci=tags.get("ci") or _first(dimensions, CI_DIMENSIONS),
        severity=severity,
        labels=labels,
        payload=_payload(alarm, sns),
        status=status,
        fingerprint=arn
        or fingerprint(
            SOURCE, labels.get("aws_account_id", ""), labels.get("aws_region", ""), name
        ),
    )


def _labels(
    alarm: dict[str, Any], arn: str | None, name: str, dimensions: dict[str, str]
) -> dict[str, str]:
    labels = {"alertname": name}
    match = _ARN.match(arn or "")
    region = match.group(1) if match else alarm.get("Region")
    account = match.group(2) if match else alarm.get("AWSAccountId")
    trigger = alarm.get("Trigger")
    if not isinstance(trigger, dict):
        trigger = {}
    for key, value in (
        ("aws_region", region),
        ("aws_account_id", account),
        ("namespace", trigger.get("Namespace")),
        ("metric_name", trigger.get("MetricName")),
    ):
        if isinstance(value, str) and value:
            labels[key] = value
    for key, value in dimensions.items():
        labels.setdefault(key, value)
    return labels


def _dimensions(trigger: Any) -> dict[str, str]:
    """Dimensions of a metric alarm, or of every metric of a metric-math alarm."""
    if trigger is None:
        return {}
    if not isinstance(trigger, dict):
        raise FieldProblem(f"expected an object, got {type_name(trigger)}", "dict_type")
    lists = [trigger.get("Dimensions")]
    for metric in trigger.get("Metrics") or []:
        stat = metric.get("MetricStat") if isinstance(metric, dict) else None
        inner = stat.get("Metric") if isinstance(stat, dict) else None
        if isinstance(inner, dict):
            lists.append(inner.get("Dimensions"))
    out: dict[str, str] = {}
    for dims in lists:
        if dims is None:
            continue
        if not isinstance(dims, list):
            raise FieldProblem(f"Dimensions: expected an array, got {type_name(dims)}", "list_type")
        for dim in dims:
            if not isinstance(dim, dict):
                raise FieldProblem("Dimensions: expected {name, value} objects", "dict_type")
            key, value = dim.get("name", dim.get("Name")), dim.get("value", dim.get("Value"))
            if not isinstance(key, str) or not key or value is None:
                raise FieldProblem(f"Dimensions: bad entry {short_repr(dim)}", "value_error")
            out.setdefault(key, label_value(value))
    return out


def _payload(alarm: dict[str, Any], sns: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "AlarmName", "AlarmArn", "AlarmDescription", "AWSAccountId", "Region",
        "NewStateValue", "OldStateValue", "NewStateReason", "StateChangeTime", "Trigger",
    )  # fmt: skip
    payload = {k: alarm[k] for k in keep if k in alarm}
    payload["sns"] = {
        k: sns[k] for k in ("MessageId", "TopicArn", "Subject", "Timestamp") if k in sns
    }
    return payload


def _state(value: Any) -> str:
    if isinstance(value, str) and value in STATES:
        return value
    raise FieldProblem(f"expected ALARM, OK or INSUFFICIENT_DATA, got {short_repr(value)}", "enum")


def _text(value: Any) -> str:
    if isinstance(value, str) and value:
        return value
    raise FieldProblem(f"expected a non-empty string, got {short_repr(value)}", "string_type")


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _first(dimensions: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((dimensions[n] for n in names if dimensions.get(n)), None)


def _refuse(loc: tuple[str | int, ...], msg: str) -> NoReturn:
    raise InvalidInput("invalid SNS message", [ErrorDetail(loc, msg, "value_error")], code=CODE)
