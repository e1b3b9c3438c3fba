"""A runbook as the service manager writes it in `runbooks/*.yaml`.

    name: sulu-restart
    change_type: standard          # standard | normal | emergency (ITIL 4)
    risk: low
    aliases: [sulu-service-down]   # `runbook` label values of the alerts it handles
    alerts: [SuluHealthCheckFailing]
    fixes: [service_down]          # causes it fixes (aiops.model.causes)
    params:  {instances: {type: int, min: 1, max: 8, default: 2}}
    preconditions: {service_window: any, approval: auto}
    steps:    [{name: restart, kind: sulu, with: {action: restart}, timeout_s: 60}]
    verify:   [{name: healthy, kind: verify, with: {probe: {url: "{sim_url}/healthz"}}}]
    rollback: [...]

Pure pydantic with `extra="forbid"`; each step's `with:` is checked against its kind's
own model by `aiops.act.loader`, so a typo anywhere fails with its file and line.
String values may use `{param}` and the context names in `CONTEXT_NAMES`.
"""

from __future__ import annotations

import math
import re
import string
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiops.errors import ErrorDetail, InvalidInput
from aiops.model.causes import CAUSES, unknown_causes
from aiops.model.duration import DurationS
from aiops.model.itsm import ChangeType

NAME = r"^[a-z0-9][a-z0-9_.-]{0,99}$"
# Names a step may use in templates besides the runbook's own parameters.
CONTEXT_NAMES = frozenset(
    {"sim_url", "front_url", "incident_id", "change_id", "service", "runbook"}
)
MAX_STR = 2000


class Risk(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class ParamSpec(BaseModel):
    """One runbook parameter: its type, bounds and default."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["int", "float", "str", "bool"]
    description: str = ""
    default: Any = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None  # for str: full match
    choices: list[Any] | None = None

    @model_validator(mode="after")
    def _check(self) -> ParamSpec:
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a regular expression: {exc}") from None
        if self.default is not None:
            problem = _param_problem(self, self.default)
            if problem:
                raise ValueError(f"default {self.default!r}: {problem}")
        return self


class Step(BaseModel):
    """One step; `with` holds the kind's arguments (validated by the step registry)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=200)
    kind: str
    args: dict[str, Any] = Field(default_factory=dict, alias="with")
    timeout_s: DurationS | None = None  # default: policies.changes.step_timeout_s
    continue_on_error: bool = False


class Preconditions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_window: Literal["any", "inside", "outside"] = "any"  # when it may run on its own
    approval: Literal["auto", "always"] = "auto"  # always: even a standard change asks
    incident_states: list[str] = Field(default_factory=lambda: ["open", "acknowledged"])


class Runbook(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME)
    title: str = ""
    description: str = ""
    change_type: ChangeType = ChangeType.normal
    risk: Risk = Risk.low
    service: str | None = None
    aliases: list[str] = Field(default_factory=list)
    alerts: list[str] = Field(default_factory=list)
    fixes: list[str] = Field(
        default_factory=list, description="causes this runbook fixes (aiops.model.causes)"
    )
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    preconditions: Preconditions = Field(default_factory=Preconditions)
    steps: list[Step] = Field(min_length=1)
    verify: list[Step] = Field(default_factory=list)
    rollback: list[Step] = Field(default_factory=list)

    @field_validator("fixes")
    @classmethod
    def _known_causes(cls, fixes: list[str]) -> list[str]:
        bad = unknown_causes(fixes)
        if bad:
            raise ValueError(f"unknown cause(s) {', '.join(bad)}; known: {', '.join(CAUSES)}")
        return fixes

    def check_params(self, given: Any) -> dict[str, Any]:
        """Given parameters merged over the defaults; InvalidInput lists every problem."""
        return check_params(self, given)


def _param_problem(spec: ParamSpec, value: Any) -> str | None:
    t = spec.type
    if t == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if t in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number ({t})"
        if t == "int" and (not isinstance(value, int) and not float(value).is_integer()):
            return "must be a whole number"
        if not math.isfinite(value):
            return "must be finite"
        if spec.min is not None and value < spec.min:
            return f"must be >= {spec.min:g}"
        if spec.max is not None and value > spec.max:
            return f"must be <= {spec.max:g}"
    if t == "str":
        if not isinstance(value, str):
            return "must be a string"
        if len(value) > MAX_STR:
            return f"at most {MAX_STR} characters"
        if spec.pattern is not None and re.fullmatch(spec.pattern, value) is None:
            return f"must match {spec.pattern}"
    if spec.choices is not None and value not in spec.choices:
        return f"must be one of {', '.join(map(str, spec.choices))}"
    return None


def check_params(runbook: Runbook, given: Any) -> dict[str, Any]:
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise InvalidInput(
            f"runbook {runbook.name}: params must be an object",
            [ErrorDetail(("params",), "must be an object", "type_error")],
        )
    errors: list[ErrorDetail] = []
    out: dict[str, Any] = {}
    for key in given:
        if key not in runbook.params:
            allowed = ", ".join(runbook.params) or "none"
            errors.append(
                ErrorDetail(("params", str(key)), f"unknown (allowed: {allowed})", "extra")
            )
    for key, spec in runbook.params.items():
        if key not in given:
            if spec.default is None:
                errors.append(ErrorDetail(("params", key), "required", "missing"))
            else:
                out[key] = spec.default
            continue
        problem = _param_problem(spec, given[key])
        if problem:
            errors.append(ErrorDetail(("params", key), problem, "value_error"))
        else:
            out[key] = int(given[key]) if spec.type == "int" else given[key]
    if errors:
        raise InvalidInput(f"runbook {runbook.name}: bad parameters", errors)
    return out


def template_names(value: Any) -> set[str]:
    """Every `{name}` used in the strings of `value` (ValueError on a bad template)."""
    found: set[str] = set()
    if isinstance(value, str):
        for _, field, spec, conv in string.Formatter().parse(value):
            if field is None:
                continue
            if not field.isidentifier() or spec or conv:
                raise ValueError(f"template field {{{field}}} must be a plain name")
            found.add(field)
    elif isinstance(value, dict):
        for v in value.values():
            found |= template_names(v)
    elif isinstance(value, list):
        for v in value:
            found |= template_names(v)
    return found


def render(value: Any, values: dict[str, Any]) -> Any:
    """Fill `{name}` in every string of `value`; a string that is exactly `{name}` keeps its type."""
    if isinstance(value, str):
        names = template_names(value)
        if len(names) == 1 and value == "{" + next(iter(names)) + "}":
            return values[next(iter(names))]
        return value.format_map(values) if names else value
    if isinstance(value, dict):
        return {k: render(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, values) for v in value]
    return value


__all__ = [
    "CONTEXT_NAMES",
    "ParamSpec",
    "Preconditions",
    "Risk",
    "Runbook",
    "Step",
    "check_params",
    "render",
    "template_names",
]
