"""Wiring: the one place that builds the store, the configuration and the pipeline.

`web`, the CLI, the demo and the benchmarks all build a `Runtime` from `Settings`; stage
packages never construct their own collaborators.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aiops.bus.inprocess import GroupCommitQueue
from aiops.bus.nats import NatsEventBus
from aiops.bus.stages import IncidentStage, StageDispatcher
from aiops.cmdb.loader import load_cmdb, load_policies
from aiops.cmdb.topology import Topology
from aiops.config import Settings, load_config_file
from aiops.correlate.runner import BatchResult, CorrelationRunner
from aiops.model import Event, Sample
from aiops.model.changes import ChangeRecord
from aiops.model.cmdb import Cmdb
from aiops.model.ingest import IngestConfig
from aiops.model.policy import Policies
from aiops.obs.metrics import PlatformMetrics
from aiops.store import audit
from aiops.store.database import make_engine, migrate, session_factory
from aiops.store.repos.cmdb import CmdbRepo
from aiops.store.repos.correlation import SqlCorrelationUnit
from aiops.store.series import SeriesStore

log = structlog.get_logger("aiops.runtime")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ConfigSet:
    """The service manager's files, loaded and validated together."""

    directory: Path | None
    policies: Policies = field(default_factory=Policies)
    cmdb: Cmdb | None = None
    ingest: IngestConfig = field(default_factory=IngestConfig)
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256, for the audit

    @classmethod
    def load(cls, directory: Path | None) -> ConfigSet:
        cs = cls(directory)
        if directory is None:
            return cs
        if not directory.is_dir():
            from aiops.errors import ConfigError

            raise ConfigError(f"{directory}: config directory does not exist")
        loaders: dict[str, Callable[[Path], object]] = {
            "policies.yaml": lambda p: setattr(cs, "policies", load_policies(p)),
            "cmdb.yaml": lambda p: setattr(cs, "cmdb", load_cmdb(p)),
            "ingest.yaml": lambda p: setattr(cs, "ingest", load_config_file(p, IngestConfig)),
            # validated here so a bad file stops the start (and is named); their owners
            # (the worker, the agents stage) load them again for use
            "rules.yaml": _check_rules,
            "agents.yaml": _check_agents,
        }
        for name, load in loaders.items():
            path = directory / name
            if path.exists():
                load(path)
                cs.files[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return cs


def _check_rules(path: Path) -> None:
    from aiops.rules import load_rules

    load_rules(path)


def _check_agents(path: Path) -> None:
    from aiops.agents.config import load_agents

    load_agents(path)


class Runtime:
    """Store + config + correlation pipeline; sync `process` and async `submit`."""

    def __init__(
        self,
        settings: Settings,
        *,
        config: ConfigSet | None = None,
        clock: Callable[[], datetime] = utcnow,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.config = config if config is not None else ConfigSet.load(settings.config_dir)
        self.engine = engine if engine is not None else make_engine(settings.database_url)
        migrate(self.engine)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        self.metrics = PlatformMetrics()
        self._topology_lock = threading.Lock()
        self.config.cmdb = self.seed_cmdb()
        self.topology = Topology(self.config.cmdb)
        self.runner = CorrelationRunner(
            policies=self.config.policies,
            cmdb=self.config.cmdb,
            topology=self.topology,
            clock=clock,
        )
        self.queue: GroupCommitQueue[Event, BatchResult] = GroupCommitQueue(self._handle_groups)
        self.series = SeriesStore()
        self.sample_sinks: list[Callable[[Sequence[Sample]], None]] = [self.series.add]
        self.batch_listeners: list[Callable[[BatchResult], None]] = []
        # told of every CMDB swap (an API edit), so stages holding a CMDB see the edit
        self.cmdb_listeners: list[Callable[[Cmdb], None]] = []
        # diagnose → decide → act, registered by whoever wires them (serve, demo, eval)
        self.stages = StageDispatcher()
        # Set by `serve --bus`: ingest publishes to JetStream and `aiops worker` correlates.
        self.bus: NatsEventBus | None = NatsEventBus(settings.bus_url) if settings.bus_url else None
        self.record_config()

    # -- configuration ---------------------------------------------------------------
    def record_config(self, actor: str = "system") -> None:
        """Audit each config file whose content changed since the last recorded version."""
        with self.sessions.begin() as s:
            for name, digest in sorted(self.config.files.items()):
                last = audit.latest(s, entity="config", entity_id=name)
                prev = (last.after or {}).get("sha256") if last is not None else None
                if prev == digest:
                    continue
                audit.append(
                    s,
                    actor=actor,
                    entity="config",
                    entity_id=name,
                    action="create" if prev is None else "update",
                    before={"sha256": prev} if prev else None,
                    after={"sha256": digest, "directory": str(self.config.directory)},
                    now=self.clock(),
                )
                log.info("config.recorded", file=name, sha256=digest[:12])

    def seed_cmdb(self, actor: str = "cmdb.yaml") -> Cmdb | None:
        """The CMDB the platform runs on: the store's, seeded from `cmdb.yaml`.

        The file seeds the store, and re-seeds it whenever its content changes (every
        difference audited); API edits live in the store until then. With neither a
        file nor stored CIs there is no CMDB (None), as before.
        """
        with self.sessions.begin() as s:
            repo = CmdbRepo(s)
            file_cmdb = self.config.cmdb
            if file_cmdb is not None:
                digest = hashlib.sha256(audit.canonical(file_cmdb.model_dump(mode="json")).encode())
                sha = digest.hexdigest()
                last = audit.latest(s, entity="cmdb", entity_id="cmdb.yaml")
                if last is None or (last.after or {}).get("sha256") != sha:
                    changed = repo.sync(file_cmdb, actor=actor, now=self.clock())
                    audit.append(
                        s,
                        actor=actor,
                        entity="cmdb",
                        entity_id="cmdb.yaml",
                        action="seed",
                        before=None,
                        after={"sha256": sha, "changed": changed},
                        now=self.clock(),
                    )
            elif repo.is_empty():
                return None
            return repo.load()

    def set_cmdb(self, cmdb: Cmdb) -> None:
        """Swap the CMDB (after an API edit): correlation sees the new graph from its next batch."""
        topology = Topology(cmdb)
        with self._topology_lock:
            self.config.cmdb = cmdb
            self.topology = topology
            self.runner.cmdb = cmdb
            self.runner.topology = topology
            self.runner._services = {s.name: s for s in cmdb.services}
        for listener in self.cmdb_listeners:
            listener(cmdb)

    def ingest_token(self, source: str) -> list[str]:
        """Tokens accepted for `source`: its own (via token_env) and AIOPS_INGEST_TOKEN."""
        tokens: list[str] = []
        cfg = self.config.ingest.sources.get(source)
        if cfg is not None and cfg.token_env:
            value = os.environ.get(cfg.token_env)
            if value:
                tokens.append(value)
        shared = self.settings.ingest_token or os.environ.get("AIOPS_INGEST_TOKEN")
        if shared:
            tokens.append(shared)
        return tokens

    # -- the pipeline ----------------------------------------------------------------
    def process(self, events: Sequence[Event]) -> BatchResult:
        """Correlate and commit one batch in one transaction (CLI, bench, tests)."""
        start = time.perf_counter()
        try:
            with self._topology_lock, self.sessions.begin() as s:
                result = self.runner.process(events, SqlCorrelationUnit(s))
        except BaseException:
            self.runner.forget()
            raise
        self.runner.committed()
        self._observe(result, time.perf_counter() - start)
        return result

    def _handle_groups(self, groups: Sequence[list[Event]]) -> list[BatchResult | BaseException]:
        start = time.perf_counter()
        try:
            with self._topology_lock, self.sessions.begin() as s:
                results: list[BatchResult | BaseException] = [
                    self.runner.process(g, SqlCorrelationUnit(s)) for g in groups
                ]
        except Exception:
            self.runner.forget()
            if len(groups) == 1:
                raise
            # One bad group must not fail the others: retry each on its own.
            return [self._one(g) for g in groups]
        self.runner.committed()
        elapsed = time.perf_counter() - start
        for r in results:
            if isinstance(r, BatchResult):
                self._observe(r, elapsed)
        return results

    def _one(self, group: list[Event]) -> BatchResult | BaseException:
        try:
            return self.process(group)
        except Exception as exc:
            log.error("pipeline.batch_failed", events=len(group), error=str(exc))
            return exc

    async def submit(self, events: list[Event]) -> BatchResult:
        return await self.queue.submit(events)

    def publish_samples(self, samples: Sequence[Sample]) -> None:
        for sink in self.sample_sinks:
            sink(samples)

    def _observe(self, result: BatchResult, seconds: float) -> None:
        self.metrics.pipeline_seconds.observe(seconds)
        if result.duplicates:
            self.metrics.duplicates.inc(result.duplicates)
        if result.incidents_opened:
            self.metrics.incidents_opened.inc(len(result.incidents_opened))
            for iid in result.incidents_opened:
                log.info("incident.opened", incident_id=iid)
        for iid in result.incidents_opened:
            self.stages.notify(iid, "opened")
        for iid in result.incidents_updated:
            self.stages.notify(iid, "updated")
        for listener in self.batch_listeners:
            listener(result)

    async def aclose(self) -> None:
        await self.queue.stop()
        if self.bus is not None:
            await self.bus.close()

    def close(self) -> None:
        self.engine.dispose()


def build_diagnose_stage(runtime: Runtime) -> IncidentStage:
    """The diagnose stage over this runtime's store, recent series and CMDB.

    Register it with `runtime.stages.stages.append(...)`; changes reach it through the
    store (POST /api/v1/changes, the GitLab webhook, a change feed such as sulu's).
    """
    from contextlib import contextmanager

    from aiops.diagnose.recent import RawSeries
    from aiops.diagnose.stage import DiagnoseStage
    from aiops.store.repos.diagnosis import SqlDiagnosisUnit

    @contextmanager
    def units() -> Iterator[SqlDiagnosisUnit]:
        with runtime.sessions.begin() as s:
            yield SqlDiagnosisUnit(s)

    def series() -> list[RawSeries]:
        store = runtime.series
        return [RawSeries(i.name, i.labels, i.ci, store.points(i.key)) for i in store.series()]

    return DiagnoseStage(
        units=units, series=series, cmdb=lambda: runtime.config.cmdb, clock=runtime.clock
    )


def change_recorder(runtime: Runtime) -> Callable[[Sequence[ChangeRecord]], int]:
    """`record(changes) -> newly recorded`, for a change feed (`sources.pull.change_feed`)."""
    from aiops.store.repos.cmdb import ChangeRepo

    def record(changes: Sequence[ChangeRecord]) -> int:
        with runtime.sessions.begin() as s:
            repo = ChangeRepo(s)
            return sum(repo.add(c, now=runtime.clock()) for c in changes)

    return record


def build_agents_stage(
    runtime: Runtime, config_dir: Path | None, *, agents_config: Any = None
) -> Any:
    """The `agents` stage for `runtime.stages`, or None when no agent is enabled.

    `agents_config` overrides `agents.yaml` (e.g. after `configure_llm` for the demo's
    `--llm-base-url`). Raises ConfigError for a bad `agents.yaml`.
    """
    from aiops.agents.engine import Engine
    from aiops.agents.metrics import AgentMetrics
    from aiops.agents.stage import AgentsStage, build_deps, load_agents_config
    from aiops.store.repos.decisions import SqlAgentStore

    cfg = agents_config if agents_config is not None else load_agents_config(config_dir)
    if not any(a.enabled for a in cfg.agents):
        return None
    policy_version = runtime.config.files.get("policies.yaml")
    deps = build_deps(
        config_dir,
        cmdb=runtime.config.cmdb,
        policies=runtime.config.policies,
        series=runtime.series,
        policy_version=policy_version,
    )
    metrics = getattr(runtime, "agent_metrics", None)
    if metrics is None:
        metrics = AgentMetrics(runtime.metrics.registry)
        runtime.agent_metrics = metrics  # one set of counters per registry
    engine = Engine(cfg, metrics=metrics, policy_version=policy_version)
    runtime.cmdb_listeners.append(lambda cmdb: setattr(deps, "cmdb", cmdb))
    return AgentsStage(
        cfg,
        sessions=runtime.sessions,
        store_factory=SqlAgentStore,
        clock=runtime.clock,
        deps=deps,
        engine=engine,
    )


class RemediationBridge:
    """Turns the `remediate` agent's proposal into a change request (ITIL change enablement).

    Runs after the agents stage: the newest remediate decision naming a runbook becomes a
    change through the act stage, which routes it by type and policy (standard +
    autonomous runs, normal waits for approvers). Idempotent: the change service returns
    the existing change when this incident already has one for that runbook.
    """

    name = "remediate-to-change"

    def __init__(self, runtime: Runtime, act: Any) -> None:
        self.runtime, self.act = runtime, act

    def _in_flight(self, incident_id: str) -> list[Any]:
        from aiops.model.itsm import ChangeState
        from aiops.store.repos.itsm import SqlItsmRepo

        busy = [ChangeState.pending_approval, ChangeState.approved, ChangeState.running]
        with self.runtime.sessions() as s:
            return list(SqlItsmRepo(s).list_changes(incident_id=incident_id, states=busy))

    def handle(self, incident_id: str, reason: str) -> None:
        from aiops.errors import AiopsError
        from aiops.model import IncidentState
        from aiops.store.repos.decisions import DecisionRepo
        from aiops.store.repos.incidents import IncidentRepo

        with self.runtime.sessions() as s:
            inc = IncidentRepo(s).get(incident_id)
            decisions = [
                d for d in DecisionRepo(s).for_incident(incident_id) if d.kind == "remediate"
            ]
        if inc is None or inc.state not in (IncidentState.open, IncidentState.acknowledged):
            return
        if not decisions:
            return
        d = decisions[-1]
        out = d.output or {}
        runbook = out.get("runbook")
        if not runbook:
            return
        try:
            if not self._make_room(incident_id, runbook, d):
                return  # one change at a time: the agent is asked again when it ends
            self.act.propose_change(
                incident_id=incident_id,
                runbook=runbook,
                params=out.get("params") or {},
                requested_by=f"agent:{d.agent}",
                autonomy=d.autonomy,
                rationale=str(out.get("rationale") or d.summary),
                confidence=d.confidence,
                source="agent",
            )
        except AiopsError as exc:  # refused and audited by the change service
            log.warning(
                "remediate.refused", incident_id=incident_id, runbook=runbook, error=str(exc)[:300]
            )

    def _make_room(self, incident_id: str, runbook: str, d: Any) -> bool:
        """True when the proposal may go ahead: nothing in flight, or only the agents'
        own earlier proposal, still waiting for approval, which this newer decision
        supersedes (it is withdrawn: approvers see the current recommendation)."""
        from aiops.model.itsm import ChangeState

        busy = [c for c in self._in_flight(incident_id) if c.runbook != runbook]
        if not busy:
            return True  # nothing else in flight (the same proposal again is idempotent)
        stale = [c for c in busy if c.state is ChangeState.pending_approval
                 and c.source == "agent" and c.created_at < d.created_at]  # fmt: skip
        if len(stale) != len(busy):
            return False  # a change already runs, or people proposed it: wait for its end
        for c in stale:
            self.act.service.withdraw(
                c.id,
                by=f"agent:{d.agent}",
                reason=f"superseded: the newer diagnosis calls for {runbook}",
            )
        return True


def install_stages(
    runtime: Runtime,
    config_dir: Path | None,
    *,
    agents_config: Any = None,
    sim_url: str | None = None,
) -> list[Callable[[], Any]]:
    """Register the incident stages (diagnose → agents → change → act) `config_dir` enables.

    With agents configured, the `remediate` agent's proposal becomes the change; without
    them the baseline picks the runbook by alert name. Returns the coroutine functions to
    run beside the app (the stage dispatcher, the change desk's clock); `serve`, `worker`
    and the demo all wire the same chain through here.
    """
    from aiops.itsm.stage import build_act_stage
    from aiops.store.repos.itsm import SqlItsmRepo

    background: list[Callable[[], Any]] = [runtime.stages.run]
    runtime.stages.stages.append(build_diagnose_stage(runtime))
    agents = build_agents_stage(runtime, config_dir, agents_config=agents_config)
    if agents is not None:
        runtime.stages.stages.append(agents)
    act = build_act_stage(
        runtime, config_dir, sim_url=sim_url, repos=SqlItsmRepo, baseline=agents is None
    )
    if act is not None:
        if agents is not None:
            runtime.stages.stages.append(RemediationBridge(runtime, act))
        runtime.stages.stages.append(act)
        background.append(act.run)

        def change_ended(change: Any) -> None:  # the agents answer a failed or denied fix
            if change.incident_id:
                runtime.stages.notify(change.incident_id, "updated")

        act.service.listeners.append(change_ended)
        # service windows and CIs edited through the API route the next change
        runtime.cmdb_listeners.append(lambda cmdb: setattr(act.service.desk, "cmdb", cmdb))
    return background
