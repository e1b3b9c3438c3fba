"""`wait`: let the service settle before the next step (bounded by the step timeout)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome


class WaitArgs(Args):
    model_config = ConfigDict(extra="forbid")

    seconds: float = Field(ge=0, le=3600)


def run(args: WaitArgs, ctx: StepContext) -> StepOutcome:
    ctx.sleep(min(args.seconds, ctx.remaining()))
    return StepOutcome(True, f"waited {args.seconds:g} s")


KIND = StepKind("wait", WaitArgs, run, timeout_hint=lambda a: a.seconds + 5)
