"""Reading the CSV files of a case, with errors that name the file and line.

The loaders get rows of strings from here and numbers through `number`, so that a
bad cell anywhere reads `anomalous.csv:17: column 'carts_cpu': 'abc' is not a number`
rather than a traceback.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from aiops.errors import ErrorDetail, InvalidInput

MAX_BYTES = 512 * 1024 * 1024  # a case file larger than this is certainly not one


def bad(path: Path, line: int | None, msg: str, type_: str = "value_error") -> InvalidInput:
    """An InvalidInput whose message starts with `file:line:`."""
    where = f"{path}:{line}" if line is not None else str(path)
    loc: tuple[str | int, ...] = (str(path), line) if line is not None else (str(path),)
    return InvalidInput(f"{where}: {msg}", [ErrorDetail(loc, msg, type_)], code="invalid_case")


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, row) for each non-empty row of a CSV file. Raises InvalidInput on any problem."""
    if not path.is_file():
        raise bad(path, None, "no such file", "missing_file")
    if path.stat().st_size > MAX_BYTES:
        raise bad(path, None, f"file larger than {MAX_BYTES} bytes", "too_large")
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh, strict=True)
            rows = [(reader.line_num, row) for row in reader if row]
    except UnicodeDecodeError as exc:
        raise bad(path, None, f"not UTF-8 text ({exc.reason})", "unparsable") from exc
    except csv.Error as exc:
        raise bad(path, None, f"malformed CSV: {exc}", "unparsable") from exc
    if not rows:
        raise bad(path, None, "empty file", "empty")
    return rows


def number(path: Path, line: int, column: str, cell: str) -> float:
    """A float from a cell; '' and 'nan' are missing (NaN); anything else non-numeric is an error."""
    text = cell.strip()
    if not text or text.lower() in ("nan", "null", "none", "na"):
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise bad(path, line, f"column {column!r}: {cell!r} is not a number") from None
    if math.isinf(value):
        raise bad(path, line, f"column {column!r}: {cell!r} is not finite")
    return value


def check_width(path: Path, line: int, row: list[str], width: int) -> None:
    if len(row) != width:
        raise bad(path, line, f"expected {width} fields as in the header, found {len(row)}")


def check_unique(path: Path, line: int, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise bad(path, line, f"duplicate column {name!r}")
        seen.add(name)


__all__ = ["bad", "check_unique", "check_width", "number", "read_rows"]
