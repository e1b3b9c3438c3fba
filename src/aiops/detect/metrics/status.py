"""Why a sample got the score it got, beyond the score itself."""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    ok = 0
    warmup = 1  # not enough history yet: score 0
    invalid = 2  # NaN / inf value or timestamp: ignored
    out_of_order = 3  # not newer than the last accepted sample: ignored
