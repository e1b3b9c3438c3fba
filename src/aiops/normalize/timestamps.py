"""Timestamps as senders write them, turned into aware UTC datetimes.

Accepted:
- an RFC 3339 string: `2024-05-01T12:00:00Z`, `...+09:00`, `...+0900` (CloudWatch),
  any number of fraction digits (Alertmanager writes nanoseconds; we keep micro);
  a space may stand for the `T`. A string without an offset is taken as UTC.
- a JSON number of epoch **seconds**, or of epoch **milliseconds** when its magnitude
  is at least 1e11 (1e11 s is year 5138, 1e11 ms is 1973, so the two cannot be
  confused inside the accepted range).
- nanoseconds since the epoch (`from_unix_nanos`), as OTLP writes them: a decimal
  string or an integer.

Only years 1970..2100 are accepted: anything else is a unit mistake or garbage.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from aiops.normalize.fields import short_repr, type_name
from aiops.normalize.problems import FieldProblem

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_TIME = EPOCH
MAX_TIME = datetime(2101, 1, 1, tzinfo=UTC)  # exclusive: year 2100 is the last accepted
MILLIS_THRESHOLD = 1e11

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?"
)


def parse_timestamp(value: Any) -> datetime:
    """An RFC 3339 string or epoch seconds/millis number -> aware UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldProblem(
            f"expected an RFC 3339 string or epoch seconds/millis, got {type_name(value)}",
            "datetime_type",
        )
    if isinstance(value, str):
        return check_range(_parse_rfc3339(value), value)
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldProblem(f"not a timestamp: {value!r}", "datetime_parsing")
    try:
        if abs(value) >= MILLIS_THRESHOLD:
            moment = EPOCH + timedelta(milliseconds=value)
        else:
            moment = EPOCH + timedelta(seconds=value)
    except OverflowError:
        raise FieldProblem(_range_msg(value), "datetime_range") from None
    return check_range(moment, value)


def from_unix_nanos(value: Any) -> datetime | None:
    """OTLP's `timeUnixNano` (string or int) -> aware UTC datetime; 0 or absent -> None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldProblem(
            f"expected nanoseconds as a string or integer, got {type_name(value)}",
            "datetime_type",
        )
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit() or len(value) > 20:
            raise FieldProblem(
                f"not a nanosecond timestamp: {short_repr(value)}", "datetime_parsing"
            )
        value = int(value)
    if value == 0:
        return None
    try:
        moment = EPOCH + timedelta(microseconds=value // 1000)
    except OverflowError:
        raise FieldProblem(_range_msg(value), "datetime_range") from None
    return check_range(moment, value)


def check_range(moment: datetime, raw: Any) -> datetime:
    """Refuse times outside 1970..2100, naming the raw input."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not MIN_TIME <= moment < MAX_TIME:
        raise FieldProblem(_range_msg(raw), "datetime_range")
    return moment.astimezone(UTC)


def _parse_rfc3339(text: str) -> datetime:
    if len(text) > 64 or not _RFC3339.fullmatch(text):
        raise FieldProblem(f"not a timestamp: {short_repr(text)}", "datetime_parsing")
    normal = text.replace("t", "T").replace("z", "Z").replace(",", ".")
    try:
        return datetime.fromisoformat(normal)
    except ValueError:
        raise FieldProblem(f"not a timestamp: {short_repr(text)}", "datetime_parsing") from None


def _range_msg(raw: Any) -> str:
    return f"timestamp out of range (years 1970..2100 accepted): {short_repr(raw)}"
