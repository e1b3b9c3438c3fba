"""Validators for the plain JSON fields every schema shares: strings, labels, objects.

Each raises `FieldProblem` with a message that says what was expected and what came,
so a sender can fix the field without reading our code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from aiops.normalize.problems import FieldProblem

#: Limits of the native schema (bytes of UTF-8, counted after coercion).
MAX_SUMMARY_BYTES = 4096
MAX_LABELS = 64
MAX_LABEL_KEY_BYTES = 200
MAX_LABEL_VALUE_BYTES = 1024
MAX_NAME_BYTES = 200  # source, service, ci, id, fingerprint


def type_name(value: Any) -> str:
    """The JSON name of a Python value, for messages ("got array")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def short_repr(value: Any, limit: int = 60) -> str:
    """`repr` cut to `limit` chars: echo enough of a bad value to find it, not all of it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def as_str(value: Any, *, max_bytes: int = MAX_NAME_BYTES, empty_ok: bool = False) -> str:
    """A JSON string within `max_bytes`; no coercion (a number where a name belongs is a bug)."""
    if not isinstance(value, str):
        raise FieldProblem(f"expected a string, got {type_name(value)}", "string_type")
    if not empty_ok and not value.strip():
        raise FieldProblem("must not be empty", "string_too_short")
    if utf8_len(value) > max_bytes:
        raise FieldProblem(
            f"is {utf8_len(value)} bytes; the limit is {max_bytes}", "string_too_long"
        )
    return value


def as_opt_str(value: Any, *, max_bytes: int = MAX_NAME_BYTES) -> str | None:
    """`as_str`, with null meaning absent."""
    return None if value is None else as_str(value, max_bytes=max_bytes)


def as_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldProblem(f"expected an object, got {type_name(value)}", "dict_type")
    return value


def as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise FieldProblem(f"expected an array, got {type_name(value)}", "list_type")
    return value


def label_value(value: Any) -> str:
    """A label value as a string: numbers and booleans are coerced, anything nested is not.

    Booleans become "true"/"false" (the JSON spelling), integers their digits, floats
    Python's shortest round-trip repr ("0.5", "1e+20").
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FieldProblem(f"not a finite number: {value!r}", "finite_number")
        return repr(value)
    raise FieldProblem(
        f"expected a string, number or boolean, got {type_name(value)}", "label_value_type"
    )


def as_labels(
    value: Any,
    *,
    max_labels: int | None = MAX_LABELS,
    max_value_bytes: int | None = MAX_LABEL_VALUE_BYTES,
) -> dict[str, str]:
    """A flat str->str map. Raises on the first bad entry, naming its key in `sub`."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FieldProblem(f"expected an object of strings, got {type_name(value)}", "dict_type")
    if max_labels is not None and len(value) > max_labels:
        raise FieldProblem(f"has {len(value)} entries; the limit is {max_labels}", "too_long")
    out: dict[str, str] = {}
    for key, raw in value.items():
        if not key or utf8_len(key) > MAX_LABEL_KEY_BYTES:
            raise FieldProblem(
                f"label names must be 1..{MAX_LABEL_KEY_BYTES} bytes", "label_name", (key,)
            )
        try:
            text = label_value(raw)
        except FieldProblem as p:
            raise FieldProblem(p.msg, p.type, (key,)) from None
        if max_value_bytes is not None and utf8_len(text) > max_value_bytes:
            raise FieldProblem(
                f"is {utf8_len(text)} bytes; the limit is {max_value_bytes}",
                "string_too_long",
                (key,),
            )
        out[key] = text
    return out


def truncate_utf8(text: str, max_bytes: int = MAX_SUMMARY_BYTES) -> str:
    """Cut `text` to at most `max_bytes` of UTF-8 without splitting a character.

    Adapters truncate (a long annotation is the sender's style, not an error); the
    native schema rejects instead, since its sender controls the field.
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode("utf-8", "ignore") + "..."
