"""normalize: raw request bodies and source payloads -> validated `Event`s and `Sample`s.

In: bytes or decoded JSON. Out: `aiops.model.Event` / `Sample`, or an
`aiops.errors.InvalidInput` (400/413/422) listing every bad field by `loc`.
Everything here is pure: the caller passes `now`.
"""

from aiops.normalize.body import DEFAULT_MAX_BYTES, parse_json_body
from aiops.normalize.events import DEFAULT_MAX_BATCH, NATIVE_FIELDS, make_event, parse_native
from aiops.normalize.fingerprint import (
    VOLATILE_LABELS,
    fingerprint,
    native_fingerprint,
    stable_labels,
)
from aiops.normalize.severity import SEVERITY_ALIASES, parse_severity, severity_or
from aiops.normalize.timestamps import from_unix_nanos, parse_timestamp

__all__ = [
    "DEFAULT_MAX_BATCH",
    "DEFAULT_MAX_BYTES",
    "NATIVE_FIELDS",
    "SEVERITY_ALIASES",
    "VOLATILE_LABELS",
    "fingerprint",
    "from_unix_nanos",
    "make_event",
    "native_fingerprint",
    "parse_json_body",
    "parse_native",
    "parse_severity",
    "parse_timestamp",
    "severity_or",
    "stable_labels",
]
