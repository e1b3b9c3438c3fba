"""The `act` incident stage (baseline procedure) and its periodic tick.

    handle(incident)  SLA clock, problem keys, then the runbook the alerts name →
                      ChangeService.propose_change (routing decides run / ask / refuse)
    tick()            expire stale approvals, run approved changes, SLA warnings and
                      breaches, escalations, deliver the notification outbox

`build_act_stage(runtime, config_dir, sim_url=..., repos=SqlItsmRepo)` wires it; the
runtime is duck-typed (`sessions`, `config`, `series`, `clock`) so this package does not
import the wiring, and the SQL repository is passed in for the same reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import structlog

from aiops.act.loader import load_runbooks
from aiops.act.steps import StepContext
from aiops.errors import AiopsError
from aiops.itsm import problems, sla
from aiops.itsm.baseline import pick_runbook
from aiops.itsm.changes import ChangeDesk
from aiops.itsm.notify.outbox import RepoScope, deliver_due
from aiops.itsm.ports import ItsmRepo
from aiops.itsm.service import ChangeService
from aiops.model import IncidentState
from aiops.model.itsm import Autonomy, Change

log = structlog.get_logger("aiops.act")


class SeriesMetrics:
    """`MetricSource` over the runtime's in-memory series store."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def points(
        self, name: str, labels: Mapping[str, str], since: datetime
    ) -> Sequence[Sequence[tuple[float, float]]]:
        out = []
        for info in self.store.series(name=name):
            if all(info.labels.get(k) == v for k, v in labels.items()):
                out.append(self.store.points(info.key, since=since))
        return out


class ActStage:
    name = "act"

    def __init__(
        self,
        service: ChangeService,
        *,
        autonomy: Autonomy = Autonomy.autonomous,
        baseline: bool = True,
    ) -> None:
        self.service = service
        self.autonomy = autonomy
        self.baseline = baseline  # False: the agents propose; this stage keeps SLA/problems

    @property
    def scope(self) -> RepoScope:
        return self.service.scope

    def handle(self, incident_id: str, reason: str) -> None:
        desk, now = self.service.desk, self.service.clock()
        with self.scope() as repo:
            inc = repo.get_incident(incident_id)
            if inc is None:
                return
            sla.ensure_clock(repo, inc, desk.cmdb, now=now)
            problem = problems.note_incident(repo, inc, desk.policies, now=now)
            alerts = repo.incident_alerts(incident_id)
        if not self.baseline or inc.state not in (IncidentState.open, IncidentState.acknowledged):
            return
        known = problem.runbook if problem is not None else None
        pick = pick_runbook(alerts, desk.runbooks, known)
        if pick is None:
            return
        try:
            self.service.propose_change(
                incident_id=incident_id,
                runbook=pick.runbook,
                params=pick.params,
                requested_by="baseline",
                autonomy=self.autonomy,
                rationale=pick.why,
                source="baseline",
            )
        except AiopsError as exc:  # refused and audited by the service
            log.warning("act.baseline_refused", incident_id=incident_id, error=str(exc))

    def propose_change(self, **kwargs: Any) -> Change:
        """For the agents' remediation: see `ChangeService.propose_change`."""
        return self.service.propose_change(**kwargs)

    def tick(self) -> dict[str, int]:
        """The time-driven work; safe to call often and from several processes."""
        desk, now = self.service.desk, self.service.clock()
        expired = len(self.service.expire_due())
        running = self.service.run_approved()
        with self.scope() as repo:
            clocks = sla.tick(repo, desk.policies, now=now)
        sent = deliver_due(self.scope, desk.policies.notifications, now=now)
        return {"expired": expired, "approved_started": running, "sla_events": clocks, **sent}

    async def run(self, *, poll_s: float = 2.0) -> None:
        """Forever: `tick` in a worker thread every `poll_s` (add to the app's background)."""
        while True:
            try:
                await asyncio.to_thread(self.tick)
            except Exception as exc:
                log.error("act.tick_failed", error=repr(exc), exc_info=exc)
            await asyncio.sleep(poll_s)

    def close(self) -> None:
        self.service.close()


def _scope(sessions: Any, repos: Callable[[Any], ItsmRepo]) -> RepoScope:
    @contextmanager
    def scope() -> Iterator[ItsmRepo]:
        with sessions.begin() as session:
            yield repos(session)

    return scope


class _FrontUrl:
    """The sim's front URL, asked of the supervisor once (`/sim/status`)."""

    def __init__(self, sim_url: str | None) -> None:
        self.sim_url, self.value = sim_url, ""

    def __call__(self) -> str:
        if not self.value and self.sim_url:
            try:
                self.value = str(
                    httpx.get(f"{self.sim_url}/sim/status", timeout=5).json()["front_url"]
                )
            except (httpx.HTTPError, ValueError, KeyError, TypeError):
                return ""
        return self.value


def build_act_stage(
    runtime: Any,
    config_dir: Path | None,
    *,
    sim_url: str | None = None,
    repos: Callable[[Any], ItsmRepo],
    autonomy: Autonomy = Autonomy.autonomous,
    baseline: bool = True,
    secret: bytes | None = None,
    execute: bool = True,
) -> ActStage | None:
    """The act stage over `config_dir/runbooks/*.yaml`; None when there are no runbooks."""
    if config_dir is None or not (config_dir / "runbooks").is_dir():
        return None
    policies = runtime.config.policies
    runbooks = load_runbooks(config_dir / "runbooks", policies.changes)
    desk = ChangeDesk(runbooks, policies, runtime.config.cmdb)
    sim = (sim_url or policies.changes.sim_url or "").rstrip("/") or None
    front = _FrontUrl(sim)
    metrics = SeriesMetrics(runtime.series)

    def context(change: Change) -> StepContext:
        return StepContext(
            values={"sim_url": sim or "", "front_url": front()},
            policy=policies.changes,
            metrics=metrics,
            notify=lambda msg: _queue_notice(service, change, msg),
        )

    service = ChangeService(
        _scope(runtime.sessions, repos),
        desk,
        clock=runtime.clock,
        context=context,
        secret=secret,
        execute=execute,
    )
    return ActStage(service, autonomy=autonomy, baseline=baseline)


def _queue_notice(service: ChangeService, change: Change, msg: dict[str, Any]) -> str:
    from aiops.itsm.notify.outbox import notify

    now = service.clock()
    with service.scope() as repo:
        inc = repo.get_incident(change.incident_id) if change.incident_id else None
        queued = notify(
            repo,
            str(msg["event"]),
            {
                "message": msg["message"],
                "runbook": change.runbook,
                "change_id": change.id,
                "incident_id": change.incident_id or "-",
            },
            policy=service.desk.policies.notifications,
            priority=inc.priority if inc is not None else None,
            service=change.service,
            now=now,
            key=f"{change.id}:{msg['event']}",
            incident_id=change.incident_id,
            change_id=change.id,
        )
    return f"{len(queued)} queued"


__all__ = ["ActStage", "SeriesMetrics", "build_act_stage"]
