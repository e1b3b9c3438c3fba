"""`sulu`: service control of the demo service through the supervisor's HTTP API.

    POST {url}/sim/start | /sim/stop | /sim/restart
    POST {url}/sim/scale {"instances": n}
    POST {url}/sim/breaker {"open": bool}   (breaker: the external API's circuit breaker)
    POST {url}/control/faults/{fault} {"on": false}   (clear_fault: the manual fix)
    rollback: GET {url}/control/changes, revert the newest deploy or config change

`url` defaults to the context's `sim_url`, which the wiring sets (or `policies.changes.sim_url`).
"""

from __future__ import annotations

from typing import Any, Literal

import httpx
from pydantic import ConfigDict, Field, model_validator

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome, clip

# A recorded change and the fault switch that reverts it in the simulator.
_REVERT = {"deploy": "error-burst", "config": "config-change"}


class SuluArgs(Args):
    model_config = ConfigDict(extra="forbid")

    action: Literal["start", "stop", "restart", "scale", "rollback", "clear_fault", "breaker"]
    url: str | None = None  # default: the context's sim_url
    instances: int | None = Field(default=None, ge=1, le=8)
    fault: str | None = Field(default=None, pattern=r"^[a-z][a-z-]{0,40}$")
    open: bool | None = None  # breaker: force open (true) or close (false)

    @model_validator(mode="after")
    def _needs(self) -> SuluArgs:
        if self.action == "scale" and self.instances is None:
            raise ValueError("scale needs instances")
        if self.action == "clear_fault" and self.fault is None:
            raise ValueError("clear_fault needs fault")
        if self.action == "breaker" and self.open is None:
            raise ValueError("breaker needs open")
        return self


def _post(client: httpx.Client, url: str, body: dict[str, Any] | None) -> httpx.Response:
    return client.post(url, json=body or {})


def run(args: SuluArgs, ctx: StepContext) -> StepOutcome:
    url = args.url or str(ctx.values.get("sim_url") or "")
    base = url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        return StepOutcome(False, f"sulu: no supervisor URL (got {url!r}); set sim_url")
    try:
        with ctx.http(max(0.1, ctx.remaining())) as client:
            if args.action == "rollback":
                return _rollback(client, base)
            if args.action == "clear_fault":
                resp = _post(client, f"{base}/control/faults/{args.fault}", {"on": False})
            elif args.action == "scale":
                resp = _post(client, f"{base}/sim/scale", {"instances": args.instances})
            elif args.action == "breaker":
                resp = _post(client, f"{base}/sim/breaker", {"open": args.open})
            else:
                resp = _post(client, f"{base}/sim/{args.action}", None)
    except httpx.HTTPError as exc:
        return StepOutcome(False, f"sulu {args.action}: {exc!r}")
    out = f"sulu {args.action} -> HTTP {resp.status_code}\n{clip(resp.text, 1500)}"
    return StepOutcome(resp.is_success, out, {"status": resp.status_code})


def _rollback(client: httpx.Client, base: str) -> StepOutcome:
    resp = client.get(f"{base}/control/changes")
    if not resp.is_success:
        return StepOutcome(False, f"GET changes -> HTTP {resp.status_code}")
    try:
        changes = resp.json()["changes"]
        last = changes[-1] if changes else None
    except (ValueError, KeyError, TypeError, IndexError):
        return StepOutcome(False, f"GET changes: unexpected body {clip(resp.text, 300)!r}")
    if not isinstance(last, dict) or last.get("kind") not in _REVERT:
        return StepOutcome(False, f"no change to roll back (newest: {last!r})")
    summary = str(last.get("summary", ""))
    if summary.startswith(("rollback", "config rolled back")):
        return StepOutcome(False, f"the newest change is already a rollback: {summary}")
    fault = _REVERT[last["kind"]]
    r = _post(client, f"{base}/control/faults/{fault}", {"on": False})
    out = f"rolled back change #{last.get('id')} ({summary}) -> HTTP {r.status_code}"
    return StepOutcome(r.is_success, out, {"change": last, "status": r.status_code})


KIND = StepKind("sulu", SuluArgs, run)
