"""One child process of the sim: how to start it, where it logs, how to end it.

Children run in their own session (Ctrl-C in the terminal reaches only the supervisor,
which then stops them in order) and get `--parent-pid`, so they exit if the supervisor
dies without cleaning up. Stopping is SIGTERM, a grace period, then SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from aiops.errors import Retryable
from aiops.sim.process import HOST


@dataclass
class Child:
    name: str
    role: str  # "external" | "sulu" | "front"
    port: int
    argv: list[str]
    stderr_path: Path
    log_path: Path | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def state(self) -> str:
        if self.proc is None:
            return "stopped"
        rc = self.proc.poll()
        return "running" if rc is None else f"exited({rc})"

    def spawn(self) -> None:
        if self.running():
            return
        self.stderr_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(
                [*self.argv, "--port", str(self.port), "--parent-pid", str(os.getpid())],
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )

    def wait_healthy(self, timeout_s: float) -> None:
        """Poll `/healthz` until 200; fail early, with its stderr, if the child exits."""
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=1.0) as client:
            while True:
                if not self.running():
                    raise Retryable(f"{self.name} exited during start: {self.stderr_tail()}")
                try:
                    if client.get(self.url + "/healthz").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise Retryable(
                        f"{self.name} not healthy on {self.url} within {timeout_s:.0f}s: "
                        f"{self.stderr_tail()}"
                    )
                time.sleep(0.1)

    def terminate(self, grace_s: float = 5.0) -> None:
        """SIGTERM, wait `grace_s`, then SIGKILL; always reaps the process."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5.0)
            except ProcessLookupError:
                pass
        proc.wait()
        self.proc = None

    def stderr_tail(self, lines: int = 5) -> str:
        try:
            text = self.stderr_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no stderr)"
        return " | ".join(text[-lines:]) or "(no stderr)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "pid": self.pid if self.running() else None,
            "port": self.port,
            "url": self.url,
            "state": self.state(),
            "log": str(self.log_path) if self.log_path else None,
            "stderr_log": str(self.stderr_path),
        }


__all__ = ["Child"]
