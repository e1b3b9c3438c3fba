"""`aiops demo` for real: sulu, the pipeline and the web server as processes (slow).

Every process started here is ended by pid in the fixture, whatever the test does.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


class Demo:
    def __init__(self, args: list[str], data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aiops.cli", "demo", "--data-dir", str(data_dir),
             "--port", "0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        self.lines: list[str] = []
        self.child_pids: list[int] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, needle: str, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if needle in line:
                return line
        raise AssertionError(f"{needle!r} not seen in {timeout_s}s:\n" + "\n".join(self.lines))

    def end(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for pid in self.child_pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


@pytest.fixture
def demos(tmp_path: Path) -> Iterator[list[Demo]]:
    started: list[Demo] = []
    yield started
    for d in started:
        d.end()


def test_headless_error_burst_is_detected_and_reported(tmp_path: Path, demos: list[Demo]) -> None:
    out = tmp_path / "report"
    d = Demo(["--headless", "--scenario", "error-burst", "--report", str(out)], tmp_path / "d")
    demos.append(d)
    d.wait_for("aiops demo: stopped", 240)
    assert d.proc.wait(timeout=30) == 0, "\n".join(d.lines)
    doc = json.loads((out / "report.json").read_text())
    (r,) = doc["scenarios"]
    assert r["fault"] == "error-burst" and r["detected"] and r["incident_id"]
    assert r["mttd_s"] > 0 and r["first_alert"]
    assert doc["totals"]["time_scale"] == 0.2 and doc["totals"]["undetected"] == 0
    assert "error-burst" in (out / "report.md").read_text()
    assert (tmp_path / "d" / "aiops.db").exists() and (tmp_path / "d" / "injections.jsonl").exists()


def test_ctrl_c_stops_every_child_process(tmp_path: Path, demos: list[Demo]) -> None:
    d = Demo(["--scenario", "none"], tmp_path / "d")
    demos.append(d)
    url = d.wait_for("aiops demo: dashboard", 60).split()[-1].rstrip("/")
    status = httpx.get(f"{url}/sim/sim/status", timeout=10).json()
    d.child_pids = [c["pid"] for c in status["components"] if c["pid"]]
    assert len(d.child_pids) == 3  # front, sulu-0, external
    assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
    d.proc.send_signal(signal.SIGINT)
    assert d.proc.wait(timeout=60) == 0
    time.sleep(0.5)
    assert [p for p in d.child_pids if alive(p)] == []
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}/healthz", timeout=2)


def test_bad_usage_exits_2_without_starting_anything(tmp_path: Path) -> None:
    for args in (["--scenario", "reboot"], ["--time-scale", "0"], ["--time-scale", "nan"]):
        r = subprocess.run(
            [sys.executable, "-m", "aiops.cli", "demo", "--headless", "--data-dir",
             str(tmp_path), *args], capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr and "aiops demo:" in r.stderr
    assert not (tmp_path / "aiops.db").exists()
