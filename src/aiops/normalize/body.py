"""Request bodies -> JSON values, refusing oversize, non-UTF-8 and non-standard JSON.

Python's `json` accepts `NaN`, `Infinity` and `1e400` (-> inf); no sender we serve
writes those on purpose and they poison detectors downstream, so they are refused
here, with the line and column, like any other syntax error.
"""

from __future__ import annotations

import json
import math
from typing import Any

from aiops.errors import ErrorDetail, TooLarge, Unparsable

DEFAULT_MAX_BYTES = 1024 * 1024


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFinite(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFinite(f"number {text[:40]} is out of range")
    return value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def parse_json_body(body: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Decode a request body; TooLarge (413) over `max_bytes`, Unparsable (400) otherwise bad."""
    if len(body) > max_bytes:
        raise TooLarge(
            "request body too large",
            [
                ErrorDetail(
                    ("body",), f"body is {len(body)} bytes; the limit is {max_bytes}", "too_large"
                )
            ],
            code="body_too_large",
        )
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _unparsable(
            f"not UTF-8: byte 0x{body[exc.start]:02x} at offset {exc.start}", "utf8_invalid"
        ) from None
    if not text.strip():
        raise _unparsable("empty body; expected JSON", "json_invalid")
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise _unparsable(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", "json_invalid"
        ) from None
    except _NonFinite as exc:
        raise _unparsable(f"invalid JSON: {exc}", "json_invalid") from None
    except RecursionError:
        raise _unparsable("invalid JSON: nested too deeply", "json_invalid") from None
    except ValueError as exc:  # e.g. an integer over Python's 4300-digit limit
        raise _unparsable(f"invalid JSON: {exc}", "json_invalid") from None


def _unparsable(msg: str, type: str) -> Unparsable:
    return Unparsable("request body is not valid JSON", [ErrorDetail(("body",), msg, type)])
