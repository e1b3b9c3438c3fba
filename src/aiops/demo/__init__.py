"""`aiops demo`: the whole loop on one machine, with nothing faked.

stack         the sim (sulu, external, front), load, store, pipeline, worker, web
scenarios     the catalogue: fault → parameters; `all`, `none`; the timing
orchestrator  inject → wait for an incident → clear → wait for recovery → close out
injections    the injection log (what was done to sulu, when)
timeline      the live terminal timeline (generic entries)
report        report.json / report.md from the store + the injection log
runner        one coroutine: start, run, report, stop (SIGINT/SIGTERM safe)
"""

from __future__ import annotations

from aiops.demo.runner import DemoOptions, default_scenarios, run_demo
from aiops.demo.scenarios import ALL, NO_FAULT, Scenario, Timing, catalogue, select
from aiops.demo.stack import StackOptions

__all__ = [
    "ALL",
    "NO_FAULT",
    "DemoOptions",
    "Scenario",
    "StackOptions",
    "Timing",
    "catalogue",
    "default_scenarios",
    "run_demo",
    "select",
]
