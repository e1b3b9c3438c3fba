"""Read the level, time and message out of one log line: JSON logs or common text layouts.

Translation only: what the line says its level is, mapped onto our `Severity`. Lines
with no recognisable level are `info` with level label "unknown".

Recognised: JSON objects (`level`, `levelname`, `severity`, `lvl`, `log.level`, `@l`;
`message`/`msg`/`event`/`@m`; `timestamp`/`time`/`ts`/`@t`), logfmt `level=error`,
and a level word near the start (`2024-01-01 12:00:00 ERROR ...`, `[WARN] ...`,
`E 12:00 ...` is not guessed).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiops.model import Severity

_LEVELS: dict[str, tuple[str, Severity]] = {}
for _names, _level, _sev in (
    (("trace", "debug", "dbug", "verbose", "fine", "finer", "finest"), "debug", Severity.info),
    (("info", "information", "informational", "notice", "inf"), "info", Severity.info),
    (("warn", "warning", "wrn"), "warning", Severity.warning),
    (("error", "err", "eror", "severe"), "error", Severity.error),
    (
        ("critical", "crit", "fatal", "panic", "emerg", "emergency", "alert", "ftl"),
        "critical",
        Severity.critical,
    ),
):
    for _n in _names:
        _LEVELS[_n] = (_level, _sev)

_LEVEL_KEYS = (
    "level",
    "levelname",
    "severity",
    "lvl",
    "log.level",
    "@l",
    "loglevel",
    "severity_text",
)
_MSG_KEYS = ("message", "msg", "event", "@m", "@mt", "text")
_TIME_KEYS = ("timestamp", "time", "ts", "@t", "asctime", "datetime", "date")

_LOGFMT_LEVEL = re.compile(r"(?:^|\s)(?:level|lvl|severity)=\"?([A-Za-z]+)", re.I)
_WORD_LEVEL = re.compile(
    r"(?:^|[\s\[(<|:])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL|PANIC)"
    r"(?=[\s\]):>|,]|$)",
)
_ISO_PREFIX = re.compile(
    r"^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)"
)


@dataclass
class ParsedLine:
    level: str = "unknown"  # debug / info / warning / error / critical / unknown
    severity: Severity = Severity.info
    message: str = ""
    occurred_at: datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the JSON object, when it was one


def parse_line(text: str) -> ParsedLine:
    """Level, message, time (when the line carries one) and JSON fields of one line."""
    stripped = text.strip()
    if stripped.startswith("{"):
        parsed = _parse_json(stripped)
        if parsed is not None:
            return parsed
    out = ParsedLine(message=stripped)
    match = _LOGFMT_LEVEL.search(stripped[:300]) or _WORD_LEVEL.search(stripped[:120])
    if match:
        out.level, out.severity = level_of(match.group(1))
    iso = _ISO_PREFIX.match(stripped)
    if iso:
        out.occurred_at = parse_time(iso.group(1))
    return out


def level_of(word: object) -> tuple[str, Severity]:
    """A level name or syslog/bunyan number → (normalized level, Severity)."""
    if isinstance(word, int | float) and not isinstance(word, bool):
        return _numeric_level(float(word))
    key = str(word).strip().lower()
    return _LEVELS.get(key, ("unknown", Severity.info))


def _numeric_level(n: float) -> tuple[str, Severity]:
    # Numeric levels in JSON logs are mostly pino/bunyan's: 30 info, 40 warn, 50 error, 60 fatal.
    if n >= 60:
        return "critical", Severity.critical
    if n >= 50:
        return "error", Severity.error
    if n >= 40:
        return "warning", Severity.warning
    if n >= 30:
        return "info", Severity.info
    return "debug", Severity.info


def _parse_json(text: str) -> ParsedLine | None:
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    out = ParsedLine(fields=doc)
    level = _first(doc, _LEVEL_KEYS)
    if level is not None:
        out.level, out.severity = level_of(level)
    msg = _first(doc, _MSG_KEYS)
    out.message = str(msg) if msg is not None else text
    ts = _first(doc, _TIME_KEYS)
    if ts is not None:
        out.occurred_at = parse_time(ts)
    return out


def _first(doc: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in doc and doc[key] not in (None, ""):
            return doc[key]
    nested = doc.get("log")  # ECS: {"log": {"level": "error"}}
    if isinstance(nested, dict) and "log.level" in keys and nested.get("level"):
        return nested["level"]
    return None


def parse_time(value: object) -> datetime | None:
    """ISO 8601 text or Unix seconds/milliseconds → aware UTC datetime; None if unreadable."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            secs = float(value)
            if not math.isfinite(secs) or secs <= 0:
                return None
            if secs > 1e14:  # microseconds or nanoseconds
                secs /= 1e6 if secs < 1e17 else 1e9
            elif secs > 1e11:  # milliseconds
                secs /= 1e3
            return datetime.fromtimestamp(secs, tz=UTC)
        text = str(value).strip().replace(",", ".")
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
