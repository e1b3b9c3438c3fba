"""The supervisor starts, stops, restarts and scales real processes and leaves no orphans."""

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
from tests.sim.probes import wait_until

from aiops.errors import InvalidInput
from aiops.sim.supervisor import SimConfig, Supervisor


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes (its parent reaps it)
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def module_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervisor]:
    sup = Supervisor(SimConfig(data_dir=tmp_path_factory.mktemp("sup")))
    try:
        sup.start()
        yield sup
    finally:
        sup.close()


@pytest.fixture
def own_sim(module_sim: Supervisor) -> Iterator[Supervisor]:
    """This module's sim, put back to one running, fault-free instance after each test."""
    yield module_sim
    module_sim.scale(1)
    module_sim.start()
    for f in module_sim.faults()["active"]:
        module_sim.fault(f["name"], False)


def _pids(sup: Supervisor) -> list[int]:
    return [c["pid"] for c in sup.status()["components"] if c["pid"]]


def test_close_ends_every_child(tmp_path: Path) -> None:
    sup = Supervisor(SimConfig(data_dir=tmp_path))
    try:
        sup.start()
        pids = _pids(sup)
        assert len(pids) == 3 and all(_alive(p) for p in pids)
    finally:
        sup.close()
    assert not any(_alive(p) for p in pids)
    sup.close()  # idempotent


def test_scale_out_round_robins_and_scale_in_ends_the_extra(own_sim: Supervisor) -> None:
    own_sim.scale(2)
    assert own_sim.status()["instances"] == 2
    with httpx.Client(timeout=5) as c:
        seen = {c.get(own_sim.front_url + "/healthz").json()["instance"] for _ in range(4)}
    assert seen == {"sulu-0", "sulu-1"}
    extra = own_sim.sulus[1].pid
    assert extra is not None
    own_sim.scale(1)
    assert not _alive(extra)
    assert json.loads(own_sim.backends_file.read_text()) == own_sim.instance_urls()


@pytest.mark.parametrize("bad", [0, 9, -1, "2", True, None, 2.5])
def test_scale_rejects_bad_counts(tmp_path: Path, bad: object) -> None:
    sup = Supervisor(SimConfig(data_dir=tmp_path))  # not started: validation comes first
    try:
        with pytest.raises(InvalidInput, match="instances must be an integer from 1 to 8"):
            sup.scale(bad)  # type: ignore[arg-type]
    finally:
        sup.close()


def test_config_with_no_instance_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        Supervisor(SimConfig(data_dir=tmp_path, instances=0))


def test_restart_replaces_the_process_and_clears_what_it_held(own_sim: Supervisor) -> None:
    old = own_sim.sulus[0].pid
    own_sim.fault("memory-leak", True, {"rate_mb_s": 1, "max_mb": 8})
    own_sim.restart()
    assert own_sim.sulus[0].pid != old and not _alive(old or 0)
    assert own_sim.faults()["active"] == []
    assert httpx.get(own_sim.front_url + "/healthz").status_code == 200


def test_a_restart_does_not_fix_what_lives_outside_the_process(own_sim: Supervisor) -> None:
    """The release, the config and the disk outlive the process: only the right fix helps."""
    own_sim.fault("error-burst", True, {"ratio": 1.0})
    own_sim.fault("disk-full", True)
    own_sim.fault("memory-leak", True, {"rate_mb_s": 1, "max_mb": 8})
    deploys = len(own_sim.changes()["changes"])
    own_sim.restart()
    active = {f["name"]: f["params"] for f in own_sim.faults()["active"]}
    assert set(active) == {"error-burst", "disk-full"}
    assert active["error-burst"] == {"ratio": 1.0}
    assert len(own_sim.changes()["changes"]) == deploys  # a restart is no new deploy
    with httpx.Client(timeout=5) as c:
        assert (
            c.get(own_sim.front_url + "/api/articles").status_code == 500
        )  # still the bad release
    own_sim.fault("error-burst", False)
    own_sim.fault("disk-full", False)
    own_sim.restart()
    assert own_sim.faults()["active"] == []
    with httpx.Client(timeout=5) as c:
        assert c.get(own_sim.front_url + "/api/articles").status_code == 200


def test_the_change_calendar_outlives_a_restart_and_counts_a_fleet_change_once(
    own_sim: Supervisor,
) -> None:
    before = len(own_sim.changes()["changes"])
    own_sim.scale(2)
    own_sim.fault("config-change", True, {"extra_latency_ms": 5})
    own_sim.restart()
    changes = own_sim.changes()["changes"][before:]
    assert [c["summary"] for c in changes] == ["config reloaded"]  # two instances, one change
    assert {f["name"] for f in own_sim.faults()["active"]} == {"config-change"}
    own_sim.fault("config-change", False)
    assert [c["summary"] for c in own_sim.changes()["changes"][before:]] == [
        "config reloaded",
        "config rolled back",
    ]


def test_stop_keeps_front_answering_502_and_start_restores(own_sim: Supervisor) -> None:
    own_sim.stop()
    assert own_sim.status()["service"] == "stopped"
    assert httpx.get(own_sim.front_url + "/healthz").status_code == 502
    own_sim.start()
    assert own_sim.status()["service"] == "running"
    assert httpx.get(own_sim.front_url + "/healthz").status_code == 200


def test_fault_on_a_stopped_service_is_a_conflict(own_sim: Supervisor) -> None:
    own_sim.stop()
    with pytest.raises(Exception, match="no sulu instance is running"):
        own_sim.fault("slow-db", True)


_KILLED_PARENT = """
import json, sys, time
from pathlib import Path
from aiops.sim.supervisor import SimConfig, Supervisor
sup = Supervisor(SimConfig(data_dir=Path(sys.argv[1])))
sup.start()
print(json.dumps([c["pid"] for c in sup.status()["components"] if c["pid"]]), flush=True)
time.sleep(60)
"""


def test_children_exit_when_the_supervisor_is_killed_hard(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _KILLED_PARENT, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    pids: list[int] = []
    try:
        assert parent.stdout is not None
        pids = json.loads(parent.stdout.readline())
        assert len(pids) == 3
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=5)
        wait_until(lambda: not any(_alive(p) for p in pids), timeout_s=5, what="children gone")
    finally:
        parent.kill()
        parent.wait()
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
