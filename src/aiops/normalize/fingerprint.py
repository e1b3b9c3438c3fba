"""Stable identities: the fingerprint of an alert stream and the id of one event.

`fingerprint(*parts)` hashes strings and str->str maps in an unambiguous encoding
(every string length-prefixed, maps tagged with their size and sorted by key), so ("a", "bc") and ("ab", "c") differ and the
order of keys in a map never matters. The result is the first 32 hex digits of SHA-256.

The native default (`native_fingerprint`) is the hash of
`source, service, ci, kind` and the labels **minus** `VOLATILE_LABELS` (names that
change on every occurrence: times, values, request/trace ids). When those labels
carry no `alertname`, the summary joins the hash with every run of digits masked
("disk 91% full" == "disk 97% full"), so two different problems on one service do
not collapse into one alert, while a changing number does not split one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

FINGERPRINT_HEX = 32

VOLATILE_LABELS = frozenset(
    {
        "timestamp", "time", "ts", "date", "occurred_at", "received_at", "started_at",
        "ended_at", "value", "count", "duration", "duration_ms", "latency_ms", "elapsed",
        "id", "event_id", "request_id", "req_id", "correlation_id", "trace_id", "span_id",
        "traceid", "spanid", "pid", "tid", "thread", "thread_id", "message_id", "uuid",
    }
)  # fmt: skip

_DIGITS = re.compile(r"\d+")


def fingerprint(*parts: str | Mapping[str, str]) -> str:
    """SHA-256 of the parts, first 32 hex digits. Maps are hashed with sorted keys."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, Mapping):
            items = sorted(part.items())
            out.append(f"m{len(items)}:")
            out.extend(f"{len(k)}:{k}{len(v)}:{v}" for k, v in items)
        else:
            out.append(f"s{len(part)}:{part}")
    data = "".join(out).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:FINGERPRINT_HEX]


def stable_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """The labels that identify an alert stream: all but `VOLATILE_LABELS` (case-insensitive)."""
    return {k: v for k, v in labels.items() if k.lower() not in VOLATILE_LABELS}


def native_fingerprint(
    *,
    source: str,
    kind: str,
    service: str | None,
    ci: str | None,
    labels: Mapping[str, str],
    summary: str = "",
) -> str:
    """Default fingerprint of a native event (see module docstring)."""
    stable = stable_labels(labels)
    text = "" if "alertname" in stable else _DIGITS.sub("#", summary)
    return fingerprint(source, service or "", ci or "", kind, stable, text)
