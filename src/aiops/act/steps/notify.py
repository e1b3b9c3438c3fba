"""`notify`: tell people through the notification channels (the itsm layer delivers)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome


class NotifyArgs(Args):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=4000)
    event: str = Field(default="runbook.notice", pattern=r"^[a-z_]+\.[a-z_]+$")


def run(args: NotifyArgs, ctx: StepContext) -> StepOutcome:
    if ctx.notify is None:
        return StepOutcome(False, "notifications are not wired in this process")
    ref = ctx.notify({"event": args.event, "message": args.message})
    return StepOutcome(True, f"notification queued: {ref}", {"notification": ref})


KIND = StepKind("notify", NotifyArgs, run)
