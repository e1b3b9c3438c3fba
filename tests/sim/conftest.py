"""A real sim (front, one sulu, external) on free ports, shared by the tests that only
switch faults and read metrics; every test leaves it healthy and fault-free."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.sim.probes import EXTERNAL_TIMEOUT_S, POOL_TIMEOUT_S

from aiops.sim.supervisor import SimConfig, Supervisor


@pytest.fixture(scope="session")
def sim_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervisor]:
    sup = Supervisor(
        SimConfig(
            data_dir=tmp_path_factory.mktemp("sim"),
            pool_timeout_s=POOL_TIMEOUT_S,
            external_timeout_s=EXTERNAL_TIMEOUT_S,
        )
    )
    try:
        sup.start()
        yield sup
    finally:
        sup.close()


@pytest.fixture
def sim(sim_session: Supervisor) -> Iterator[Supervisor]:
    """The shared sim, restored after the test: service running, every fault off (through
    the supervisor, which remembers the durable ones)."""
    yield sim_session
    sim_session.start()
    for f in sim_session.faults()["active"]:
        sim_session.fault(f["name"], False)
    with httpx.Client(timeout=10) as c:  # and anything switched on an instance directly
        for url in sim_session.instance_urls():
            c.delete(url + "/control/faults")


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c
