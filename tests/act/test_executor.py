"""The executor: success, verification decides, rollback on failure, timeouts, garbage, idempotency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from aiops.act import Executor, MemoryJournal, Runbook, StepContext, StepKind, StepOutcome
from aiops.act.steps import REGISTRY
from aiops.errors import InvalidInput
from aiops.model.itsm import StepStatus


class FakeArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: str = "ok"  # ok | fail | hang | garbage | raise


def make_executor(calls: list[str], release: threading.Event | None = None) -> Executor:
    def run(args: FakeArgs, ctx: StepContext) -> Any:
        calls.append(args.result)
        if args.result == "hang":
            (release or threading.Event()).wait(5)
            return StepOutcome(True)
        if args.result == "garbage":
            return {"ok": True}
        if args.result == "raise":
            raise RuntimeError("boom")
        return StepOutcome(args.result == "ok", f"did {args.result}")

    reg = {**REGISTRY, "fake": StepKind("fake", FakeArgs, run)}
    return Executor(default_timeout_s=5, registry=reg)


def book(steps: list[str], verify: list[str] = (), rollback: list[str] = (), **kw: Any) -> Runbook:  # type: ignore[assignment]
    def s(r: str, i: int) -> dict[str, Any]:
        return {"name": f"{r}-{i}", "kind": "fake", "with": {"result": r}, **kw}

    return Runbook.model_validate(
        {
            "name": "t",
            "steps": [s(r, i) for i, r in enumerate(steps)],
            "verify": [s(r, i) for i, r in enumerate(verify)],
            "rollback": [s(r, i) for i, r in enumerate(rollback)],
        }
    )


def test_steps_and_verification_that_hold_succeed_without_rollback() -> None:
    calls: list[str] = []
    res = make_executor(calls).execute(
        book(["ok", "ok"], ["ok"], ["ok"]), {}, StepContext(), MemoryJournal()
    )
    assert res.ok and res.verification["ok"] and not res.rolled_back
    assert calls == ["ok", "ok", "ok"]
    assert [r.phase for r in res.records] == ["run", "run", "verify"]


def test_failed_verification_runs_the_rollback() -> None:
    calls: list[str] = []
    res = make_executor(calls).execute(
        book(["ok"], ["fail"], ["ok"]), {}, StepContext(), MemoryJournal()
    )
    assert not res.ok and res.rolled_back
    assert "verification failed" in (res.error or "")
    assert res.records[-1].phase == "rollback"


def test_failed_step_skips_verification_and_rolls_back() -> None:
    calls: list[str] = []
    res = make_executor(calls).execute(
        book(["fail", "ok"], ["ok"], ["ok"]), {}, StepContext(), MemoryJournal()
    )
    assert not res.ok and res.rolled_back and calls == ["fail", "ok"]  # step 2 + verify skipped
    assert res.error is not None and res.error.startswith("step 1 (fail-0) failed")


def test_a_hanging_step_times_out_and_counts_as_failed() -> None:
    calls: list[str] = []
    release = threading.Event()
    rb = book(["hang"], timeout_s=0.2)
    res = make_executor(calls, release).execute(rb, {}, StepContext(), MemoryJournal())
    release.set()
    assert not res.ok
    assert res.records[0].status is StepStatus.timeout
    assert "timed out after 0.2 s" in res.records[0].output


@pytest.mark.parametrize("result", ["garbage", "raise"])
def test_a_step_returning_garbage_or_raising_fails_cleanly(result: str) -> None:
    res = make_executor([]).execute(book([result]), {}, StepContext(), MemoryJournal())
    assert not res.ok and res.records[0].status is StepStatus.failed
    assert ("garbage" if result == "garbage" else "boom") in res.records[0].output


def test_steps_already_done_are_not_run_again() -> None:
    calls: list[str] = []
    journal = MemoryJournal()
    ex = make_executor(calls)
    ex.execute(book(["ok", "fail"]), {}, StepContext(), journal)
    ex.execute(book(["ok", "ok"]), {}, StepContext(), journal)
    assert calls == ["ok", "fail", "ok"]  # step 0 ran once; step 1 re-ran after failing


def test_parameters_failing_the_schema_are_refused_with_every_problem() -> None:
    rb = Runbook.model_validate(
        {
            "name": "p",
            "params": {
                "n": {"type": "int", "min": 1, "max": 8},
                "mode": {"type": "str", "choices": ["a", "b"], "default": "a"},
            },
            "steps": [{"name": "w", "kind": "wait", "with": {"seconds": 0}}],
        }
    )
    with pytest.raises(InvalidInput) as err:
        rb.check_params({"n": 99, "mode": "c", "x": 1})
    locs = {e.loc for e in err.value.errors}
    assert locs == {("params", "n"), ("params", "mode"), ("params", "x")}
    with pytest.raises(InvalidInput):
        rb.check_params({"n": float("nan")})
    with pytest.raises(InvalidInput):
        rb.check_params("not an object")
    assert rb.check_params({"n": 3}) == {"n": 3, "mode": "a"}


def test_templates_fill_parameters_and_keep_their_type() -> None:
    from aiops.act.runbook import render

    assert render({"n": "{n}", "u": "{sim_url}/x"}, {"n": 3, "sim_url": "http://h"}) == {
        "n": 3,
        "u": "http://h/x",
    }
