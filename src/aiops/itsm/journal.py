"""The executor's journal on the change record: each step saved as it finishes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiops.itsm.notify.outbox import RepoScope
from aiops.model.itsm import StepRecord, StepStatus


class ChangeJournal:
    """Step records live in `Change.steps`; (phase, index) is the idempotency key."""

    def __init__(self, scope: RepoScope, change_id: str, clock: Callable[[], datetime]) -> None:
        self.scope, self.change_id, self.clock = scope, change_id, clock

    def done(self, phase: str, index: int) -> StepRecord | None:
        with self.scope() as repo:
            change = repo.get_change(self.change_id)
        if change is None:
            return None
        return next(
            (
                s
                for s in change.steps
                if s.phase == phase and s.index == index and s.status is StepStatus.ok
            ),
            None,
        )

    def record(self, rec: StepRecord) -> None:
        with self.scope() as repo:
            change = repo.get_change(self.change_id, for_update=True)
            if change is None:
                return
            steps = [s for s in change.steps if (s.phase, s.index) != (rec.phase, rec.index)]
            repo.save_change(
                change.model_copy(update={"steps": [*steps, rec], "updated_at": self.clock()})
            )


__all__ = ["ChangeJournal"]
