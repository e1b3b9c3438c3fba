"""The `agents` incident stage: run every configured agent whose trigger matches.

    triage     on: opened       once per incident
    diagnose   after: triage    again when the RCA diagnosis names other suspects or a
                                new kind of alert joins the incident
    remediate  after: diagnose  again when a new diagnosis decision is made, or a change
                                made for the incident ends (a failed fix asks for another)
    review     on: resolved

Idempotent (the dispatcher may call it again for the same incident): each decision
stores a `trigger_key`, and an agent runs only when no decision with the same key
exists. Reads, the (possibly slow) reasoning and the write happen in separate short
transactions, so an LLM call never holds the store's write lock. The store is a
`Protocol`; the wiring passes the SQL implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import structlog

from aiops.agents.budget import Usage, day_start, month_start
from aiops.agents.builtin import memory_query
from aiops.agents.catalogue import load_catalogue
from aiops.agents.config import (
    AgentConfig,
    AgentKind,
    AgentsConfig,
    InputName,
    default_agents,
    load_agents,
)
from aiops.agents.context import Context, RunbookInfo, diagnosis_gist, digest
from aiops.agents.engine import Engine, Spent
from aiops.agents.memory import Bm25Index, build_docs
from aiops.agents.tools import SeriesReader, ToolEnv
from aiops.config import read_yaml, to_plain
from aiops.model import Alert, Event, Incident, IncidentState
from aiops.model.changes import ChangeRecord
from aiops.model.cmdb import Cmdb
from aiops.model.decisions import Decision
from aiops.model.policy import Policies

log = structlog.get_logger("aiops.agents")
CHANGES_LOOKBACK = timedelta(hours=6)


class UsageLike(Protocol):
    @property
    def tokens(self) -> int: ...
    @property
    def calls(self) -> int: ...
    @property
    def cost_usd(self) -> float: ...


class AgentStore(Protocol):
    def incident(self, incident_id: str) -> Incident | None: ...
    def alerts(self, incident_id: str) -> list[Alert]: ...
    def events(self, incident: Incident, alerts: Sequence[Alert]) -> list[Event]: ...
    def decisions_for(self, incident_id: str) -> list[Decision]: ...
    def usage(
        self, *, incident_id: str | None = None, since: datetime | None = None
    ) -> UsageLike: ...
    def changes(self, since: datetime, until: datetime) -> list[ChangeRecord]: ...
    def incident_changes(self, incident_id: str) -> list[tuple[str, str]]: ...
    def add_decision(self, d: Decision) -> None: ...
    def past_incidents(
        self,
        *,
        exclude: str | None = None,
    ) -> list[tuple[Incident, list[str], list[Decision]]]: ...


class Sessions(Protocol):
    def begin(self) -> AbstractContextManager[Any]: ...


@dataclass
class StageDeps:
    """Everything the stage reads besides the store; built once by the wiring."""

    cmdb: Cmdb | None = None
    policies: Policies = field(default_factory=Policies)
    runbooks: Sequence[RunbookInfo] = ()
    known_errors: Sequence[dict[str, Any]] = ()
    series: SeriesReader | None = None
    policy_version: str | None = None


def trigger_key(
    agent: AgentConfig,
    inc: Incident,
    upstream: dict[str, Decision],
    changes: Sequence[tuple[str, str]] = (),
    alerts: Sequence[str] = (),
) -> str | None:
    """The key this agent would run under now, or None when its trigger is not met.

    `changes`: (runbook, state) of the incident's changes; a remediation agent decides
    again when one of them has ended. `alerts`: the names of the incident's alerts; an
    agent that reads them decides again when a new kind of alert joins (the first alert
    is often a symptom; the one naming the cause may come seconds later)."""
    trig = agent.effective_trigger()
    if trig is None:
        return None
    if trig.on == "opened":
        return digest(["opened"])[:32]
    if trig.on == "diagnosed":
        gist = diagnosis_gist(inc.diagnosis)
        return digest(["diagnosed", gist])[:32] if inc.diagnosis else None
    if trig.on == "resolved":
        done = inc.state in (IncidentState.resolved, IncidentState.closed)
        return digest(["resolved"])[:32] if done else None
    up = upstream.get(trig.after or "")
    if up is None or up.backend == "human":
        return None
    diag = diagnosis_gist(inc.diagnosis) if InputName.diagnosis in agent.inputs else None
    ended = [c for c in changes if c[1] in _ENDED] if agent.kind is AgentKind.remediate else []
    names = sorted(set(alerts)) if InputName.alerts in agent.inputs else []
    return digest([up.id, diag, *ended] + ([names] if names else []))[:32]


_ENDED = frozenset({"succeeded", "failed", "rejected", "expired", "blocked", "withdrawn"})


class AgentsStage:
    name = "agents"

    def __init__(
        self,
        cfg: AgentsConfig,
        *,
        sessions: Sessions,
        store_factory: Callable[[Any], AgentStore],
        clock: Callable[[], datetime],
        deps: StageDeps,
        engine: Engine | None = None,
    ) -> None:
        self.cfg = cfg
        self.sessions = sessions
        self.store_factory = store_factory
        self.clock = clock
        self.deps = deps
        self.engine = engine or Engine(cfg, policy_version=deps.policy_version)

    def handle(self, incident_id: str, reason: str) -> None:
        for agent in [a for a in self.cfg.agents if a.enabled]:
            self._run_agent(agent, incident_id)

    def _run_agent(self, agent: AgentConfig, incident_id: str) -> Decision | None:
        now = self.clock()
        with self.sessions.begin() as s:
            store = self.store_factory(s)
            inc = store.incident(incident_id)
            if inc is None:
                return None
            decisions = store.decisions_for(incident_id)
            upstream = {d.agent: d for d in decisions}  # oldest first: the latest wins
            made = store.incident_changes(incident_id)
            alerts = store.alerts(incident_id)
            key = trigger_key(agent, inc, upstream, made, [a.name for a in alerts])
            if key is None or any(
                d.agent == agent.name and d.trigger_key == key for d in decisions
            ):
                return None
            events = store.events(inc, alerts) if InputName.logs in agent.inputs else []
            changes = (
                store.changes(inc.opened_at - CHANGES_LOOKBACK, now)
                if InputName.logs in agent.inputs or agent.tools
                else []
            )
            past = (
                store.past_incidents(exclude=incident_id)
                if InputName.memory in agent.inputs
                else []
            )
            spent = Spent(
                _usage(store.usage(incident_id=incident_id)),
                _usage(store.usage(since=day_start(now))),
                _usage(store.usage(since=month_start(now))),
            )
        ctx = Context(
            incident=inc,
            alerts=alerts,
            events=events,
            changes=changes,
            cmdb=self.deps.cmdb,
            policies=self.deps.policies,
            runbooks=self.deps.runbooks,
            upstream={k: v for k, v in upstream.items() if k != agent.name},
            now=now,
            incident_changes=made,
        )
        index = Bm25Index(build_docs(past, self.deps.runbooks, self.deps.known_errors))
        ctx.memory = index.search(memory_query(ctx), limit=8)
        env = ToolEnv(ctx, series=self.deps.series, memory=index)
        trig = agent.effective_trigger()
        d = self.engine.decide(
            agent, ctx, env, trigger=str(trig), trigger_key=key, spent=spent, now=now
        )
        with self.sessions.begin() as s:
            self.store_factory(s).add_decision(d)
        return d


def _usage(u: UsageLike) -> Usage:
    return Usage(u.tokens, u.calls, u.cost_usd)


def load_agents_config(config_dir: Path | None) -> AgentsConfig:
    """`agents.yaml` from the config directory, else the builtin defaults."""
    if config_dir is not None and (config_dir / "agents.yaml").exists():
        return load_agents(config_dir / "agents.yaml")
    return default_agents()


def load_known_errors(config_dir: Path | None) -> list[dict[str, Any]]:
    """`known_errors.yaml` (a list of {id, title, pattern, workaround}) when present."""
    path = config_dir / "known_errors.yaml" if config_dir else None
    if path is None or not path.exists():
        return []
    doc = to_plain(read_yaml(path))
    items = doc.get("known_errors", doc) if isinstance(doc, dict) else doc
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def build_deps(
    config_dir: Path | None,
    *,
    cmdb: Cmdb | None,
    policies: Policies,
    series: SeriesReader | None,
    policy_version: str | None,
) -> StageDeps:
    return StageDeps(
        cmdb=cmdb,
        policies=policies,
        runbooks=load_catalogue(config_dir),
        known_errors=load_known_errors(config_dir),
        series=series,
        policy_version=policy_version,
    )


__all__ = [
    "AgentStore",
    "AgentsStage",
    "StageDeps",
    "build_deps",
    "load_agents_config",
    "load_known_errors",
    "trigger_key",
]
