"""Load `runbooks/*.yaml`: schema, each step's arguments, templates, names — all errors at once.

Errors read `file:line: path: message`, sorted by file and line, so the service manager
sees the whole list in one run (startup, `aiops config check`, the site's editor).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aiops.act.runbook import CONTEXT_NAMES, Runbook, Step, template_names
from aiops.act.steps import REGISTRY, StepKind
from aiops.act.steps.shell import ShellArgs, check
from aiops.config import config_error, line_of, read_yaml, validate_doc
from aiops.errors import ConfigError, ErrorDetail
from aiops.model.policy_itsm import ChangePolicy


def _step_errors(
    rb: Runbook, section: str, i: int, step: Step, policy: ChangePolicy | None
) -> list[ErrorDetail]:
    loc: tuple[str | int, ...] = (section, i)
    kind: StepKind | None = REGISTRY.get(step.kind)
    if kind is None:
        known = ", ".join(sorted(REGISTRY))
        return [
            ErrorDetail(
                (*loc, "kind"),
                f"unknown step kind {step.kind!r} (allowed: {known})",
                "unknown_kind",
            )
        ]
    errors: list[ErrorDetail] = []
    try:
        names = template_names(step.args)
    except ValueError as exc:
        return [ErrorDetail((*loc, "with"), str(exc), "template")]
    unknown = sorted(names - set(rb.params) - CONTEXT_NAMES)
    if unknown:
        errors.append(
            ErrorDetail(
                (*loc, "with"),
                f"unknown template name {{{unknown[0]}}} "
                f"(use a parameter or {', '.join(sorted(CONTEXT_NAMES))})",
                "template",
            )
        )
    if names:  # values filled at run time are checked then
        return errors
    try:
        args = kind.args.model_validate(step.args)
    except ValidationError as exc:
        for e in exc.errors():
            errors.append(ErrorDetail((*loc, "with", *e["loc"]), e["msg"], e["type"]))
        return errors
    if policy is not None and isinstance(args, ShellArgs):
        try:
            check(args, policy)
        except ValueError as exc:
            errors.append(ErrorDetail((*loc, "with"), str(exc), "not_allowed"))
    return errors


def check_runbook(rb: Runbook, policy: ChangePolicy | None = None) -> list[ErrorDetail]:
    """Problems beyond the schema: step kinds and arguments, templates, verify steps."""
    errors: list[ErrorDetail] = []
    for section in ("steps", "verify", "rollback"):
        for i, step in enumerate(getattr(rb, section)):
            errors += _step_errors(rb, section, i, step, policy)
            if section == "verify" and step.kind != "verify":
                errors.append(
                    ErrorDetail(
                        (section, i, "kind"), "verify: holds verify steps only", "value_error"
                    )
                )
    return errors


def load_runbook(path: Path, policy: ChangePolicy | None = None) -> Runbook:
    doc = read_yaml(path)
    rb = validate_doc(doc, Runbook, path)
    errors = check_runbook(rb, policy)
    if errors:
        raise config_error(path, doc, sorted(errors, key=lambda d: line_of(doc, d.loc)))
    return rb


def load_runbooks(directory: Path, policy: ChangePolicy | None = None) -> dict[str, Runbook]:
    """Every `*.yaml` in `directory`, by name; one ConfigError listing every problem."""
    if not directory.is_dir():
        raise ConfigError(f"{directory}: runbook directory does not exist")
    out: dict[str, Runbook] = {}
    where: dict[str, Path] = {}
    messages: list[str] = []
    details: list[ErrorDetail] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            rb = load_runbook(path, policy)
        except ConfigError as exc:
            messages.append(exc.message)
            details.extend(exc.errors)
            continue
        if rb.name in out:
            doc: Any = read_yaml(path)
            messages.append(
                f"{path}:{line_of(doc, ('name',))}: name: duplicate runbook "
                f"{rb.name!r} (first in {where[rb.name].name})"
            )
            continue
        out[rb.name], where[rb.name] = rb, path
    if messages:
        raise ConfigError("\n".join(messages), errors=details)
    return out


__all__ = ["check_runbook", "load_runbook", "load_runbooks"]
