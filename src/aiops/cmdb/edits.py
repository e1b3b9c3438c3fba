"""Edits to a CMDB (what the REST API and a CSV import do), checked before they are stored.

Each edit takes a `Cmdb` and returns a new one, or raises: `InvalidInput` (422) when
the edit names an unknown service or CI (the error's `loc` names the field), `NotFound`
when the object edited does not exist, `Conflict` (409) when it would leave a dangling
reference (deleting a CI that relations still name). Pure: the caller stores the result.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiops.cmdb.loader import cross_reference_errors
from aiops.errors import Conflict, ErrorDetail, InvalidInput, NotFound
from aiops.model.cmdb import Cmdb, ConfigurationItem, Relation, Service


def _unknown(field: str, what: str, name: str) -> InvalidInput:
    return InvalidInput(
        f"{field}: unknown {what} '{name}'",
        [ErrorDetail(("body", field), f"unknown {what} '{name}'", "unknown_ref")],
        code="unknown_reference",
    )


def _checked(cmdb: Cmdb) -> Cmdb:
    """Safety net: the whole document must still pass the loader's reference checks."""
    problems = cross_reference_errors(cmdb.model_dump(mode="json"))
    if problems:
        raise InvalidInput("the CMDB would be inconsistent", problems, code="invalid_cmdb")
    return cmdb


def put_service(cmdb: Cmdb, service: Service) -> Cmdb:
    """Create or replace a service (by name)."""
    services = [s for s in cmdb.services if s.name != service.name]
    at = next((i for i, s in enumerate(cmdb.services) if s.name == service.name), len(services))
    services.insert(at, service)
    return _checked(cmdb.model_copy(update={"services": services}))


def delete_service(cmdb: Cmdb, name: str) -> Cmdb:
    if cmdb.service(name) is None:
        raise NotFound(f"service {name!r} not found")
    users = [c.name for c in cmdb.cis if c.service == name]
    if users:
        raise Conflict(
            f"service {name!r} still has CIs: {', '.join(users)}; move or delete them first",
            [ErrorDetail(("path", "name"), f"used by CI '{u}'", "still_referenced") for u in users],
        )
    return cmdb.model_copy(update={"services": [s for s in cmdb.services if s.name != name]})


def put_ci(cmdb: Cmdb, ci: ConfigurationItem) -> Cmdb:
    """Create or replace a CI; its service must exist."""
    if ci.service is not None and cmdb.service(ci.service) is None:
        raise _unknown("service", "service", ci.service)
    return put_cis(cmdb, [ci])


def put_cis(cmdb: Cmdb, cis: Iterable[ConfigurationItem]) -> Cmdb:
    """Create or replace several CIs at once (a CSV import); file order is kept."""
    by_name = {c.name: c for c in cmdb.cis}
    new = [c for c in cis if c.name not in by_name]
    by_name.update({c.name: c for c in cis})
    merged = [by_name[c.name] for c in cmdb.cis] + new
    return _checked(cmdb.model_copy(update={"cis": merged}))


def delete_ci(cmdb: Cmdb, name: str) -> Cmdb:
    if cmdb.ci(name) is None:
        raise NotFound(f"CI {name!r} not found")
    used = [r for r in cmdb.relations if name in (r.source, r.target)]
    if used:
        raise Conflict(
            f"CI {name!r} is still in {len(used)} relation(s); delete them first",
            [
                ErrorDetail(("path", "name"), f"{r.source} {r.type} {r.target}", "still_referenced")
                for r in used
            ],
        )
    return cmdb.model_copy(update={"cis": [c for c in cmdb.cis if c.name != name]})


def add_relation(cmdb: Cmdb, rel: Relation) -> Cmdb:
    for field in ("source", "target"):
        name = getattr(rel, field)
        if cmdb.ci(name) is None:
            raise _unknown(field, "CI", name)
    if rel.source == rel.target:
        raise InvalidInput(
            "a relation cannot point at its own source",
            [ErrorDetail(("body", "target"), "same as source", "self_relation")],
        )
    if rel in cmdb.relations:
        raise Conflict(f"relation {rel.source} {rel.type} {rel.target} already exists")
    return _checked(cmdb.model_copy(update={"relations": [*cmdb.relations, rel]}))


def delete_relation(cmdb: Cmdb, rel: Relation) -> Cmdb:
    if rel not in cmdb.relations:
        raise NotFound(f"relation {rel.source} {rel.type} {rel.target} not found")
    return cmdb.model_copy(update={"relations": [r for r in cmdb.relations if r != rel]})


__all__ = [
    "add_relation",
    "delete_ci",
    "delete_relation",
    "delete_service",
    "put_ci",
    "put_cis",
    "put_service",
]
