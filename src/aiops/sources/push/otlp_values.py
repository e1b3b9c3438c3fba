"""The parts of OTLP/HTTP JSON that logs and metrics share: AnyValue, attributes,
resources, ids and 64-bit integers.

OTLP JSON is protobuf's JSON mapping with two exceptions senders rely on: trace and
span ids are **hex** (protobuf JSON would use base64: `hex_to_base64_id` converts for
callers feeding protobuf's parser), and enum fields are integers. 64-bit integers
(`intValue`, `timeUnixNano`, counts) may be JSON strings; doubles may be the strings
"NaN", "Infinity", "-Infinity".
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from typing import Any

from aiops.normalize.fields import short_repr, type_name
from aiops.normalize.problems import FieldProblem

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UINT64_MAX = 2**64 - 1
TRACE_ID_HEX = 32
SPAN_ID_HEX = 16
_HEX = re.compile(r"[0-9a-fA-F]+")
_DOUBLE_WORDS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
#: Resource attributes naming the CI, most specific first.
CI_ATTRIBUTES = ("k8s.pod.name", "container.name", "host.name", "service.instance.id")


def as_int(value: Any, lo: int = INT64_MIN, hi: int = INT64_MAX) -> int:
    """A 64-bit integer from a JSON integer or decimal string."""
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
            raise FieldProblem(f"not an integer: {short_repr(value)}", "int_parsing")
        value = int(text)
    elif isinstance(value, bool) or not isinstance(value, int):
        raise FieldProblem(f"expected an integer, got {type_name(value)}", "int_type")
    if not lo <= value <= hi:
        raise FieldProblem(f"integer out of range: {value}", "int_range")
    return int(value)


def as_double(value: Any) -> float:
    """A double from a JSON number or protobuf's string forms (may be NaN/inf)."""
    if isinstance(value, str):
        if value in _DOUBLE_WORDS:
            return _DOUBLE_WORDS[value]
        try:
            return float(value)
        except ValueError:
            raise FieldProblem(f"not a number: {short_repr(value)}", "float_parsing") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldProblem(f"expected a number, got {type_name(value)}", "float_type")
    return float(value)


def any_value(value: Any) -> Any:
    """OTLP AnyValue -> a plain Python value (str, bool, int, float, list, dict, None)."""
    if not isinstance(value, dict):
        raise FieldProblem(f"expected an AnyValue object, got {type_name(value)}", "dict_type")
    if "stringValue" in value:
        text = value["stringValue"]
        if not isinstance(text, str):
            raise FieldProblem("stringValue must be a string", "string_type")
        return text
    if "boolValue" in value:
        if not isinstance(value["boolValue"], bool):
            raise FieldProblem("boolValue must be true or false", "bool_type")
        return value["boolValue"]
    if "intValue" in value:
        return as_int(value["intValue"])
    if "doubleValue" in value:
        return as_double(value["doubleValue"])
    if "arrayValue" in value:
        inner = value["arrayValue"] or {}
        items = inner.get("values") or [] if isinstance(inner, dict) else None
        if not isinstance(items, list):  # also when arrayValue itself is not an object
            raise FieldProblem("arrayValue.values must be an array", "list_type")
        return [any_value(v) for v in items]
    if "kvlistValue" in value:
        inner = value["kvlistValue"] or {}
        return attributes(inner.get("values") if isinstance(inner, dict) else inner)
    if "bytesValue" in value:
        try:
            return base64.b64decode(value["bytesValue"], validate=True).hex()
        except (binascii.Error, TypeError, ValueError):
            raise FieldProblem("bytesValue must be base64", "bytes_type") from None
    return None  # an empty AnyValue is allowed and means "no value"


def attributes(value: Any) -> dict[str, Any]:
    """A KeyValue list -> dict. Absent -> {}."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise FieldProblem(
            f"expected an array of {{key, value}}, got {type_name(value)}", "list_type"
        )
    out: dict[str, Any] = {}
    for i, kv in enumerate(value):
        if not isinstance(kv, dict) or not isinstance(kv.get("key"), str):
            raise FieldProblem("expected {key: string, value: AnyValue}", "dict_type", (i,))
        try:
            out[kv["key"]] = any_value(kv.get("value") or {})
        except FieldProblem as p:
            raise FieldProblem(p.msg, p.type, (i, "value") + p.sub) from None
    return out


def as_text(value: Any) -> str:
    """An attribute value as a label string: scalars as written, structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def text_labels(attrs: dict[str, Any]) -> dict[str, str]:
    return {k: as_text(v) for k, v in attrs.items()}


def resource_attributes(resource: Any) -> dict[str, Any]:
    if resource is None:
        return {}
    if not isinstance(resource, dict):
        raise FieldProblem(f"expected an object, got {type_name(resource)}", "dict_type")
    try:
        return attributes(resource.get("attributes"))
    except FieldProblem as p:
        raise FieldProblem(p.msg, p.type, ("attributes",) + p.sub) from None


def service_and_ci(resource: dict[str, Any]) -> tuple[str | None, str | None]:
    """`service.name` and the first of `CI_ATTRIBUTES`, as strings."""
    service = resource.get("service.name")
    ci = next((resource[k] for k in CI_ATTRIBUTES if resource.get(k)), None)
    return (as_text(service) or None, as_text(ci) or None)


def hex_id(value: Any, length: int) -> str | None:
    """Validate a hex trace/span id; "" or all zeros mean "none" (per the spec)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FieldProblem(f"expected a hex string, got {type_name(value)}", "string_type")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raw = b""
    if len(value) != length or len(raw) * 2 != length:
        raise FieldProblem(f"expected {length} hex digits, got {short_repr(value)}", "hex_id")
    return None if not any(raw) else value.lower()


def hex_to_base64_id(hex_id: str) -> str:
    """An OTLP JSON hex id -> the base64 protobuf's JSON parser expects for `bytes`."""
    return base64.b64encode(bytes.fromhex(hex_id)).decode("ascii")


def base64_to_hex_id(b64_id: str) -> str:
    """The inverse of `hex_to_base64_id`."""
    return base64.b64decode(b64_id, validate=True).hex()


def children(parent: dict[str, Any], key: str) -> list[Any]:
    """`parent[key]` as a list: absent or null is empty (protobuf JSON omits empty lists)."""
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldProblem(f"expected an array, got {type_name(value)}", "list_type")
    return value
