"""GitLab webhooks → change records: a successful deployment (or a successful pipeline on
a deploy ref) is a change on the CI the project deploys.

Accepted: `object_kind: "deployment"` (Deployment Hook) and `object_kind: "pipeline"`
(Pipeline Hook). Only `status: "success"` records a change; other statuses are accepted
and ignored (a running pipeline changed nothing yet). The CI comes from the webhook URL
(`?ci=`), else the CI whose `gitlab_project` attribute is the project's
`path_with_namespace`, else a CI named like the project.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiops.errors import ErrorDetail, InvalidInput
from aiops.model.changes import ChangeRecord
from aiops.model.cmdb import Cmdb


def _bad(loc: tuple[str | int, ...], msg: str, type_: str = "value_error") -> InvalidInput:
    return InvalidInput(
        f"gitlab: {'.'.join(map(str, loc))}: {msg}",
        [ErrorDetail(loc, msg, type_)],
        code="invalid_gitlab_event",
    )


def _get(
    doc: dict[str, Any], key: str, typ: type | tuple[type, ...], loc: tuple[str, ...] = ()
) -> Any:
    value = doc.get(key)
    if value is None or isinstance(value, bool) or not isinstance(value, typ):
        want = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
        raise _bad((*loc, key), f"required, a {want}", "type_error")
    return value


def _time(text: Any, loc: tuple[str, ...]) -> datetime:
    if not isinstance(text, str):
        raise _bad(loc, "required, a time string", "type_error")
    t = text.strip().replace(" UTC", "+00:00")
    for fmt in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S%z"):
        try:
            return datetime.strptime(t, fmt).astimezone(UTC)
        except ValueError:
            pass
    try:
        at = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(loc, f"not a time: {text[:40]!r}", "time_parsing") from None
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)


def _ci(project: dict[str, Any], cmdb: Cmdb | None, ci: str | None) -> str:
    if ci:
        if cmdb is not None and cmdb.ci(ci) is None:
            raise _bad(("query", "ci"), f"unknown CI '{ci}'", "unknown_ref")
        return ci
    path, name = project.get("path_with_namespace"), project.get("name")
    for c in cmdb.cis if cmdb else []:
        if path and c.attributes.get("gitlab_project") == path:
            return c.name
    if cmdb is not None and isinstance(name, str) and cmdb.ci(name) is not None:
        return name
    raise _bad(
        ("project",),
        f"cannot tell which CI project {path or name!r} deploys: "
        "add ?ci= to the webhook URL or a gitlab_project attribute to the CI",
        "unknown_ref",
    )


def translate_gitlab(data: Any, *, cmdb: Cmdb | None, ci: str | None) -> ChangeRecord | None:
    """The change a GitLab webhook body records, or None for a status that records nothing."""
    if not isinstance(data, dict):
        raise _bad(("body",), "must be a JSON object", "type_error")
    kind = _get(data, "object_kind", str)
    project = _get(data, "project", dict)
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    actor = str(user.get("username") or user.get("name") or "gitlab")[:200]
    if kind == "deployment":
        status = _get(data, "status", str)
        dep_id = _get(data, "deployment_id", int)
        at = _time(data.get("status_changed_at"), ("status_changed_at",))
        env = str(data.get("environment") or "")
        sha = str(data.get("short_sha") or "")
        summary = f"deploy {project.get('name', '')} {sha} to {env}".strip()
        title = data.get("commit_title")
        if isinstance(title, str) and title:
            summary += f": {title[:200]}"
        cid, diff = f"gitlab:deployment:{dep_id}", {"sha": [None, sha], "environment": env}
    elif kind == "pipeline":
        attrs = _get(data, "object_attributes", dict)
        status = _get(attrs, "status", str, ("object_attributes",))
        pid = _get(attrs, "id", int, ("object_attributes",))
        ref = str(attrs.get("ref") or "")
        sha = str(attrs.get("sha") or "")[:12]
        at = _time(
            attrs.get("finished_at") or attrs.get("created_at"),
            ("object_attributes", "finished_at"),
        )
        summary = f"pipeline {pid} on {ref} ({sha}) succeeded"
        cid, diff = f"gitlab:pipeline:{pid}", {"sha": [attrs.get("before_sha"), attrs.get("sha")]}
    else:
        raise _bad(
            ("object_kind",),
            f"unsupported {kind[:40]!r} (use deployment or pipeline)",
            "unsupported_event",
        )
    if status != "success":
        return None
    target = _ci(project, cmdb, ci)
    ci_obj = cmdb.ci(target) if cmdb else None
    return ChangeRecord(
        id=cid,
        ci=target,
        service=ci_obj.service if ci_obj else None,
        kind="deploy",
        summary=summary,
        diff=diff,
        source="gitlab",
        at=at,
        actor=actor,
    )


__all__ = ["translate_gitlab"]
