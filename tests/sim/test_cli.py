"""`aiops sim` end to end: `run` in the foreground, the other commands against it,
Ctrl-C (SIGINT) ending every child."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import typer
from tests.sim.probes import wait_until
from typer.testing import CliRunner

from aiops.cli.sim import register
from aiops.sim.process import free_port


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """aiops"""

    register(app)
    return app


runner = CliRunner()
_MAIN = (
    "import typer; from aiops.cli.sim import register; app = typer.Typer()\n"
    "app.callback()(lambda: None); register(app); app()"
)


def _sim(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(_app(), ["sim", *args])
    return result.exit_code, result.stdout, result.stderr


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (ProcessLookupError, OSError):
        return False


@pytest.fixture(scope="module")
def running(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tmp_path_factory.mktemp("cli")
    # Only the sim group is loaded: the other command groups are not under test here.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _MAIN,
            "sim",
            "run",
            "--no-load",
            "--front-port",
            "0",
            "--control-port",
            str(port),
            "--data-dir",
            str(data),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(data / "run.stderr", "wb"),  # noqa: SIM115
    )
    try:

        def up() -> bool:
            try:
                return httpx.get(url + "/sim/status", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, timeout_s=30, what="aiops sim run up")
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_status_fault_and_scale_commands(running: tuple[subprocess.Popen[bytes], str]) -> None:
    _, url = running
    code, out, _ = _sim("status", "--url", url)
    assert code == 0 and out.startswith("service running")
    code, out, _ = _sim("fault", "slow-db", "on", "-p", "delay_ms=50", "--url", url)
    assert code == 0 and out.strip() == "slow-db: on"
    code, out, _ = _sim("faults", "--url", url)
    assert "slow-db" in out and "delay_ms" in out
    assert _sim("fault", "slow-db", "off", "--url", url)[0] == 0
    code, out, _ = _sim("breaker", "open", "--url", url)
    assert code == 0 and out.strip() == "breaker: open"
    assert _sim("breaker", "close", "--url", url)[1].strip() == "breaker: closed"
    code, out, _ = _sim("stop", "--url", url, "--json")
    assert code == 0 and json.loads(out)["service"] == "stopped"
    assert _sim("start", "--url", url)[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fault", "nope", "on"], "unknown fault 'nope'"),
        (["fault", "slow-db", "maybe"], "state must be 'on' or 'off'"),
        (["fault", "slow-db", "on", "-p", "delay_ms"], "expected NAME=NUMBER"),
        (["fault", "slow-db", "on", "-p", "delay_ms=1e9"], "must be between 1 and 5000"),
        (["scale", "0"], "instances must be an integer from 1 to 8"),
        (["breaker", "ajar"], "state must be 'open' or 'close'"),
    ],
    ids=["unknown-fault", "bad-state", "bad-param", "param-range", "scale-zero", "breaker"],
)
def test_bad_usage_exits_2_with_a_reason(
    running: tuple[subprocess.Popen[bytes], str], args: list[str], message: str
) -> None:
    code, out, err = _sim(*args, "--url", running[1])
    assert code == 2 and message in err and "Traceback" not in err + out


def test_unreachable_supervisor_exits_1(tmp_path: Path) -> None:
    code, _, err = _sim("status", "--url", f"http://127.0.0.1:{free_port()}")
    assert code == 1 and "is `aiops sim run` running?" in err


def test_ctrl_c_stops_every_child(running: tuple[subprocess.Popen[bytes], str]) -> None:
    proc, url = running
    pids = [c["pid"] for c in httpx.get(url + "/sim/status").json()["components"] if c["pid"]]
    assert len(pids) == 3
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=15) == 0
    assert not any(_alive(p) for p in pids)
