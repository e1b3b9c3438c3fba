"""`aiops sim run` in one coroutine: supervisor, its HTTP API, optional load; all
stopped on Ctrl-C / SIGTERM (uvicorn's signal handling ends `serve()`), then `close()`.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import uvicorn

from aiops.sim.loadgen import LoadConfig, LoadGen
from aiops.sim.process import HOST
from aiops.sim.supervisor import SimConfig, Supervisor
from aiops.sim.supervisor_api import create_app


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def run_foreground(
    data_dir: Path,
    *,
    instances: int = 1,
    front_port: int = 8780,
    control_port: int = 8790,
    load: bool = True,
    peak_rps: float = 8.0,
    duration_s: float = 3600.0,
) -> None:
    sup = Supervisor(SimConfig(data_dir=data_dir, instances=instances, front_port=front_port))
    stop = asyncio.Event()
    tasks: list[asyncio.Task[object]] = []
    try:
        await asyncio.to_thread(sup.start)
        config = uvicorn.Config(
            create_app(sup), host=HOST, port=control_port, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        say(f"sulu front      {sup.front_url}   (instances: {', '.join(sup.instance_urls())})")
        say(f"control API     http://{HOST}:{control_port}   (aiops sim status|fault|scale ...)")
        say(f"logs, database  {sup.data_dir}")
        if load:
            gen = LoadGen(
                LoadConfig(
                    url=sup.front_url,
                    duration_s=duration_s,
                    peak_rps=peak_rps,
                    max_rps=max(20.0, peak_rps * 2.5),
                )
            )
            tasks.append(asyncio.create_task(gen.run(stop)))
            say(f"load            peak {peak_rps} rps for {duration_s:.0f}s")

        async def deadline() -> None:
            await asyncio.sleep(duration_s)
            server.should_exit = True

        tasks.append(asyncio.create_task(deadline()))
        say("Ctrl-C stops everything.")
        await server.serve()
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        sup.close()  # blocking on purpose: nothing else runs now, and it must finish


__all__ = ["run_foreground"]
