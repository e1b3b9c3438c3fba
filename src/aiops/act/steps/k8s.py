"""`k8s`: rollout restart or scale a Deployment/StatefulSet, via `kubectl` or the API.

mode: kubectl   kubectl [--context C] -n NS rollout restart deployment/NAME
                kubectl [--context C] -n NS scale deployment/NAME --replicas=N
mode: api       PATCH /apis/apps/v1/namespaces/NS/deployments/NAME
                    (strategic merge: the restartedAt annotation, as kubectl does)
                PATCH /apis/apps/v1/namespaces/NS/deployments/NAME/scale
                    (merge patch: spec.replicas)
"""

from __future__ import annotations

import os
import subprocess
from typing import Any, Literal

import httpx
from pydantic import ConfigDict, Field, model_validator

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome, clip

_DNS = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"


class K8sArgs(Args):
    model_config = ConfigDict(extra="forbid")

    action: Literal["rollout_restart", "scale"]
    name: str = Field(pattern=_DNS)
    namespace: str = Field(default="default", pattern=_DNS)
    resource: Literal["deployment", "statefulset"] = "deployment"
    replicas: int | None = Field(default=None, ge=0, le=1000)
    mode: Literal["kubectl", "api"] = "kubectl"
    kubectl: str = Field(default="kubectl", pattern=r"^[A-Za-z0-9_./-]+$")
    context: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.@:/-]{1,200}$")
    api_url: str | None = Field(default=None, pattern=r"^https?://")
    token_env: str | None = None

    @model_validator(mode="after")
    def _needs(self) -> K8sArgs:
        if self.action == "scale" and self.replicas is None:
            raise ValueError("scale needs replicas")
        if self.mode == "api" and self.api_url is None:
            raise ValueError("mode api needs api_url")
        return self


def kubectl_argv(args: K8sArgs) -> list[str]:
    argv = [args.kubectl]
    if args.context:
        argv += ["--context", args.context]
    argv += ["-n", args.namespace]
    target = f"{args.resource}/{args.name}"
    if args.action == "rollout_restart":
        return [*argv, "rollout", "restart", target]
    return [*argv, "scale", target, f"--replicas={args.replicas}"]


def _kubectl(args: K8sArgs, ctx: StepContext) -> StepOutcome:
    argv = kubectl_argv(args)
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, validated names, no shell
            argv,
            capture_output=True,
            text=True,
            timeout=max(0.1, ctx.remaining()),
            check=False,
            env={**os.environ},
        )
    except subprocess.TimeoutExpired:
        return StepOutcome(False, f"{' '.join(argv)}: timed out", {"timeout": True})
    except OSError as exc:
        return StepOutcome(False, f"{args.kubectl}: cannot run: {exc}")
    out = clip(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}")
    return StepOutcome(done.returncode == 0, out, {"exit": done.returncode})


def _api(args: K8sArgs, ctx: StepContext) -> StepOutcome:
    assert args.api_url is not None
    plural = args.resource + "s"
    path = f"/apis/apps/v1/namespaces/{args.namespace}/{plural}/{args.name}"
    headers: dict[str, str] = {}
    if args.token_env and os.environ.get(args.token_env):
        headers["Authorization"] = f"Bearer {os.environ[args.token_env]}"
    body: dict[str, Any]
    if args.action == "rollout_restart":
        stamp = ctx.wallclock().strftime("%Y-%m-%dT%H:%M:%SZ")
        annotations = {"kubectl.kubernetes.io/restartedAt": stamp}
        body = {"spec": {"template": {"metadata": {"annotations": annotations}}}}
        headers["Content-Type"] = "application/strategic-merge-patch+json"
    else:
        path += "/scale"
        body = {"spec": {"replicas": args.replicas}}
        headers["Content-Type"] = "application/merge-patch+json"
    url = args.api_url.rstrip("/") + path
    try:
        with ctx.http(max(0.1, ctx.remaining())) as client:
            resp = client.patch(
                url, content=httpx.Request("PATCH", url, json=body).content, headers=headers
            )
    except httpx.HTTPError as exc:
        return StepOutcome(False, f"PATCH {url}: {exc!r}")
    out = f"PATCH {path} -> HTTP {resp.status_code}\n{clip(resp.text, 1500)}"
    return StepOutcome(resp.is_success, out, {"status": resp.status_code})


def run(args: K8sArgs, ctx: StepContext) -> StepOutcome:
    return _kubectl(args, ctx) if args.mode == "kubectl" else _api(args, ctx)


KIND = StepKind("k8s", K8sArgs, run)
