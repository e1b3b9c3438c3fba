"""Read a metric series from CSV (`timestamp,value`, the NAB layout) with errors naming lines.

Timestamps are ISO 8601 (naive means UTC) or epoch seconds. An empty value, `nan` or
`inf` is a bad sample the detector skips, not a broken file; text that is not a number
is a broken file.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from aiops.errors import ErrorDetail, InvalidInput


@dataclass(frozen=True)
class SeriesFile:
    stamps: list[str]  # as written, echoed back in the output
    raw_values: list[str]
    ts: np.ndarray  # epoch seconds
    values: np.ndarray


def parse_timestamp(text: str) -> float:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    stamp = datetime.fromisoformat(text)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _bad(path: Path, line: int, msg: str) -> InvalidInput:
    return InvalidInput(f"{path}:{line}: {msg}", [ErrorDetail((str(path), line), msg)])


def read_series_csv(path: Path) -> SeriesFile:
    """Parse the whole file or raise `InvalidInput` naming the first bad line."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        try:
            return _parse(path, csv.reader(handle))
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{path}: not UTF-8 text") from exc


def _parse(path: Path, rows: Iterator[list[str]]) -> SeriesFile:
    header = next(rows, None)
    if header is None:
        raise _bad(path, 1, "empty file: expected a header 'timestamp,value'")
    names = [h.strip().lower() for h in header]
    if "timestamp" not in names or "value" not in names:
        raise _bad(path, 1, f"header must name 'timestamp' and 'value', got {','.join(header)!r}")
    t_col, v_col = names.index("timestamp"), names.index("value")
    stamps: list[str] = []
    raw: list[str] = []
    ts: list[float] = []
    values: list[float] = []
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise _bad(path, line, f"expected {len(header)} fields, got {len(row)}")
        try:
            ts.append(parse_timestamp(row[t_col]))
        except ValueError:
            raise _bad(
                path, line, f"timestamp {row[t_col]!r} is neither ISO 8601 nor epoch seconds"
            ) from None
        text = row[v_col].strip()
        try:
            values.append(float(text) if text else math.nan)
        except ValueError:
            raise _bad(path, line, f"value {row[v_col]!r} is not a number") from None
        stamps.append(row[t_col])
        raw.append(row[v_col])
    return SeriesFile(stamps, raw, np.array(ts, dtype=float), np.array(values, dtype=float))
