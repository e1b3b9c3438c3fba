"""The dummy service "sulu", its load generator and fault injector, for the demo,
the tests and the benchmarks. Everything runs on 127.0.0.1.

Processes (each `python -m ...`, started by the supervisor):

    front     aiops.sim.balancer   round-robin proxy; the stable service URL
    sulu-N    aiops.sim.sulu       the content site/API: SQLite, pool, cache, /metrics,
                                   JSON log `<data_dir>/sulu-N.log`, /control faults
    external  aiops.sim.external   the recommendations API sulu calls

In-process pieces:

    Supervisor   start / stop / restart / scale / fault / status / close (blocking)
    LoadGen      asyncio load with a compressed day, bursts, an endpoint mix
    FAULTS       the fault catalogue with parameters and bounds

Typical use (the demo)::

    sup = Supervisor(SimConfig(data_dir=d))
    sup.start()                                   # waits until every /healthz is 200
    task = asyncio.create_task(LoadGen(LoadConfig(url=sup.front_url)).run(stop))
    sup.fault("slow-db", True, {"delay_ms": 400})  # ... later: False
    sup.close()                                   # ends every child, also at exit

Scrape `sup.instance_urls()` + "/metrics" (one target per instance), tail
`sup.log_paths()` (plus `<name>.stderr.log`, where a full disk's errors land).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiops.sim.faults import FAULTS, ChangeRecord, FaultSpec
    from aiops.sim.loadgen import LoadConfig, LoadGen, LoadShape, LoadStats
    from aiops.sim.supervisor import MAX_INSTANCES, SimConfig, Supervisor

# Exports load on first use, so `python -m aiops.sim.<child>` imports only what it runs.
_HOME = {
    "FAULTS": "faults",
    "ChangeRecord": "faults",
    "FaultSpec": "faults",
    "LoadConfig": "loadgen",
    "LoadGen": "loadgen",
    "LoadShape": "loadgen",
    "LoadStats": "loadgen",
    "MAX_INSTANCES": "supervisor",
    "SimConfig": "supervisor",
    "Supervisor": "supervisor",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'aiops.sim' has no attribute {name!r}")
    return getattr(importlib.import_module(f"aiops.sim.{_HOME[name]}"), name)


__all__ = [
    "FAULTS",
    "MAX_INSTANCES",
    "ChangeRecord",
    "FaultSpec",
    "LoadConfig",
    "LoadGen",
    "LoadShape",
    "LoadStats",
    "SimConfig",
    "Supervisor",
]
