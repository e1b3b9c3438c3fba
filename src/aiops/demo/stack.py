"""Start and stop everything the demo runs, in one place.

    Supervisor (sulu-N, external, front)   child processes, logs under DIR/sim/
    LoadGen                                asyncio task against the front
    Runtime (store DIR/aiops.db, pipeline) in process
    Worker (pull sources + baseline rules and/or anomaly detectors, `detection`)
                                           background task of the web app
    web app (+ /sim supervisor API)        uvicorn.Server as an asyncio task

The worker reads `DIR/config/sources.yaml`, written here from what the supervisor
reports (one scrape target, one JSON log and one stderr log per sulu instance, the
health probe through the front), next to a copy of the example's `rules.yaml`. The
service manager's other files (cmdb, policies) come from the example directory.
With `detection="detectors"` no rules.yaml is written (the detectors alone); the
detectors read `detectors.yaml` from the example directory when there is one.
`stop()` undoes everything in reverse order and always ends the child processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from ruamel.yaml import YAML

from aiops.config import Settings
from aiops.detect.analyzer import DetectorAnalyzer
from aiops.detect.live import LiveConfig, load_live_config
from aiops.runtime import Runtime, change_recorder, install_stages
from aiops.sim.loadgen import LoadConfig, LoadGen
from aiops.sim.supervisor import SimConfig, Supervisor
from aiops.sim.supervisor_api import create_app as create_sim_app
from aiops.sources.pull.change_feed import ChangeFeed
from aiops.web import create_app
from aiops.worker import Worker, build_worker

HOST = "127.0.0.1"
DETECTION = ("rules", "detectors", "both")


@dataclass(frozen=True)
class StackOptions:
    data_dir: Path
    config_dir: Path  # cmdb.yaml, policies.yaml, rules.yaml
    port: int = 8765
    time_scale: float = 0.2
    seed: int = 0
    instances: int = 1
    peak_rps: float = 8.0
    run_s: float = 24 * 3600.0  # the load generator's own bound
    detection: str = "both"  # which analyzers run: rules, detectors or both
    agents_config: Any = None  # agents.yaml as loaded, e.g. pointed at an LLM (--llm-base-url)


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers: the demo owns SIGINT/SIGTERM and stops us."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def pick_port(wanted: int, host: str = HOST) -> int:
    """`wanted` if free (0 = any), else a free port the OS gives."""
    if wanted and port_free(wanted, host):
        return wanted
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def sources_doc(sup: Supervisor) -> dict[str, Any]:
    """sources.yaml for the running sim: what an operator would write for these processes."""
    common = {"service": "sulu", "ci": "sulu-app"}
    sources: list[dict[str, Any]] = []
    for child in sup.sulus:
        name = child.name
        sources.append({"name": f"{name}-metrics", "type": "prometheus_scrape",
                        "url": f"{child.url}/metrics", "interval": "2s", "timeout": "1500ms",
                        **common, "labels": {"job": "sulu", "instance": name}})  # fmt: skip
        for suffix, path in (("log", child.log_path), ("stderr", child.stderr_path)):
            if path is None:
                continue
            sources.append({"name": f"{name}-{suffix}", "type": "log_file", "path": str(path),
                            "state_file": f"{path}.pos", "start_at": "beginning",
                            "interval": "1s", **common})  # fmt: skip
    sources.append({"name": "sulu-health", "type": "http_probe", "url": f"{sup.front_url}/healthz",
                    "interval": "2s", "timeout": "1500ms", "expect_status": [200], **common})  # fmt: skip
    return {"sources": sources}


def write_worker_config(
    sup: Supervisor, config_dir: Path, out_dir: Path, *, rules: bool = True
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    yaml = YAML()
    with (out_dir / "sources.yaml").open("w", encoding="utf-8") as fh:
        fh.write("# Written by `aiops demo` for the sim it started; see examples/sulu.\n")
        yaml.dump(sources_doc(sup), fh)
    if rules:
        shutil.copyfile(config_dir / "rules.yaml", out_dir / "rules.yaml")
    return out_dir


def detector_analyzers(detection: str, config_dir: Path) -> list[DetectorAnalyzer]:
    """The detectors the demo runs beside (or instead of) the rules; [] for rules only."""
    if detection not in DETECTION:
        raise ValueError(f"detection must be one of {', '.join(DETECTION)}, got {detection!r}")
    if detection == "rules":
        return []
    path = config_dir / "detectors.yaml"
    config = load_live_config(path) if path.exists() else LiveConfig()
    return [DetectorAnalyzer(config)]


class DemoStack:
    def __init__(self, opts: StackOptions) -> None:
        self.opts = opts
        self.data_dir = opts.data_dir.resolve()
        self.sup: Supervisor | None = None
        self.runtime: Runtime | None = None
        self.worker: Worker | None = None
        self.server: uvicorn.Server | None = None
        self.port = 0
        self._tasks: list[asyncio.Task[Any]] = []
        self._load_stop = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def start(self) -> None:
        """Start the sim, the pipeline, the worker and the web server; wait until serving."""
        o = self.opts
        self.sup = Supervisor(SimConfig(data_dir=self.data_dir / "sim", instances=o.instances))
        await asyncio.to_thread(self.sup.start)
        extra = detector_analyzers(o.detection, o.config_dir)
        worker_dir = write_worker_config(self.sup, o.config_dir, self.data_dir / "config",
                                         rules=o.detection != "detectors")  # fmt: skip
        self.port = pick_port(o.port)
        settings = Settings(
            database_url=f"sqlite:///{self.data_dir / 'aiops.db'}",
            config_dir=o.config_dir,
            host=HOST,
            port=self.port,
        )
        self.runtime = Runtime(settings)
        self.worker = build_worker(self.runtime, worker_dir, env={}, time_scale=o.time_scale,
                                   extra_analyzers=extra)  # fmt: skip
        assert self.worker is not None  # we just wrote sources.yaml
        stages = install_stages(self.runtime, o.config_dir, sim_url=f"{self.url}/sim",
                                agents_config=o.agents_config)
        background = [self.worker.run, *stages]
        feed = ChangeFeed(
            lambda: asyncio.to_thread(self._changes),
            change_recorder(self.runtime),
            ci="sulu-app",
            service="sulu",
            interval_s=2.0,
        )
        background.append(feed.run)
        app = create_app(settings, runtime=self.runtime, background=background)
        app.mount("/sim", create_sim_app(self.sup))
        app.state.demo = self
        config = uvicorn.Config(app, host=HOST, port=self.port, log_config=None,
                                log_level="warning", lifespan="on")  # fmt: skip
        self.server = _QuietServer(config)
        self._tasks.append(asyncio.create_task(self.server.serve(), name="demo:web"))
        while not self.server.started:
            if self._tasks[0].done():
                self._tasks[0].result()  # raises the reason it could not start
                raise RuntimeError(f"web server on port {self.port} stopped at start")
            await asyncio.sleep(0.05)
        gen = LoadGen(LoadConfig(url=self.sup.front_url, duration_s=o.run_s,
                                 peak_rps=o.peak_rps, max_rps=max(20.0, o.peak_rps * 2.5),
                                 seed=o.seed))  # fmt: skip
        self._tasks.append(asyncio.create_task(gen.run(self._load_stop), name="demo:load"))

    def _changes(self) -> Any:
        """sulu's recorded changes (deploys, config reloads) for the change feed."""
        assert self.sup is not None
        return self.sup.changes()

    async def stop(self) -> None:
        """Stop load, web server (and with it the worker), pipeline, then every child."""
        self._load_stop.set()
        if self.worker is not None:
            self.worker.stop()
        if self.server is not None:
            self.server.should_exit = True
        try:
            if self._tasks:
                done, pending = await asyncio.wait(self._tasks, timeout=10.0)
                for t in pending:
                    t.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
        finally:
            if self.runtime is not None:
                self.runtime.close()
            if self.sup is not None:
                await asyncio.to_thread(self.sup.close)


__all__ = [
    "DETECTION",
    "DemoStack",
    "StackOptions",
    "detector_analyzers",
    "pick_port",
    "port_free",
    "sources_doc",
]
