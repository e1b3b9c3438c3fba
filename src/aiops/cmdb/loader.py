"""Load `cmdb.yaml` and `policies.yaml`, reporting every problem with its file and line.

Schema errors (pydantic) and cross-reference errors (a relation to an unknown CI, a CI
in an unknown service, a duplicate name) are collected together and raised as one
`ConfigError`, sorted by line, so one run shows the service manager the whole list.
The cross-reference pass reads the raw document, so it works even when the schema
pass failed elsewhere in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiops.config import config_error, line_of, read_yaml, to_plain, validate_doc
from aiops.errors import ConfigError, ErrorDetail
from aiops.model.cmdb import Cmdb
from aiops.model.policy import Policies


def load_cmdb(path: Path) -> Cmdb:
    """Parse, validate and cross-check a CMDB file; raise ConfigError listing all problems."""
    doc = read_yaml(path)
    details: list[ErrorDetail] = []
    cmdb: Cmdb | None = None
    try:
        cmdb = validate_doc(doc, Cmdb, path)
    except ConfigError as exc:
        details.extend(exc.errors)
    details.extend(cross_reference_errors(to_plain(doc) if doc is not None else {}))
    if details:
        raise config_error(path, doc, _by_line(doc, details))
    assert cmdb is not None  # no details means validation passed
    return cmdb


def load_policies(path: Path) -> Policies:
    """Parse and validate `policies.yaml`; an empty file gives the defaults."""
    return validate_doc(read_yaml(path), Policies, path)


def _by_line(doc: Any, details: list[ErrorDetail]) -> list[ErrorDetail]:
    # Stable sort: errors on one line keep schema-before-reference order.
    return sorted(details, key=lambda d: line_of(doc, d.loc))


def _items(doc: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    seq = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(seq, list):
        return []
    return [(i, item) for i, item in enumerate(seq) if isinstance(item, dict)]


def _names(
    items: list[tuple[int, dict[str, Any]]], section: str, what: str, errors: list[ErrorDetail]
) -> set[str]:
    """The names in a section; each repeat becomes an error pointing at the later one."""
    first: dict[str, int] = {}
    for i, item in items:
        name = item.get("name")
        if not isinstance(name, str):
            continue
        if name in first:
            msg = f"duplicate {what} '{name}' (first at {section}.{first[name]})"
            errors.append(ErrorDetail((section, i, "name"), msg, "duplicate_name"))
        else:
            first[name] = i
    return set(first)


def cross_reference_errors(doc: Any) -> list[ErrorDetail]:
    """Reference problems in a plain (already `to_plain`-ed) CMDB document."""
    errors: list[ErrorDetail] = []
    services = _names(_items(doc, "services"), "services", "service", errors)
    cis_items = _items(doc, "cis")
    cis = _names(cis_items, "cis", "CI", errors)
    for i, ci in cis_items:
        svc = ci.get("service")
        if isinstance(svc, str) and svc not in services:
            errors.append(
                ErrorDetail(("cis", i, "service"), f"unknown service '{svc}'", "unknown_ref")
            )
    seen: dict[tuple[Any, Any, Any], int] = {}
    for i, rel in _items(doc, "relations"):
        for end in ("source", "target"):
            name = rel.get(end)
            if isinstance(name, str) and name not in cis:
                errors.append(
                    ErrorDetail(("relations", i, end), f"unknown CI '{name}'", "unknown_ref")
                )
        src, typ, dst = rel.get("source"), rel.get("type"), rel.get("target")
        if isinstance(src, str) and src == dst:
            msg = f"relation from '{src}' to itself"
            errors.append(ErrorDetail(("relations", i, "target"), msg, "self_relation"))
        key = (src, typ, dst)
        if all(isinstance(k, str) for k in key):
            if key in seen:
                msg = f"duplicate relation {src} {typ} {dst} (first at relations.{seen[key]})"
                errors.append(ErrorDetail(("relations", i), msg, "duplicate_relation"))
            else:
                seen[key] = i
    return errors


__all__ = ["cross_reference_errors", "load_cmdb", "load_policies"]
