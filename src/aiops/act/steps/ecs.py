"""`ecs`: AWS ECS force-new-deployment or desired count, through boto3's UpdateService."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome

_NAME = r"^[A-Za-z0-9][A-Za-z0-9_:/.-]{0,254}$"


class EcsArgs(Args):
    model_config = ConfigDict(extra="forbid")

    action: Literal["force_new_deployment", "set_desired_count"]
    cluster: str = Field(pattern=_NAME)
    service: str = Field(pattern=_NAME)
    desired_count: int | None = Field(default=None, ge=0, le=1000)
    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")

    @model_validator(mode="after")
    def _needs(self) -> EcsArgs:
        if self.action == "set_desired_count" and self.desired_count is None:
            raise ValueError("set_desired_count needs desired_count")
        return self


def run(args: EcsArgs, ctx: StepContext) -> StepOutcome:
    from botocore.exceptions import BotoCoreError, ClientError

    kwargs: dict[str, Any] = {"cluster": args.cluster, "service": args.service}
    if args.action == "force_new_deployment":
        kwargs["forceNewDeployment"] = True
    else:
        kwargs["desiredCount"] = args.desired_count
    try:
        client = ctx.boto3_client("ecs", args.region)
        resp = client.update_service(**kwargs)
    except (BotoCoreError, ClientError) as exc:
        return StepOutcome(False, f"ecs {args.action} {args.cluster}/{args.service}: {exc}")
    svc = resp.get("service", {}) if isinstance(resp, dict) else {}
    deployments = [
        {"id": d.get("id"), "status": d.get("status"), "desired": d.get("desiredCount")}
        for d in svc.get("deployments", [])
    ]
    out = (
        f"ecs {args.action} {args.cluster}/{args.service}: desired={svc.get('desiredCount')} "
        f"running={svc.get('runningCount')} deployments={len(deployments)}"
    )
    return StepOutcome(True, out, {"deployments": deployments})


KIND = StepKind("ecs", EcsArgs, run)
