"""Start, stop, restart and scale the sim's processes: the service-control API.

    front (balancer) ──round robin──► sulu-0 … sulu-N-1 ──► external
        stable URL                     one process each,       recommendations
                                       own port, shared DB

Scaling means more sulu *processes* (each its own port, metrics and log file) behind
the front, not uvicorn workers: every instance then has its own `/metrics` to scrape,
as a Prometheus target per instance would. `stop` stops the sulu instances only (the
night-time mis-operation: the front answers 502, the health probe fails); `start`
brings them back on the same ports. `close()` ends every child, always.

Blocking and thread-safe: call it from async code with `asyncio.to_thread`.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from aiops.errors import AiopsError, Conflict, ErrorDetail, InvalidInput, Retryable
from aiops.sim.children import Child
from aiops.sim.faults import check_params, spec_of
from aiops.sim.process import free_port

MAX_INSTANCES = 8


@dataclass
class SimConfig:
    data_dir: Path
    instances: int = 1
    front_port: int = 0  # 0: any free port
    external_port: int = 0
    pool_size: int = 4
    pool_timeout_s: float = 3.0
    external_timeout_s: float = 2.0
    start_timeout_s: float = 20.0
    python: str = sys.executable


class Supervisor:
    def __init__(self, config: SimConfig) -> None:
        if not 1 <= config.instances <= MAX_INSTANCES:
            raise _bad_instances(config.instances)
        self.config = config
        self.data_dir = config.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.history: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._closed = False
        self._stopped_by_operator = False
        self._durable: dict[str, dict[str, float]] = {}  # durable faults on, with params
        py = config.python
        self.external = Child(
            "external",
            "external",
            config.external_port or free_port(),
            [py, "-m", "aiops.sim.external"],
            self.data_dir / "external.stderr.log",
        )
        self.backends_file = self.data_dir / "backends.json"
        self.front = Child(
            "front",
            "front",
            config.front_port or free_port(),
            [py, "-m", "aiops.sim.balancer", "--backends-file", str(self.backends_file)],
            self.data_dir / "front.stderr.log",
        )
        self.sulus: list[Child] = [self._new_sulu(i) for i in range(config.instances)]
        atexit.register(self.close)

    # --- what the demo and remediation call -------------------------------------------

    @property
    def front_url(self) -> str:
        return self.front.url

    def instance_urls(self) -> list[str]:
        return [c.url for c in self.sulus]

    def log_paths(self) -> list[Path]:
        return [c.log_path for c in self.sulus if c.log_path is not None]

    def start(self) -> dict[str, Any]:
        """Start whatever is not running (external, sulu instances, front); wait healthy."""
        with self._lock:
            self._check_open()
            todo = [c for c in (self.external, *self.sulus, self.front) if not c.running()]
            self._write_backends()
            self._spawn_and_wait(todo)
            self._stopped_by_operator = False
            self._note("start", [c.name for c in todo])
            return self.status()

    def stop(self) -> dict[str, Any]:
        """Stop the sulu instances (front and external stay up, so the front says 502)."""
        with self._lock:
            self._write_backends(empty=True)
            for child in self.sulus:
                child.terminate()
            self._stopped_by_operator = True
            self._note("stop", [c.name for c in self.sulus])
            return self.status()

    def restart(self) -> dict[str, Any]:
        """Stop then start the sulu instances: what the processes held (leaks, a runaway
        thread, caches) is gone afterwards; durable faults come back with them."""
        with self._lock:
            self._check_open()
            for child in self.sulus:
                child.terminate()
            self._spawn_and_wait(list(self.sulus))
            self._stopped_by_operator = False
            self._write_backends()
            self._note("restart", [c.name for c in self.sulus])
            return self.status()

    def scale(self, instances: int) -> dict[str, Any]:
        """Run `instances` sulu processes behind the front (1..8)."""
        if isinstance(instances, bool) or not isinstance(instances, int):
            raise _bad_instances(instances)
        if not 1 <= instances <= MAX_INSTANCES:
            raise _bad_instances(instances)
        with self._lock:
            self._check_open()
            before = len(self.sulus)
            while len(self.sulus) > instances:
                self.sulus.pop().terminate()
            new = [self._new_sulu(i) for i in range(len(self.sulus), instances)]
            self.sulus.extend(new)
            if not self._stopped_by_operator:
                self._spawn_and_wait(new)
            self._write_backends(empty=self._stopped_by_operator)
            self._note("scale", {"from": before, "to": instances})
            return self.status()

    def fault(self, name: str, on: bool, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Switch a fault on every running instance; `stop` is done here, by process control."""
        spec_of(name)
        checked = check_params(name, params)
        if name == "stop":
            self.stop() if on else self.start()
            self._note("fault", {"fault": name, "on": on})
            return {"ok": True, "fault": name, "on": on, "changed": True, "params": {}}
        with self._lock:
            live = [c for c in self.sulus if c.running()]
            if not live:
                raise Conflict(f"cannot switch {name!r}: no sulu instance is running")
            body = {"on": on, "params": checked}
            result: dict[str, Any] = {}
            with httpx.Client(timeout=10.0) as client:
                for child in live:
                    result = _post(client, f"{child.url}/control/faults/{name}", body)
            if spec_of(name).durable:
                if on:
                    self._durable[name] = checked
                else:
                    self._durable.pop(name, None)
            self._note("fault", {"fault": name, "on": on, "params": checked})
            return result

    def faults(self) -> dict[str, Any]:
        """Active faults as the first running instance reports them (plus `stop`). A
        dependency-timeout behind an open circuit breaker is `masked`: on, but the service
        no longer suffers from it (the workaround holds)."""
        live = [c for c in self.sulus if c.running()]
        board: dict[str, Any] = {"active": []}
        if live:
            board = _get(f"{live[0].url}/control/faults")
        if board.get("breaker_open"):
            for f in board["active"]:
                if f.get("name") == "dependency-timeout":
                    f["masked"] = True
        if self._stopped_by_operator:
            board["active"] = [{"name": "stop", "params": {}}, *board["active"]]
        return board

    def breaker(self, open_: bool) -> dict[str, Any]:
        """Force the external API's circuit breaker open (or close it) on every instance."""
        if not isinstance(open_, bool):
            msg = f"open must be true or false, got {open_!r}"
            raise InvalidInput(msg, [ErrorDetail(("open",), msg, "type_error")])
        with self._lock:
            live = [c for c in self.sulus if c.running()]
            if not live:
                raise Conflict("cannot switch the breaker: no sulu instance is running")
            result: dict[str, Any] = {}
            with httpx.Client(timeout=10.0) as client:
                for child in live:
                    result = _post(client, f"{child.url}/control/breaker", {"open": open_})
            self._note("breaker", {"open": open_})
            return result

    def changes(self) -> dict[str, Any]:
        live = [c for c in self.sulus if c.running()]
        return _get(f"{live[0].url}/control/changes") if live else {"changes": []}

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "front_url": self.front.url,
                "external_url": self.external.url,
                "instances": len(self.sulus),
                "service": self._service_state(),
                "components": [c.as_dict() for c in (self.front, *self.sulus, self.external)],
                "data_dir": str(self.data_dir),
                "history": list(self.history[-50:]),
            }

    def close(self) -> None:
        """End every child process (front, sulu instances, external); idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for child in (self.front, *self.sulus, self.external):
                child.terminate()
            atexit.unregister(self.close)

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals -------------------------------------------------------------------

    def _new_sulu(self, i: int) -> Child:
        cfg, name = self.config, f"sulu-{i}"
        argv = [
            cfg.python,
            "-m",
            "aiops.sim.sulu",
            "--data-dir",
            str(self.data_dir),
            "--external-url",
            self.external.url,
            "--instance",
            name,
            "--pool-size",
            str(cfg.pool_size),
            "--pool-timeout-s",
            str(cfg.pool_timeout_s),
            "--external-timeout-s",
            str(cfg.external_timeout_s),
            "--seed",
            str(i),
        ]
        return Child(
            name,
            "sulu",
            free_port(),
            argv,
            self.data_dir / f"{name}.stderr.log",
            log_path=self.data_dir / f"{name}.log",
        )

    def _spawn_and_wait(self, children: list[Child]) -> None:
        for child in children:
            child.spawn()
        try:
            for child in children:
                child.wait_healthy(self.config.start_timeout_s)
        except AiopsError:
            for child in children:
                child.terminate()
            raise
        self._restore([c for c in children if c.role == "sulu"])

    def _restore(self, fresh: list[Child]) -> None:
        """A new sulu process inherits what a restart does not clear (durable faults)."""
        if not fresh or not self._durable:
            return
        with httpx.Client(timeout=10.0) as client:
            for child in fresh:
                for name, params in self._durable.items():
                    body = {"on": True, "params": params, "restore": True}
                    _post(client, f"{child.url}/control/faults/{name}", body)

    def _write_backends(self, *, empty: bool = False) -> None:
        urls = [] if empty else [c.url for c in self.sulus]
        tmp = self.backends_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(urls))
        os.replace(tmp, self.backends_file)

    def _service_state(self) -> str:
        up = sum(c.running() for c in self.sulus)
        if up == len(self.sulus):
            return "running"
        return "stopped" if up == 0 else "degraded"

    def _note(self, action: str, detail: Any) -> None:
        self.history.append(
            {"at": datetime.now(UTC).isoformat(), "action": action, "detail": detail}
        )

    def _check_open(self) -> None:
        if self._closed:
            raise Conflict("supervisor is closed")


def _bad_instances(value: object) -> InvalidInput:
    msg = f"instances must be an integer from 1 to {MAX_INSTANCES}, got {value!r}"
    return InvalidInput(msg, [ErrorDetail(("instances",), msg, "range")])


def _post(client: httpx.Client, url: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        resp = client.post(url, json=body)
    except httpx.HTTPError as exc:
        raise Retryable(f"POST {url}: {exc!r}") from exc
    doc: dict[str, Any] = resp.json()
    if resp.status_code >= 400:
        raise AiopsError(
            doc.get("message", resp.text), code=doc.get("code", "error"), status=resp.status_code
        )
    return doc


def _get(url: str) -> dict[str, Any]:
    try:
        resp = httpx.get(url, timeout=5.0)
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise Retryable(f"GET {url}: {exc!r}") from exc
    doc: dict[str, Any] = resp.json()
    return doc


__all__ = ["MAX_INSTANCES", "SimConfig", "Supervisor"]
