"""Run scenarios against the live stack: inject, wait for detection, clear, wait for
recovery, close out as the operator; log every step to the injection log.

    warm-up ─► [start ─► inject ─► incident (+ an alert from each analyzer)? ─► clear ─► mitigated? ─► close out ─► end] × N

Waiting reads the store (the same rows the report reads), so what the orchestrator
sees and what the report says cannot disagree. The timeline is fed by listeners on the
worker (alerts firing / resolved) and the pipeline (incidents opened, state changes).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from aiops.correlate.commands import change_state
from aiops.correlate.runner import BatchResult
from aiops.demo.injections import Injection, InjectionLog
from aiops.demo.report import ALERTING_KINDS, OPERATOR, incidents_opened, touches
from aiops.demo.scenarios import Scenario, Timing
from aiops.demo.stack import DemoStack
from aiops.demo.timeline import Timeline
from aiops.errors import AiopsError
from aiops.model import Event, EventStatus, IncidentState
from aiops.store.repos.incidents import IncidentRepo
from aiops.store.tables import AlertRow, EventRow, IncidentRow

ACTIVE = ("open", "acknowledged", "mitigated")


APPROVER = "demo-change-manager"
NEXT_PROPOSAL_S = 10.0  # after a failed change, how long the agents get to propose another

# Timeline kinds the correlation stage writes (printed from batch results instead).
_CORRELATION_KINDS = frozenset({"opened", "alert", "state", "comment"})


def utcnow() -> datetime:
    return datetime.now(UTC)


class Orchestrator:
    def __init__(
        self,
        stack: DemoStack,
        timeline: Timeline,
        log: InjectionLog,
        timing: Timing,
        stop: asyncio.Event,
        *,
        service: str = "sulu",
    ) -> None:
        self.stack, self.timeline, self.log = stack, timeline, log
        self.timing, self.stop, self.service = timing, stop, service
        self._states: dict[str, str] = {}
        self._shown: set[tuple[str, str, datetime, str]] = set()

    # -- listeners: the live timeline --------------------------------------------------

    def attach(self) -> None:
        assert self.stack.runtime is not None and self.stack.worker is not None
        self.stack.runtime.batch_listeners.append(self._on_batch)
        self.stack.worker.listeners.append(self._on_alerts)
        self.stack.runtime.stages.listeners.append(self._on_stage)

    def _on_alerts(self, analyzer: str, events: list[Event]) -> None:
        for e in events:
            name = e.labels.get("alertname", e.summary)
            if e.status is EventStatus.resolved:
                self.timeline.add(
                    "resolved", f"alert {name} resolved ({analyzer})", at=e.occurred_at
                )
            else:
                self.timeline.add("alert", f"{name} firing ({analyzer}): {e.summary}",
                                  at=e.occurred_at)  # fmt: skip

    def _on_stage(self, stage: str, incident_id: str) -> None:
        """Print what a later stage (diagnosis, agents, changes) wrote on the incident."""
        from aiops.store.repos.incidents import IncidentRepo

        with self.stack.runtime.sessions() as s:
            entries = IncidentRepo(s).timeline(incident_id)
        for e in entries:
            key = (incident_id, e.kind, e.at, e.text)
            if e.kind in _CORRELATION_KINDS or key in self._shown:
                continue
            self._shown.add(key)
            self.timeline.add(e.kind, e.text, ref=incident_id)

    def _on_batch(self, result: BatchResult) -> None:
        ids = [*result.incidents_opened, *result.incidents_updated]
        if not ids:
            return
        rt = self.stack.runtime
        assert rt is not None
        with rt.sessions() as s:
            repo = IncidentRepo(s)
            for iid in ids:
                inc = repo.get(iid)
                if inc is None:
                    continue
                state, before = inc.state.value, self._states.get(iid)
                self._states[iid] = state
                if iid in result.incidents_opened:
                    self.timeline.add("incident", f"opened P{inc.priority}: {inc.title}", ref=iid)
                elif before is not None and before != state:
                    kind = "recovery" if state == "mitigated" else "state"
                    self.timeline.add(kind, f"incident {before} → {state}", ref=iid)

    # -- store reads -------------------------------------------------------------------

    def _incidents_since(self, since: datetime) -> list[Any]:
        rt = self.stack.runtime
        assert rt is not None
        with rt.sessions() as s:
            rows = incidents_opened(s, since, None)
        return [r for r in rows if touches(r, self.service)]

    def _firing(self) -> int:
        """Alerts on the service still firing (a still-firing alert cannot open a new
        incident next scenario, so the demo waits for them before moving on)."""
        rt = self.stack.runtime
        assert rt is not None
        with rt.sessions() as s:
            return len(
                s.execute(
                    select(AlertRow.id).where(
                        AlertRow.state == "firing", AlertRow.service == self.service
                    )
                ).all()
            )

    def _all_alerted(self, since: datetime) -> bool:
        """Every analyzer of the worker has raised a firing alert on the service since."""
        rt, worker = self.stack.runtime, self.stack.worker
        assert rt is not None and worker is not None
        with rt.sessions() as s:
            sources = set(
                s.execute(
                    select(EventRow.source).where(
                        EventRow.kind.in_(ALERTING_KINDS), EventRow.status == "firing",
                        EventRow.service == self.service, EventRow.occurred_at >= since,
                    ).distinct()
                ).scalars()
            )  # fmt: skip
        return all(a.name in sources for a in worker.analyzers)

    def _state(self, incident_id: str) -> str | None:
        rt = self.stack.runtime
        assert rt is not None
        with rt.sessions() as s:
            inc = IncidentRepo(s).get(incident_id)
        return inc.state.value if inc is not None else None

    def _close_out(self, note: str) -> list[str]:
        """Resolve and close every active incident as the operator (clean slate)."""
        rt = self.stack.runtime
        assert rt is not None
        done = []
        with rt.sessions() as s:
            ids = s.execute(
                select(IncidentRow.id).where(IncidentRow.state.in_(ACTIVE))
            ).scalars().all()  # fmt: skip
        for iid in ids:
            for to in (IncidentState.resolved, IncidentState.closed):
                try:
                    with rt.sessions.begin() as s:
                        change_state(IncidentRepo(s), iid, to, actor=OPERATOR, now=rt.clock(),
                                     note=note)  # fmt: skip
                except AiopsError as exc:  # raced with the pipeline: report, go on
                    self.timeline.add("info", f"close-out of {iid} skipped: {exc}")
                    break
            else:
                done.append(iid)
                self._states[iid] = "closed"
        return done

    # -- remediation: the change desk acts, the demo's change manager approves ---------

    def _has_change_desk(self) -> bool:
        rt = self.stack.runtime
        return rt is not None and any(st.name == "act" for st in rt.stages.stages)

    def _changes(self, incident_id: str) -> list[Any]:
        from aiops.store.repos.itsm import SqlItsmRepo

        rt = self.stack.runtime
        assert rt is not None
        with rt.sessions() as s:
            return list(SqlItsmRepo(s).list_changes(incident_id=incident_id))

    async def _approve(self, change_id: str) -> None:
        """The demo's change manager approves through the real REST API."""
        import httpx

        async with httpx.AsyncClient(base_url=self.stack.url, timeout=10) as c:
            r = await c.post(
                f"/api/v1/change-requests/{change_id}/approve",
                json={"approver": APPROVER, "comment": "demo: approved"},
            )
        if r.status_code >= 400:
            self.timeline.add("info", f"approval of {change_id} refused: {r.text[:200]}")

    async def _remediation(self, incident_id: str) -> bool:
        """Wait for the incident's change to finish, approving it when it asks; True when
        a change succeeded (its verification held) — the fault was fixed by the change."""
        from aiops.model.itsm import FINAL_STATES, ChangeState

        approved: set[str] = set()
        asked: dict[str, float] = {}

        async def finished() -> Any:
            changes = await asyncio.to_thread(self._changes, incident_id)
            for ch in changes:
                if ch.state is ChangeState.pending_approval and ch.id not in approved:
                    first = asked.setdefault(ch.id, time.monotonic())
                    if time.monotonic() - first >= self.timing.approve_delay_s:
                        approved.add(ch.id)
                        await self._approve(ch.id)
                        self.timeline.add(
                            "approval",
                            f"{ch.id} ({ch.runbook}, {ch.type.value}) approved by {APPROVER}",
                            ref=incident_id,
                        )
            # the newest proposal decides (a withdrawn one was replaced by a newer one);
            # after a failure the agents get a moment to propose the next fix
            live = sorted((ch for ch in changes if ch.state is not ChangeState.withdrawn),
                          key=lambda ch: ch.created_at)  # fmt: skip
            last = live[-1] if live else None
            if last is None or last.state not in FINAL_STATES:
                return None
            if last.state is ChangeState.succeeded:
                return last
            ended = asked.setdefault(f"ended:{last.id}", time.monotonic())
            return last if time.monotonic() - ended >= NEXT_PROPOSAL_S else None

        change = await self._until(finished, self.timing.remediate_timeout_s)
        if change is None:
            self.timeline.add(
                "timeout",
                f"no change finished within {self.timing.remediate_timeout_s:.0f} s",
                ref=incident_id,
            )
            return False
        ok = change.state is ChangeState.succeeded
        self.timeline.add(
            "change" if ok else "timeout",
            f"{change.id} ({change.runbook}) {change.state.value}"
            + (": verification held" if ok else ""),
            ref=incident_id,
        )
        return ok

    def _fault_active(self, fault: str) -> bool:
        """The simulator's own answer (its fault board), whatever the change reported: the
        fault is gone, or still on but masked by a workaround the service runs on."""
        sup = self.stack.sup
        assert sup is not None
        try:
            board = sup.faults()
        except AiopsError:  # no instance answers: nothing fixed either
            return True
        return any(f.get("name") == fault and not f.get("masked") for f in board.get("active", []))

    # -- waiting -----------------------------------------------------------------------

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless asked to stop; True if the demo should go on."""
        try:
            await asyncio.wait_for(self.stop.wait(), timeout=max(seconds, 0.0))
        except TimeoutError:
            return True
        return False

    async def _until(self, check: Callable[[], Awaitable[Any]], timeout_s: float) -> Any:
        """Poll `check` every 0.5 s until truthy, the timeout, or stop; its last value."""
        deadline = time.monotonic() + timeout_s
        while True:
            value = await check()
            if value or time.monotonic() >= deadline or self.stop.is_set():
                return value
            await self._sleep(min(0.5, deadline - time.monotonic()))

    # -- the scenarios -----------------------------------------------------------------

    async def warm_up(self) -> bool:
        t = self.timing.warmup_s
        self.timeline.set_status(f"warming up ({t:.0f} s): load, scrapes and rule windows fill")
        self.timeline.add("info", f"warm-up {t:.0f} s")
        ok = await self._sleep(t)
        closed = await asyncio.to_thread(self._close_out, "demo: warm-up close-out")
        if closed:
            self.timeline.add("operator", f"closed {len(closed)} warm-up incident(s)")
        return ok

    async def run(self, scenarios: Sequence[Scenario]) -> None:
        for i, sc in enumerate(scenarios, start=1):
            if self.stop.is_set():
                return
            self.timeline.set_status(f"scenario {i}/{len(scenarios)}: {sc.name}")
            await self.run_one(sc)
            if not await self._sleep(self.timing.quiet_gap_s):
                return

    def _note(self, sc: Scenario, step: str) -> datetime:
        now = utcnow()
        self.log.append(Injection(now, sc.name, step, sc.fault, dict(sc.params)))
        return now

    async def run_one(self, sc: Scenario) -> None:
        self._note(sc, "start")
        self.timeline.add("scenario", f"{sc.name}: {sc.summary}")
        if sc.fault is None:
            await self._sleep(self.timing.no_fault_s)
        else:
            await self._fault_cycle(sc)
        closed = await asyncio.to_thread(self._close_out, f"demo: end of scenario {sc.name}")
        for iid in closed:
            self.timeline.add("operator", "incident resolved and closed by the demo operator",
                              ref=iid)  # fmt: skip
        self._note(sc, "end")

    async def _fault_cycle(self, sc: Scenario) -> None:
        sup = self.stack.sup
        assert sup is not None and sc.fault is not None
        await asyncio.to_thread(sup.fault, sc.fault, True, dict(sc.params))
        injected = self._note(sc, "inject")
        shown = ", ".join(f"{k}={v:g}" for k, v in sc.params.items())
        self.timeline.add("fault", f"{sc.fault} injected" + (f" ({shown})" if shown else ""))

        async def opened() -> Any:
            rows = await asyncio.to_thread(self._incidents_since, injected)
            return rows[0] if rows else None

        async def detected() -> Any:
            # with several analyzers, wait until each has alerted (or the timeout), so
            # each one's MTTD is measured on the same fault and none is cut short
            inc = await opened()
            if inc is None or not await asyncio.to_thread(self._all_alerted, injected):
                return None
            return inc

        inc = await self._until(detected, self.timing.detect_timeout_s) or await opened()
        if inc is not None:
            mttd = (inc.opened - injected).total_seconds()
            self.timeline.add("info", f"detected {sc.fault} in {mttd:.1f} s", ref=inc.id)
        elif not self.stop.is_set():
            self.timeline.add("timeout", f"no incident within {self.timing.detect_timeout_s:.0f} s "
                              f"of injecting {sc.fault}")  # fmt: skip
        fixed = False
        if inc is not None and not self.stop.is_set() and self._has_change_desk():
            fixed = await self._remediation(inc.id)
        if fixed:  # the change says it worked: does the simulator agree?
            active = await asyncio.to_thread(self._fault_active, sc.fault)
            self.log.append(Injection(utcnow(), sc.name, "checked", sc.fault,
                                      {"fault_active": 1.0 if active else 0.0}))  # fmt: skip
            if active:
                self.timeline.add("timeout", f"the change held its verification but {sc.fault} "
                                  "is still active: not fixed", ref=inc.id if inc else None)  # fmt: skip
        await asyncio.to_thread(sup.fault, sc.fault, False, None)
        self._note(sc, "clear")
        self.timeline.add("clear", f"{sc.fault} cleared"
                          + (" (after the change had fixed it)" if fixed else "")
                          + (" (service started again)" if sc.fault == "stop" and not fixed
                             else ""))  # fmt: skip
        if self.stop.is_set():
            return

        async def recovered() -> bool:
            if await asyncio.to_thread(self._firing):
                return False
            # mitigated by the pipeline, or resolved by the change that fixed it
            state = await asyncio.to_thread(self._state, inc.id) if inc is not None else None
            return inc is None or state in ("mitigated", "resolved", "closed")

        if not await self._until(recovered, self.timing.recover_timeout_s):
            if not self.stop.is_set():
                what = "mitigated" if inc is not None else "quiet (alerts still firing)"
                self.timeline.add("timeout", f"not {what} within "
                                  f"{self.timing.recover_timeout_s:.0f} s of the clear",
                                  ref=inc.id if inc is not None else None)  # fmt: skip
