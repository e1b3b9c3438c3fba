"""`agents.yaml`: the decision points a service manager configures.

Each agent names its kind (triage, diagnose, remediate, ...), when it runs, what it may
see and call, how far its output may go (autonomy), which backend reasons (the builtin
one by default) and what happens when that backend fails or the budget runs out.
Validated with `extra="forbid"`, then cross-checked (backend and `after` references,
models of LLM agents), every problem reported as `file:line: path: message`.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from aiops.config import config_error, read_yaml, validate_doc
from aiops.errors import ErrorDetail
from aiops.model.decisions import Autonomy

NAME = r"^[a-z][a-z0-9_-]{0,63}$"


class AgentKind(StrEnum):
    triage = "triage"
    diagnose = "diagnose"
    remediate = "remediate"
    change_risk = "change_risk"
    escalate = "escalate"
    request = "request"
    review = "review"


class ToolName(StrEnum):
    metrics_query = "metrics_query"
    log_search = "log_search"
    cmdb_lookup = "cmdb_lookup"
    recent_changes = "recent_changes"
    similar_incidents = "similar_incidents"
    known_errors = "known_errors"
    runbook_catalogue = "runbook_catalogue"


class InputName(StrEnum):
    incident = "incident"
    alerts = "alerts"
    logs = "logs"
    diagnosis = "diagnosis"
    cmdb = "cmdb"
    memory = "memory"
    runbooks = "runbooks"
    upstream = "upstream"  # earlier agents' decisions on the same incident


class Fallback(StrEnum):
    builtin = "builtin"  # the deterministic reasoner decides instead
    human = "human"  # no decision: the incident waits in the human queue


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BackendConfig(_Strict):
    """Where an LLM lives. Keys come from the environment (`api_key_env`), not the file."""

    kind: Literal["openai_compat", "anthropic", "bedrock"]
    base_url: str | None = None  # openai_compat: e.g. http://127.0.0.1:11434/v1 (Ollama)
    api_key_env: str | None = None
    api_key: SecretStr | None = Field(default=None, exclude=True)  # set by `configure_llm` only
    region: str | None = None  # bedrock
    timeout_s: float = Field(default=60.0, gt=0, le=600)
    max_retries: int = Field(default=1, ge=0, le=5)
    response_format: Literal["json_schema", "json_object", "none"] = "json_schema"
    stream: bool = False
    max_output_tokens: int = Field(default=1024, ge=16, le=32768)


class Price(_Strict):
    """USD per million tokens."""

    input_per_mtok_usd: float = Field(ge=0)
    output_per_mtok_usd: float = Field(ge=0)


class Limits(_Strict):
    """Caps; null means no cap on that axis."""

    tokens: int | None = Field(default=None, ge=0)
    calls: int | None = Field(default=None, ge=0)
    cost_usd: float | None = Field(default=None, ge=0)


class Budgets(_Strict):
    per_decision: Limits = Field(default_factory=Limits)
    per_incident: Limits = Field(default_factory=Limits)
    per_day: Limits = Field(default_factory=Limits)
    per_month: Limits = Field(default_factory=Limits)
    on_exceeded: Fallback = Fallback.builtin


class Trigger(_Strict):
    """Exactly one of: an incident event (`on`) or another agent's decision (`after`)."""

    on: Literal["opened", "diagnosed", "resolved"] | None = None
    after: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Trigger:
        if (self.on is None) == (self.after is None):
            raise ValueError("give exactly one of `on` or `after`")
        return self

    def __str__(self) -> str:
        return self.on if self.on is not None else f"after:{self.after}"


DEFAULT_TRIGGER: dict[AgentKind, Trigger] = {
    AgentKind.triage: Trigger(on="opened"),
    AgentKind.diagnose: Trigger(after="triage"),
    AgentKind.remediate: Trigger(after="diagnose"),
    AgentKind.escalate: Trigger(after="triage"),
    AgentKind.review: Trigger(on="resolved"),
}


class AgentConfig(_Strict):
    name: str = Field(pattern=NAME)
    kind: AgentKind
    description: str = ""
    enabled: bool = True
    trigger: Trigger | None = None  # default per kind (DEFAULT_TRIGGER)
    inputs: list[InputName] = Field(default_factory=lambda: list(InputName))
    instructions: str = ""
    instructions_version: str = Field(default="1", min_length=1, max_length=64)
    language: Literal["en", "ja"] = "en"
    tools: list[ToolName] = Field(default_factory=list)
    autonomy: Autonomy = Autonomy.suggest
    backend: str = "builtin"
    model: str | None = Field(default=None, min_length=1, max_length=200)
    max_steps: int = Field(default=6, ge=1, le=20)
    budget: Limits | None = None  # per-decision cap for this agent (overrides budgets.per_decision)
    fallback: Fallback = Fallback.builtin

    @property
    def instructions_hash(self) -> str:
        """Hash of what the model is told: the text, its version and the agent kind."""
        body = f"{self.kind.value}\n{self.instructions_version}\n{self.instructions.strip()}"
        return hashlib.sha256(body.encode("utf-8")).hexdigest()

    @property
    def uses_llm(self) -> bool:
        return self.backend != "builtin"

    def effective_trigger(self) -> Trigger | None:
        return self.trigger or DEFAULT_TRIGGER.get(self.kind)


class AgentsConfig(_Strict):
    version: int = 1
    backends: dict[str, BackendConfig] = Field(default_factory=dict)
    prices: dict[str, Price] = Field(default_factory=dict)  # model name -> price
    budgets: Budgets = Field(default_factory=Budgets)
    agents: list[AgentConfig] = Field(default_factory=list)

    def agent(self, name: str) -> AgentConfig | None:
        return next((a for a in self.agents if a.name == name), None)


def cross_check(cfg: AgentsConfig) -> list[ErrorDetail]:
    """Checks that need the whole file: references, duplicates, LLM agents' models."""
    errors: list[ErrorDetail] = []
    seen: set[str] = set()
    for i, a in enumerate(cfg.agents):
        loc: tuple[str | int, ...] = ("agents", i)
        if a.name in seen:
            errors.append(ErrorDetail((*loc, "name"), f"duplicate agent {a.name!r}", "duplicate"))
        if a.uses_llm and a.backend not in cfg.backends:
            known = ", ".join(["builtin", *cfg.backends]) or "builtin"
            errors.append(
                ErrorDetail(
                    (*loc, "backend"),
                    f"unknown backend {a.backend!r} (known: {known})",
                    "unknown_backend",
                )
            )
        if a.uses_llm and not a.model:
            errors.append(
                ErrorDetail((*loc, "model"), "an LLM backend needs a model", "missing_model")
            )
        trig = a.effective_trigger()
        if a.trigger is not None and a.trigger.after is not None and a.trigger.after not in seen:
            what = "itself" if a.trigger.after == a.name else repr(a.trigger.after)
            errors.append(
                ErrorDetail(
                    (*loc, "trigger", "after"),
                    f"`after` must name an agent defined above, not {what}",
                    "unknown_agent",
                )
            )
        elif a.trigger is None and trig is not None and trig.after and trig.after not in seen:
            errors.append(
                ErrorDetail(
                    (*loc, "trigger"),
                    f"the default trigger `after: {trig.after}` needs an agent "
                    f"named {trig.after!r} above; set `trigger:` explicitly",
                    "unknown_agent",
                )
            )
        seen.add(a.name)
    return errors


def load_agents(path: Path) -> AgentsConfig:
    """Parse and validate `agents.yaml`; a ConfigError lists every problem with its line."""
    doc = read_yaml(path)
    cfg = validate_doc(doc, AgentsConfig, path)
    problems = cross_check(cfg)
    if problems:
        raise config_error(path, doc, problems)
    return cfg


def default_agents() -> AgentsConfig:
    """What runs with no `agents.yaml`: builtin triage, diagnose and remediate, suggest only."""
    return AgentsConfig(
        agents=[
            AgentConfig(name="triage", kind=AgentKind.triage),
            AgentConfig(name="diagnose", kind=AgentKind.diagnose),
            AgentConfig(name="remediate", kind=AgentKind.remediate),
        ]
    )


def configure_llm(
    agents_config: AgentsConfig, base_url: str, model: str, api_key: str | None = None
) -> AgentsConfig:
    """Point every agent at one OpenAI-compatible endpoint (`aiops demo --llm-base-url`).

    Returns a copy; tools, autonomy, budgets and fallbacks are kept. The key, if any, is
    held in memory only and never dumped.
    """
    backend = BackendConfig(
        kind="openai_compat", base_url=base_url, api_key=SecretStr(api_key) if api_key else None
    )
    data: dict[str, Any] = agents_config.model_dump()
    cfg = AgentsConfig.model_validate({**data, "backends": {}})
    cfg.backends = {**agents_config.backends, "cli-llm": backend}
    for a in cfg.agents:
        a.backend, a.model = "cli-llm", model
    return cfg


__all__ = [
    "AgentConfig",
    "AgentKind",
    "AgentsConfig",
    "BackendConfig",
    "Budgets",
    "Fallback",
    "InputName",
    "Limits",
    "Price",
    "ToolName",
    "Trigger",
    "configure_llm",
    "cross_check",
    "default_agents",
    "load_agents",
]
