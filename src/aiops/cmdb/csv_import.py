"""Import CIs from a CSV export (a spreadsheet, another CMDB), errors naming the CSV line.

Columns: `name` and `type` are required; `service`, `owner`, `description` are read
when present; every other column becomes an attribute (`attr.` prefix stripped), and
empty cells are skipped. Problems are reported all at once as `file:line: column: msg`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import ValidationError

from aiops.errors import ConfigError, ErrorDetail
from aiops.model.cmdb import ConfigurationItem

REQUIRED = ("name", "type")
_FIELDS = ("name", "type", "service", "owner", "description")


def import_cis_csv(path: Path) -> list[ConfigurationItem]:
    """The CIs in a CSV file, in file order; ConfigError lists every bad row with its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: spreadsheets write a BOM
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return parse_cis_csv(text, path)


def parse_cis_csv(
    text: str, path: Path | str = "upload.csv", *, services: set[str] | None = None
) -> list[ConfigurationItem]:
    """The CIs in CSV `text` (an upload); `path` only names it in the errors.

    With `services`, a CI naming a service not in it is an error on its line.
    """
    text = text.removeprefix("\ufeff")
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ConfigError(
            f"{path}:1: empty file: expected a header with {', '.join(REQUIRED)}"
        ) from None
    _check_header(path, header)
    cis: list[ConfigurationItem] = []
    problems: list[str] = []
    details: list[ErrorDetail] = []
    first_line: dict[str, int] = {}
    prev = reader.line_num
    try:
        for row in reader:
            line, prev = prev + 1, reader.line_num  # a quoted cell may span lines: report the first
            if not any(cell.strip() for cell in row):
                continue  # blank lines are common at the end of exports
            if len(row) != len(header):
                problems.append(f"{path}:{line}: expected {len(header)} columns, got {len(row)}")
                continue
            ci = _row_to_ci(path, line, dict(zip(header, row, strict=True)), problems, details)
            if ci is None:
                continue
            if services is not None and ci.service is not None and ci.service not in services:
                msg = f"unknown service '{ci.service}'"
                problems.append(f"{path}:{line}: service: {msg}")
                details.append(ErrorDetail((line, "service"), msg, "unknown_ref"))
                continue
            if ci.name in first_line:
                problems.append(
                    f"{path}:{line}: name: duplicate CI '{ci.name}' (first at line {first_line[ci.name]})"
                )
                continue
            first_line[ci.name] = line
            cis.append(ci)
    except csv.Error as exc:
        problems.append(f"{path}:{prev + 1}: malformed CSV: {exc}")
    if problems:
        raise ConfigError("\n".join(problems), errors=details)
    return cis


def _check_header(path: Path | str, header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    dupes = sorted({h for h in header if header.count(h) > 1})
    problems = [f"{path}:1: missing column '{c}'" for c in missing]
    problems += [f"{path}:1: column '{c}' appears twice" for c in dupes]
    if "" in header:
        problems.append(f"{path}:1: a column has no name")
    if problems:
        raise ConfigError("\n".join(problems))


def _row_to_ci(
    path: Path | str, line: int, row: dict[str, str], problems: list[str], details: list[ErrorDetail]
) -> ConfigurationItem | None:
    data: dict[str, object] = {}
    attributes: dict[str, str] = {}
    for column, raw in row.items():
        value = raw.strip()
        if column in _FIELDS:
            if value or column in REQUIRED:
                data[column] = value
        elif value:
            attributes[column.removeprefix("attr.")] = value
    data["attributes"] = attributes
    try:
        return ConfigurationItem.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            msg = "must not be empty" if row.get(where, "x").strip() == "" else err["msg"]
            problems.append(f"{path}:{line}: {where}: {msg}")
            details.append(ErrorDetail((line, *err["loc"]), msg, err["type"]))
        return None


__all__ = ["import_cis_csv", "parse_cis_csv"]
