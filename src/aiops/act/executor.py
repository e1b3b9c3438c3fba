"""Run a runbook: steps, then verification; on failure the rollback steps. Idempotent.

    steps ──all ok──► verify ──holds──► succeeded
      │ a step fails       │ does not hold
      └────────────────────┴──► rollback (every step tried) ──► failed (escalate)

Each step is keyed by (change id, phase, index) in the `Journal`: a step already recorded
`ok` is not run again, so a change handed to the executor twice (at-least-once delivery,
a restart mid-run) continues where it stopped instead of restarting sulu twice. Each step
runs in its own thread with a deadline; a step that hangs is recorded `timeout` and
counts as failed (the thread is left to finish in the background: Python cannot kill it,
which is why every kind also passes its remaining time to its own I/O). A kind that
returns anything but a `StepOutcome` is recorded as failed ("garbage"), never trusted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError

from aiops.act.runbook import Runbook, Step, render
from aiops.act.steps import REGISTRY, StepContext, StepKind, StepOutcome
from aiops.act.steps.base import clip
from aiops.errors import AiopsError
from aiops.model.itsm import StepRecord, StepStatus


class Journal(Protocol):
    """Where step records go (the change record); `done` makes re-runs skip finished steps."""

    def done(self, phase: str, index: int) -> StepRecord | None: ...
    def record(self, rec: StepRecord) -> None: ...


class MemoryJournal:
    """A journal in a list (tests, dry runs)."""

    def __init__(self, records: Sequence[StepRecord] = ()) -> None:
        self.records = list(records)

    def done(self, phase: str, index: int) -> StepRecord | None:
        return next(
            (
                r
                for r in self.records
                if r.phase == phase and r.index == index and r.status is StepStatus.ok
            ),
            None,
        )

    def record(self, rec: StepRecord) -> None:
        self.records = [r for r in self.records if (r.phase, r.index) != (rec.phase, rec.index)]
        self.records.append(rec)


@dataclass
class Execution:
    ok: bool  # the verification held (or there was none and every step worked)
    verification: dict[str, Any]
    rolled_back: bool
    error: str | None
    records: list[StepRecord] = field(default_factory=list)


@dataclass
class Executor:
    default_timeout_s: float = 120.0
    registry: dict[str, StepKind] = field(default_factory=lambda: dict(REGISTRY))
    clock: Callable[[], datetime] | None = None  # wall time for the records

    def execute(
        self, runbook: Runbook, params: dict[str, Any], ctx: StepContext, journal: Journal
    ) -> Execution:
        values = {**ctx.values, **params, "runbook": runbook.name}
        ctx = replace(ctx, values=values)
        records: list[StepRecord] = []
        error: str | None = None
        for i, step in enumerate(runbook.steps):
            rec = self._step("run", i, step, ctx, journal)
            records.append(rec)
            if rec.status is not StepStatus.ok and not step.continue_on_error:
                error = f"step {i + 1} ({step.name}) {rec.status.value}: {_first_line(rec.output)}"
                break
        verification: dict[str, Any] = {"ok": False, "checks": []}
        if error is None:
            checks = []
            for i, step in enumerate(runbook.verify):
                rec = self._step("verify", i, step, ctx, journal)
                records.append(rec)
                checks.append(
                    {
                        "name": step.name,
                        "ok": rec.status is StepStatus.ok,
                        "output": _first_line(rec.output),
                    }
                )
            ok = all(c["ok"] for c in checks)
            verification = {"ok": ok, "checks": checks}
            if not ok:
                bad = next(c for c in checks if not c["ok"])
                error = f"verification failed: {bad['name']}: {bad['output']}"
        rolled_back = False
        if error is not None and runbook.rollback:
            rb_records = [
                self._step("rollback", i, s, ctx, journal) for i, s in enumerate(runbook.rollback)
            ]
            records += rb_records
            rolled_back = all(r.status is StepStatus.ok for r in rb_records)
        return Execution(error is None, verification, rolled_back, error, records)

    def _step(
        self, phase: str, index: int, step: Step, ctx: StepContext, journal: Journal
    ) -> StepRecord:
        previous = journal.done(phase, index)
        if previous is not None:
            return previous  # idempotent: this step already ran to success
        started = self._now(ctx)
        kind = self.registry.get(step.kind)
        outcome, status = self._run(kind, step, ctx)
        rec = StepRecord(
            index=index,
            phase=phase,
            name=step.name,
            kind=step.kind,
            status=status,
            started_at=started,
            ended_at=self._now(ctx),
            output=clip(outcome.output),
            detail=_jsonable(outcome.detail),
        )
        journal.record(rec)
        return rec

    def _run(
        self, kind: StepKind | None, step: Step, ctx: StepContext
    ) -> tuple[StepOutcome, StepStatus]:
        if kind is None:
            return StepOutcome(False, f"unknown step kind {step.kind!r}"), StepStatus.failed
        try:
            args = kind.args.model_validate(render(step.args, ctx.values))
        except (ValidationError, KeyError, ValueError) as exc:
            return StepOutcome(False, f"bad arguments: {exc}"), StepStatus.failed
        timeout = step.timeout_s or kind.timeout_hint(args) or self.default_timeout_s
        timeout = max(timeout, 0.01)
        step_ctx = replace(ctx, deadline=ctx.monotonic() + timeout)
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["result"] = kind.run(args, step_ctx)
            except AiopsError as exc:
                box["result"] = StepOutcome(False, f"{exc.code}: {exc}")
            except Exception as exc:  # a broken kind must not take the executor down
                box["result"] = StepOutcome(False, f"step raised {exc!r}")

        worker = threading.Thread(target=target, name=f"step-{step.kind}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            return StepOutcome(False, f"timed out after {timeout:g} s"), StepStatus.timeout
        result = box.get("result")
        if (
            not isinstance(result, StepOutcome)
            or not isinstance(result.ok, bool)
            or not isinstance(result.output, str)
            or not isinstance(result.detail, dict)
        ):
            return StepOutcome(
                False, f"step returned garbage: {clip(repr(result), 200)}"
            ), StepStatus.failed
        return result, StepStatus.ok if result.ok else StepStatus.failed

    def _now(self, ctx: StepContext) -> datetime:
        return self.clock() if self.clock is not None else ctx.wallclock()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:300] if text.strip() else ""


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    import json

    try:
        out: dict[str, Any] = json.loads(json.dumps(detail, default=str))
        return out
    except (TypeError, ValueError):
        return {"unserialisable": True}


__all__ = ["Execution", "Executor", "Journal", "MemoryJournal"]
