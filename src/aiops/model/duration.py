"""Durations as a service manager writes them: `"30s"`, `"5m"`, `"1h30m"`, or plain seconds.

Every `*_s` field in the YAML files uses `DurationS`, so one spelling works everywhere
and a typo ("5 min") fails at load time with the accepted forms in the message.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_HINT = "expected a duration such as 30s, 5m, 1h30m or a number of seconds"


def parse_duration(value: Any) -> float:
    """Seconds from an int/float or a string like `"1h30m"`; ValueError names the forms."""
    if isinstance(value, bool):  # bool is an int subclass; `true` is never a duration
        raise ValueError(f"{_HINT}; got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip().lower())
    else:
        raise ValueError(f"{_HINT}; got {type(value).__name__}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{_HINT}; got {value!r} (must be finite and not negative)")
    return seconds


def _parse_text(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    pos, total = 0, 0.0
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_S[match.group(2)]
        pos = match.end()
    if pos == 0 or pos != len(text):
        raise ValueError(f"{_HINT}; got {text!r}")
    return total


def format_duration(seconds: float) -> str:
    """A short human form for messages: 40 s, 5 min, 2 h 5 min, 3 d."""
    s = int(round(seconds))
    if s < 120:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    return f"{s // 86400} d"


DurationS = Annotated[float, BeforeValidator(parse_duration)]
"""A pydantic field type: seconds, accepting the written forms above."""

__all__ = ["DurationS", "format_duration", "parse_duration"]
