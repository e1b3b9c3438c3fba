"""`ChangeService`: the change lifecycle with its own transactions, execution and links.

    propose_change ──► route ──approved──► execute (thread pool) ──► verify ──► resolve
                         └─pending──► notify approvers (signed links) ──► decide ──┘

The REST API, the CLI, the act stage and the agents' remediation all go through here.
Refusals (bad parameters, an unknown runbook, a forged or replayed link, an approver who
may not approve) are written to the audit chain in their own transaction, then raised:
nothing else happens. Execution runs outside any transaction; each step's record is
saved as it finishes, so the incident page shows progress.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

import structlog

from aiops.act.executor import Executor
from aiops.act.steps import StepContext
from aiops.errors import AiopsError
from aiops.itsm import changes as ch
from aiops.itsm.changes import ChangeDesk
from aiops.itsm.journal import ChangeJournal
from aiops.itsm.notify.outbox import RepoScope, notify
from aiops.itsm.tokens import LinkRefused, sign, verify
from aiops.model.duration import format_duration
from aiops.model.itsm import FINAL_STATES, Autonomy, Change, ChangeState

log = structlog.get_logger("aiops.itsm")
ContextFactory = Callable[[Change], StepContext]


class ChangeService:
    def __init__(
        self,
        scope: RepoScope,
        desk: ChangeDesk,
        *,
        clock: Callable[[], datetime],
        context: ContextFactory | None = None,
        executor: Executor | None = None,
        workers: int = 2,
        secret: bytes | None = None,
        execute: bool = True,
    ) -> None:
        self.scope, self.desk, self.clock = scope, desk, clock
        self.execute_here = execute  # False (the CLI): a serving process runs approved changes
        self.context = context or (lambda c: StepContext(policy=desk.policies.changes))
        self.executor = executor or Executor(desk.policies.changes.step_timeout_s)
        env_secret = os.environ.get(desk.policies.changes.link_secret_env)
        self.secret = secret or (env_secret.encode() if env_secret else secrets.token_bytes(32))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="change")
        self.futures: dict[str, Future[Change | None]] = {}
        # called with each change that ended (succeeded, failed), after its commit: the
        # wiring tells the incident stages, so a failed fix is followed by another proposal
        self.listeners: list[Callable[[Change], None]] = []

    # -- refusals survive the rollback of the refused action ----------------------------
    def _refused(
        self, exc: AiopsError, *, entity_id: str, action: str, actor: str, detail: dict[str, Any]
    ) -> None:
        with self.scope() as repo:
            repo.audit(
                actor=actor,
                entity="change",
                entity_id=entity_id,
                action=action,
                before=None,
                after={"code": exc.code, "message": str(exc)[:1000], **detail},
                now=self.clock(),
            )
        log.warning("change.refused", action=action, entity_id=entity_id, code=exc.code)

    # -- propose -----------------------------------------------------------------------
    def propose_change(
        self,
        *,
        incident_id: str | None,
        runbook: str,
        params: dict[str, Any] | None,
        requested_by: str,
        autonomy: Autonomy | str,
        now: datetime | None = None,
        rationale: str = "",
        confidence: float | None = None,
        source: str = "agent",
    ) -> Change:
        """Create the change record and route it by type and policy (see module docstring)."""
        now = now or self.clock()
        try:
            with self.scope() as repo:
                change = ch.propose(
                    repo,
                    self.desk,
                    incident_id=incident_id,
                    runbook=runbook,
                    params=params,
                    requested_by=requested_by,
                    autonomy=autonomy,
                    now=now,
                    rationale=rationale,
                    confidence=confidence,
                    source=source,
                )
                if change.state is ChangeState.pending_approval and change.created_at == now:
                    self._ask_approval(repo, change, now)
        except AiopsError as exc:
            self._refused(
                exc,
                entity_id=incident_id or "-",
                action="propose_refused",
                actor=requested_by,
                detail={"runbook": runbook, "source": source},
            )
            raise
        if change.state is ChangeState.approved and change.id not in self.futures:
            self.submit(change.id)  # a repeated proposal does not submit twice
        return change

    def _ask_approval(self, repo: Any, change: Change, now: datetime) -> None:
        inc = repo.get_incident(change.incident_id) if change.incident_id else None
        who = change.approvers or ["approver"]
        for person in who:
            links = self.links(change, person, now)
            notify(
                repo,
                "change.approval_requested",
                {
                    "change_id": change.id,
                    "runbook": change.runbook,
                    "type": change.type.value,
                    "params": change.params,
                    "reasons": "; ".join(change.reasons),
                    "incident_id": change.incident_id or "-",
                    "title": inc.title if inc else "-",
                    "approver": person,
                    "approve_url": links["approve"],
                    "deny_url": links["deny"],
                    "link_ttl": format_duration(self.desk.policies.changes.link_ttl_s),
                },
                policy=self.desk.policies.notifications,
                priority=inc.priority if inc else None,
                service=change.service,
                now=now,
                key=f"{change.id}:{person}",
                incident_id=change.incident_id,
                change_id=change.id,
            )

    def links(self, change: Change, approver: str, now: datetime) -> dict[str, str]:
        pol = self.desk.policies.changes
        base = pol.public_url.rstrip("/")
        return {
            d: f"{base}/approve/"
            + sign(
                self.secret,
                change_id=change.id,
                approver=approver,
                decision=d,
                params_hash=change.params_hash,
                now=now,
                ttl_s=pol.link_ttl_s,
            )
            for d in ("approve", "deny")
        }

    # -- decide ------------------------------------------------------------------------
    def decide(
        self,
        change_id: str,
        *,
        approver: str,
        decision: str,
        via: str,
        comment: str = "",
        role: str | None = None,
    ) -> Change:
        now = self.clock()
        try:
            with self.scope() as repo:
                change = ch.decide(
                    repo,
                    change_id,
                    approver=approver,
                    decision=decision,
                    via=via,
                    now=now,
                    comment=comment,
                    role=role,
                )
        except AiopsError as exc:
            self._refused(
                exc,
                entity_id=change_id,
                action=f"{decision}_refused",
                actor=approver or "?",
                detail={"via": via},
            )
            raise
        if change.state is ChangeState.approved:
            self.submit(change.id)
        elif change.state in FINAL_STATES:  # rejected: the incident needs another answer
            self._ended(change)
        return change

    def withdraw(self, change_id: str, *, by: str, reason: str) -> Change:
        """Take back a change still waiting for approval; refusals are audited."""
        try:
            with self.scope() as repo:
                change = ch.withdraw(repo, change_id, by=by, reason=reason, now=self.clock())
        except AiopsError as exc:
            self._refused(exc, entity_id=change_id, action="withdraw_refused", actor=by,
                          detail={"reason": reason[:200]})  # fmt: skip
            raise
        self._ended(change)
        return change

    def decide_by_link(self, token: str, *, comment: str = "") -> Change:
        """Apply a signed link: genuine, unexpired, parameters unchanged, first use only."""
        now = self.clock()
        try:
            claim = verify(self.secret, token, now=now)
        except LinkRefused as exc:
            self._refused(
                exc,
                entity_id="-",
                action="link_refused",
                actor="link",
                detail={"token_prefix": token[:16] if isinstance(token, str) else ""},
            )
            raise
        try:
            with self.scope() as repo:
                change = repo.get_change(claim.change_id)
                if change is not None and change.params_hash != claim.params_hash:
                    raise LinkRefused(
                        "link_params_changed",
                        "the change's parameters differ from the ones approved",
                    )
                if not repo.spend_nonce(claim.nonce, claim.change_id, now):
                    raise LinkRefused("link_replayed", "approval link was already used")
        except AiopsError as exc:
            self._refused(
                exc,
                entity_id=claim.change_id,
                action="link_refused",
                actor=claim.approver,
                detail={"decision": claim.decision},
            )
            raise
        return self.decide(
            claim.change_id,
            approver=claim.approver,
            decision=claim.decision,
            via="link",
            comment=comment,
        )

    # -- execute -----------------------------------------------------------------------
    def submit(self, change_id: str) -> Future[Change | None] | None:
        if not self.execute_here:
            return None
        fut = self._pool.submit(self.execute, change_id)
        self.futures[change_id] = fut
        return fut

    def execute(self, change_id: str) -> Change | None:
        """Run an approved change once (a second call finds it claimed and does nothing)."""
        now = self.clock()
        with self.scope() as repo:
            if not repo.claim_change(change_id, "approved", "running", now):
                return None
            change = repo.get_change(change_id, for_update=True)
            assert change is not None
            change = change.model_copy(
                update={"state": ChangeState.running, "started_at": now, "updated_at": now}
            )
            repo.save_change(change)
            ch._audit(repo, change, "execute", "executor", now)
            ch._timeline(
                repo,
                change,
                "execution",
                f"change {change.id}: running {change.runbook}",
                "executor",
                now,
            )
        rb = self.desk.runbooks.get(change.runbook)
        journal = ChangeJournal(self.scope, change.id, self.clock)
        try:
            if rb is None:
                raise AiopsError(f"runbook {change.runbook!r} is no longer loaded")
            ctx = self.context(change)
            ctx.values.update(
                {
                    "change_id": change.id,
                    "incident_id": change.incident_id or "",
                    "service": change.service or "",
                }
            )
            result = self.executor.execute(rb, change.params, ctx, journal)
            ok, verification, rolled_back, error = (
                result.ok,
                result.verification,
                result.rolled_back,
                result.error,
            )
        except Exception as exc:  # the executor itself broke: fail closed, tell people
            log.error("change.executor_failed", change_id=change_id, error=repr(exc))
            ok, verification, rolled_back, error = False, {"ok": False}, False, repr(exc)[:500]
        return self._finish(change_id, ok, verification, rolled_back, error)

    def _finish(
        self,
        change_id: str,
        ok: bool,
        verification: dict[str, Any],
        rolled_back: bool,
        error: str | None,
    ) -> Change:
        now = self.clock()
        with self.scope() as repo:
            before = repo.get_change(change_id, for_update=True)
            assert before is not None
            change = before.model_copy(
                update={
                    "state": ChangeState.succeeded if ok else ChangeState.failed,
                    "verification": verification,
                    "rolled_back": rolled_back,
                    "error": error,
                    "ended_at": now,
                    "updated_at": now,
                }
            )
            repo.save_change(change)
            ch._audit(
                repo,
                change,
                "succeeded" if ok else "failed",
                "executor",
                now,
                before,
                error=error,
                rolled_back=rolled_back,
            )
            text = (
                f"change {change.id} verified"
                if ok
                else f"change {change.id} failed: {error}; rollback "
                f"{'done' if rolled_back else 'not done'}; escalated"
            )
            ch._timeline(
                repo, change, "execution", text, "executor", now, ok=ok, rolled_back=rolled_back
            )
            inc = ch.resolve_incident(repo, change, now) if ok else None
            if not ok and change.incident_id:
                inc = repo.get_incident(change.incident_id)
            notify(
                repo,
                "change.succeeded" if ok else "change.failed",
                {
                    "change_id": change.id,
                    "runbook": change.runbook,
                    "incident_id": change.incident_id or "-",
                    "error": error or "",
                    "rollback": "done" if rolled_back else "not done",
                    "verification": "; ".join(
                        f"{c['name']}: {c['output']}" for c in verification.get("checks", [])
                    ),
                },
                policy=self.desk.policies.notifications,
                priority=inc.priority if inc is not None else None,
                service=change.service,
                now=now,
                key=change.id,
                incident_id=change.incident_id,
                change_id=change.id,
            )
        log.info("change.finished", change_id=change_id, ok=ok, rolled_back=rolled_back)
        self._ended(change)
        return change

    def _ended(self, change: Change) -> None:
        for listener in self.listeners:
            try:
                listener(change)
            except Exception:  # a listener must not undo a committed change
                log.exception("change.listener_failed", change_id=change.id)

    def run_approved(self) -> int:
        """Execute approved changes nobody picked up (approved from the CLI, a restart)."""
        with self.scope() as repo:
            ids = [c.id for c in repo.list_changes(states=["approved"], limit=20)]
        for cid in ids:
            if cid not in self.futures or self.futures[cid].done():
                self.submit(cid)
        return len(ids)

    def expire_due(self) -> list[Change]:
        with self.scope() as repo:
            expired = ch.expire_due(repo, self.clock())
        for change in expired:
            self._ended(change)
        return expired

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


__all__ = ["ChangeService"]
