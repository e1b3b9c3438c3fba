"""The example runbooks against a real sulu behind its supervisor API (slow: ~45 s)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aiops.act import Executor, MemoryJournal, StepContext, load_runbooks

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sulu" / "runbooks"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str]]:
    import uvicorn

    from aiops.sim.process import free_port
    from aiops.sim.supervisor import SimConfig, Supervisor
    from aiops.sim.supervisor_api import create_app

    with Supervisor(SimConfig(data_dir=tmp_path / "sim")) as sup:
        sup.start()
        port = free_port()
        srv = uvicorn.Server(
            uvicorn.Config(create_app(sup), host="127.0.0.1", port=port, log_level="warning")
        )
        t = threading.Thread(target=srv.run, daemon=True)
        t.start()
        url = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                httpx.get(f"{url}/sim/status", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, sup.front_url
        srv.should_exit = True
        t.join(5)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "runbook"),
    [
        ("stop", "sulu-restart"),
        ("error-burst", "sulu-rollback-last-change"),
        ("db-pool-exhaustion", "sulu-restart-app"),
        ("disk-full", "sulu-disk-full"),
    ],
)
def test_example_runbook_fixes_its_fault(live: tuple[str, str], fault: str, runbook: str) -> None:
    sim, front = live
    books = load_runbooks(EXAMPLES)
    httpx.post(f"{sim}/control/faults/{fault}", json={"on": True}, timeout=30).raise_for_status()
    ctx = StepContext(values={"sim_url": sim, "front_url": front}, notify=lambda m: "queued")
    res = Executor(60).execute(
        books[runbook], books[runbook].check_params({}), ctx, MemoryJournal()
    )
    assert res.ok, res.error
    assert res.verification["ok"] and not res.rolled_back
