"""What each kind of agent answers: one strict schema, the same for builtin and LLM.

The JSON schema sent to an LLM is generated from these models, and its reply is
validated against the same models, so a decision looks the same whoever made it.
Semantic checks that need the context (a runbook must exist in the catalogue, a CI in
the CMDB) live in `check_semantics`: an LLM talked into naming an unknown runbook by a
hostile log line is caught here, not in the act stage.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aiops.agents.config import AgentKind
from aiops.agents.context import Context
from aiops.errors import ErrorDetail
from aiops.model.causes import CAUSES

Confidence = Annotated[float, Field(ge=0.0, le=1.0)]
Short = Annotated[str, Field(max_length=2000)]
Evidence = Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=20)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: Short
    confidence: Confidence
    evidence: Evidence = Field(default_factory=list)


class TriageOut(_Out):
    category: Literal[
        "availability", "performance", "errors", "capacity", "change", "security", "other"
    ]
    impact: int = Field(ge=1, le=3)
    urgency: int = Field(ge=1, le=3)
    priority: int = Field(ge=1, le=5)
    is_real: bool


class DiagnoseOut(_Out):
    root_cause_ci: str | None
    cause: Short
    cause_key: str | None = Field(
        default=None, description="the cause's key in the vocabulary (see the runbooks' fixes)"
    )
    metric: str | None = None


class RemediateOut(_Out):
    runbook: str | None  # None: no runbook fits; people decide
    params: dict[str, str | int | float | bool] = Field(default_factory=dict)
    rationale: Short


class ChangeRiskOut(_Out):
    risk: Literal["low", "medium", "high"]


class EscalateOut(_Out):
    escalate: bool
    to: str | None = None  # a team / owner from the CMDB
    within_s: int | None = Field(default=None, ge=0)


class RequestOut(_Out):
    category: Literal["incident", "service_request", "question", "complaint", "other"]
    service: str | None = None


class ReviewOut(_Out):
    what_happened: Short
    actions: list[Short] = Field(default_factory=list, max_length=20)


OUTPUTS: dict[AgentKind, type[_Out]] = {
    AgentKind.triage: TriageOut,
    AgentKind.diagnose: DiagnoseOut,
    AgentKind.remediate: RemediateOut,
    AgentKind.change_risk: ChangeRiskOut,
    AgentKind.escalate: EscalateOut,
    AgentKind.request: RequestOut,
    AgentKind.review: ReviewOut,
}

# Parameters a proposal may carry when the catalogue does not declare the runbook's own.
PARAM_KEYS = frozenset({"ci", "service"})


def json_schema(kind: AgentKind) -> dict[str, Any]:
    return OUTPUTS[kind].model_json_schema()


def check_semantics(kind: AgentKind, out: _Out, ctx: Context) -> list[ErrorDetail]:
    """Context checks: the output may only name things that exist, with valid parameters."""
    errors: list[ErrorDetail] = []
    cis = ctx.ci_names
    if isinstance(out, RemediateOut) and out.runbook is not None:
        rb = ctx.runbook(out.runbook)
        if rb is None:
            errors.append(
                ErrorDetail(
                    ("runbook",),
                    f"unknown runbook {out.runbook!r}; choose one "
                    f"of {sorted(ctx.runbook_names)} or null",
                    "unknown_runbook",
                )
            )
        else:
            errors += _check_params(out.params, rb.params, ctx)
    elif isinstance(out, RemediateOut) and out.params:
        errors.append(ErrorDetail(("params",), "no runbook: params must be empty", "extra"))
    if isinstance(out, DiagnoseOut) and out.cause_key is not None and out.cause_key not in CAUSES:
        errors.append(
            ErrorDetail(
                ("cause_key",),
                f"unknown cause {out.cause_key!r}; one of {sorted(CAUSES)} or null",
                "unknown_cause",
            )
        )
    if (
        isinstance(out, DiagnoseOut)
        and out.root_cause_ci is not None
        and cis
        and out.root_cause_ci not in cis
    ):
        errors.append(
            ErrorDetail(("root_cause_ci",), f"unknown CI {out.root_cause_ci!r}", "unknown_ci")
        )
    return errors


def _check_params(
    params: dict[str, Any], specs: dict[str, dict[str, Any]] | None, ctx: Context
) -> list[ErrorDetail]:
    errors: list[ErrorDetail] = []
    allowed = set(specs) if specs is not None else set(PARAM_KEYS)
    for key, value in params.items():
        loc: tuple[str | int, ...] = ("params", key)
        spec = (specs or {}).get(key, {})
        if key not in allowed:
            errors.append(
                ErrorDetail(
                    loc,
                    f"parameter {key!r} is not allowed (allowed: {sorted(allowed)})",
                    "param_not_allowed",
                )
            )
        elif key == "ci" and value not in ctx.ci_names:
            errors.append(ErrorDetail(loc, f"unknown CI {value!r}", "unknown_ci"))
        elif key == "service" and value not in ctx.service_names:
            errors.append(ErrorDetail(loc, f"unknown service {value!r}", "unknown_service"))
        elif isinstance(spec.get("pattern"), str) and not re.fullmatch(spec["pattern"], str(value)):
            errors.append(ErrorDetail(loc, f"does not match {spec['pattern']}", "pattern"))
        elif spec.get("type") == "int" and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not spec.get("min", value) <= value <= spec.get("max", value)
        ):
            errors.append(
                ErrorDetail(loc, "must be an integer within the runbook's bounds", "range")
            )
    return errors


__all__ = [
    "OUTPUTS",
    "PARAM_KEYS",
    "ChangeRiskOut",
    "DiagnoseOut",
    "EscalateOut",
    "RemediateOut",
    "RequestOut",
    "ReviewOut",
    "TriageOut",
    "check_semantics",
    "json_schema",
]
