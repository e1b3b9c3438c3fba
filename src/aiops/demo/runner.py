"""`aiops demo` in one coroutine: start the stack, run scenarios, write the report, stop.

SIGINT (Ctrl-C) and SIGTERM set one stop event; every wait in the orchestrator ends on
it, and `finally` stops the stack, which ends every child process. A second Ctrl-C is
ignored while cleaning up, so a hurried user cannot leave orphans behind.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console

from aiops.demo import report
from aiops.demo.injections import InjectionLog, read_injections
from aiops.demo.orchestrator import Orchestrator
from aiops.demo.scenarios import TOUR, Scenario, Timing, select_many
from aiops.demo.stack import DemoStack, StackOptions
from aiops.demo.timeline import Timeline


@dataclass
class DemoOptions:
    stack: StackOptions
    scenarios: list[Scenario]
    headless: bool = False
    report_dir: Path | None = None  # default: the data dir
    timing: Timing = field(default_factory=Timing)
    out: TextIO = field(default_factory=lambda: sys.stdout)


def default_scenarios(headless: bool) -> list[Scenario]:
    return select_many(["all"] if headless else list(TOUR))


def _install_signals(stop: asyncio.Event) -> list[int]:
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            pass
    return installed


async def run_demo(opts: DemoOptions) -> int:
    """Run the demo; the exit code (0 ok, 1 a fault undetected or a false incident)."""
    stop = asyncio.Event()
    installed = _install_signals(stop)
    console = Console(file=opts.out, soft_wrap=True, force_terminal=None)
    live = not opts.headless and console.is_terminal
    started = datetime.now(UTC)
    data_dir = opts.stack.data_dir.resolve()
    inj_log = InjectionLog(data_dir / "injections.jsonl")
    stack = DemoStack(opts.stack)
    code = 0
    try:
        await stack.start()
        _say(opts.out, f"aiops demo: dashboard {stack.url}/")
        _say(
            opts.out,
            f"aiops demo: inject faults with `aiops sim fault NAME on --url {stack.url}/sim`",
        )
        _say(opts.out, f"aiops demo: data in {data_dir} (database aiops.db, sim logs in sim/)")
        timeline = Timeline(console, live=live)
        timeline.header = f"aiops demo  {stack.url}/  (Ctrl-C stops everything)"
        orch = Orchestrator(stack, timeline, inj_log, opts.timing, stop)
        orch.attach()
        with timeline:
            if await orch.warm_up():
                await orch.run(opts.scenarios)
            if not opts.headless and not stop.is_set():
                timeline.set_status("scripted scenarios done; inject more with `aiops sim fault`")
                timeline.add("info", "waiting for faults from `aiops sim fault ...`; Ctrl-C stops")
                await stop.wait()
        if opts.headless and stop.is_set():
            _say(opts.out, "aiops demo: interrupted; the report covers the scenarios that ran")
        code = _report(stack, opts, inj_log.path, started)
    finally:
        for sig in installed:  # a second Ctrl-C must not interrupt the cleanup
            asyncio.get_running_loop().add_signal_handler(sig, lambda: None)
        await stack.stop()
        for sig in installed:
            asyncio.get_running_loop().remove_signal_handler(sig)
        _say(opts.out, "aiops demo: stopped; every child process ended")
    return code


def _report(stack: DemoStack, opts: DemoOptions, inj_path: Path, started: datetime) -> int:
    rt = stack.runtime
    assert rt is not None
    injections = read_injections(inj_path) if inj_path.exists() else []
    analyzers = [a.name for a in stack.worker.analyzers] if stack.worker is not None else []
    meta = {
        "detection": opts.stack.detection,
        "analyzers": analyzers,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "seed": opts.stack.seed,
        "headless": opts.headless,
        "url": stack.url,
        "data_dir": str(opts.stack.data_dir.resolve()),
        "timing": vars(opts.timing),
        "scenarios": [s.name for s in opts.scenarios],
    }
    with rt.sessions() as s:
        doc = report.build(s, injections, time_scale=opts.stack.time_scale, meta=meta,
                           analyzers=analyzers)  # fmt: skip
    directory = opts.report_dir or opts.stack.data_dir
    jpath, mpath = report.write(doc, directory)
    t = doc["totals"]
    _say(opts.out, f"aiops demo: {t['detected']}/{t['faults']} fault(s) detected, "
         f"{t['false_incidents']} false incident(s), MTTD p95 {t['mttd_p95_s']} s wall "
         f"(time scale {t['time_scale']:g})")  # fmt: skip
    for name, a in t.get("by_analyzer", {}).items():
        _say(opts.out, f"aiops demo: {name}: {a['detected']}/{t['faults']} detected, "
             f"{a['false_incidents']} false incident(s), MTTD p95 {a['mttd_p95_s']} s")  # fmt: skip
    _say(opts.out, f"aiops demo: report {jpath} and {mpath}")
    return report.exit_code(doc) if opts.headless else 0


def _say(out: TextIO, line: str) -> None:
    out.write(line + "\n")
    out.flush()


__all__ = ["DemoOptions", "default_scenarios", "run_demo"]
