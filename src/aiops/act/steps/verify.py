"""`verify`: a condition that must hold over a window of fresh data, within a deadline.

    probe:  {url, expect_status: [200], max_latency_s: null, hold_s: 10, interval_s: 1,
             within_s: 60}
            every probe answers as expected (and, with `max_latency_s`, that fast) for
            `hold_s` in a row
    metric: {name, labels, agg: max, op: "<", threshold: 0.05, window_s: 30, within_s: 120}
            `agg` over the points that arrived after the step began, once they span
            `window_s`; for counters `increase`/`rate` (summed over matching series)

Only data from after the step began counts, so a fix is judged by what happened after it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome

OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


class Probe(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    url: str = Field(pattern=r"^(https?://|\{)")
    method: Literal["GET", "POST"] = "GET"
    body: dict[str, Any] | None = Field(default=None, alias="json")
    expect_status: list[int] = Field(default_factory=lambda: [200])
    body_contains: str | None = None
    max_latency_s: float | None = Field(default=None, gt=0, le=600)  # slower is a failure
    hold_s: float = Field(default=10.0, ge=0, le=3600)
    interval_s: float = Field(default=1.0, gt=0, le=300)
    within_s: float = Field(default=60.0, gt=0, le=3600)


class Metric(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    labels: dict[str, str] = Field(default_factory=dict)
    agg: Literal["last", "max", "min", "avg", "increase", "rate"] = "max"
    op: Literal["<", "<=", ">", ">=", "=="]
    threshold: float
    window_s: float = Field(default=30.0, gt=0, le=3600)
    interval_s: float = Field(default=2.0, gt=0, le=300)
    within_s: float = Field(default=120.0, gt=0, le=3600)


class VerifyArgs(Args):
    model_config = ConfigDict(extra="forbid")

    probe: Probe | None = None
    metric: Metric | None = None

    @model_validator(mode="after")
    def _one(self) -> VerifyArgs:
        if (self.probe is None) == (self.metric is None):
            raise ValueError("give exactly one of probe or metric")
        return self


def _probe(p: Probe, ctx: StepContext) -> StepOutcome:
    start = ctx.monotonic()
    held_since: float | None = None
    tries = passes = 0
    last = ""
    while True:
        now = ctx.monotonic()
        if now - start > p.within_s or ctx.remaining() <= 0:
            return StepOutcome(
                False,
                f"{p.url}: did not hold {p.hold_s:g} s within "
                f"{p.within_s:g} s ({passes}/{tries} probes ok; last: {last})",
                {"tries": tries, "passes": passes},
            )
        tries += 1
        try:
            sent = ctx.monotonic()
            with ctx.http(min(p.interval_s * 5, max(0.1, ctx.remaining()))) as client:
                resp = client.request(p.method, p.url, json=p.body)
            took = ctx.monotonic() - sent
            good = resp.status_code in p.expect_status and (
                p.body_contains is None or p.body_contains in resp.text
            )
            last = f"HTTP {resp.status_code}"
            if p.max_latency_s is not None and took > p.max_latency_s:
                good, last = (
                    False,
                    f"HTTP {resp.status_code} in {took:.2f} s (> {p.max_latency_s:g} s)",
                )
        except httpx.HTTPError as exc:
            good, last = False, repr(exc)[:200]
        if good:
            passes += 1
            held_since = now if held_since is None else held_since
            if ctx.monotonic() - held_since >= p.hold_s:
                return StepOutcome(
                    True,
                    f"{p.url}: held {p.hold_s:g} s ({passes}/{tries} ok)",
                    {"tries": tries, "passes": passes},
                )
        else:
            held_since = None
        ctx.sleep(p.interval_s)


def aggregate(agg: str, series: Sequence[Sequence[tuple[float, float]]]) -> float | None:
    """One number from the points of every matching series (None: not enough data)."""
    if agg in ("increase", "rate"):
        total, span = 0.0, 0.0
        for pts in series:
            if len(pts) < 2:
                continue
            inc = sum(
                b[1] - a[1] if b[1] >= a[1] else b[1] for a, b in zip(pts, pts[1:], strict=False)
            )  # counter resets
            total += inc
            span = max(span, pts[-1][0] - pts[0][0])
        if span <= 0:
            return None
        return total if agg == "increase" else total / span
    values = [v for pts in series for _, v in pts]
    if not values:
        return None
    if agg == "last":
        return max((pts[-1] for pts in series if pts), key=lambda p: p[0])[1]
    return {"max": max, "min": min}.get(agg, lambda v: sum(v) / len(v))(values)


def _metric(m: Metric, ctx: StepContext) -> StepOutcome:
    if ctx.metrics is None:
        return StepOutcome(False, "no metric source wired for verification")
    began = ctx.wallclock()
    start = ctx.monotonic()
    value: float | None = None
    while ctx.monotonic() - start <= m.within_s and ctx.remaining() > 0:
        series = ctx.metrics.points(m.name, m.labels, began)
        span = max((pts[-1][0] - pts[0][0] for pts in series if pts), default=0.0)
        if span >= m.window_s:
            cut = max(pts[-1][0] for pts in series if pts) - m.window_s
            window = [[p for p in pts if p[0] >= cut] for pts in series]
            value = aggregate(m.agg, window)
            if value is not None and OPS[m.op](value, m.threshold):
                return StepOutcome(
                    True,
                    f"{m.agg}({m.name}) = {value:g} {m.op} {m.threshold:g} over {m.window_s:g} s",
                    {"value": value},
                )
        ctx.sleep(m.interval_s)
    shown = "no data" if value is None else f"{value:g}"
    return StepOutcome(
        False,
        f"{m.agg}({m.name}) = {shown}, wanted {m.op} {m.threshold:g} "
        f"over {m.window_s:g} s within {m.within_s:g} s",
        {"value": value},
    )


def run(args: VerifyArgs, ctx: StepContext) -> StepOutcome:
    return _probe(args.probe, ctx) if args.probe is not None else _metric(args.metric, ctx)  # type: ignore[arg-type]


def _hint(args: VerifyArgs) -> float:
    cond = args.probe or args.metric
    assert cond is not None
    return cond.within_s + 10


KIND = StepKind("verify", VerifyArgs, run, timeout_hint=_hint)
