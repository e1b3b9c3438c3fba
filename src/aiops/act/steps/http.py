"""`http`: one HTTP call; success is an expected status (2xx unless `expect_status`)."""

from __future__ import annotations

from typing import Any, Literal

import httpx
from pydantic import ConfigDict, Field

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome, clip


class HttpArgs(Args):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    url: str = Field(pattern=r"^(https?://|\{)")
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = Field(default=None, alias="json")
    expect_status: list[int] = Field(default_factory=list)  # empty: any 2xx


def run(args: HttpArgs, ctx: StepContext) -> StepOutcome:
    try:
        with ctx.http(max(0.1, ctx.remaining())) as client:
            resp = client.request(args.method, args.url, headers=args.headers, json=args.body)
    except httpx.HTTPError as exc:
        return StepOutcome(False, f"{args.method} {args.url}: {exc!r}")
    ok = resp.status_code in args.expect_status if args.expect_status else resp.is_success
    out = f"{args.method} {args.url} -> HTTP {resp.status_code}\n{clip(resp.text, 2000)}"
    return StepOutcome(ok, out, {"status": resp.status_code})


KIND = StepKind("http", HttpArgs, run)
