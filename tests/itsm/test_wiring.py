"""The wired stages follow CMDB edits made through the API (service windows route changes)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from aiops.config import Settings
from aiops.runtime import ConfigSet, Runtime, install_stages

from .helpers import EXAMPLES, add_incident


@pytest.fixture
def rt(db_url: str, clock) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    r = Runtime(Settings(database_url=db_url, config_dir=EXAMPLES),
                config=ConfigSet.load(EXAMPLES), clock=clock)  # fmt: skip
    r.seed_cmdb()
    install_stages(r, EXAMPLES)
    yield r
    r.close()


async def test_a_service_window_edited_through_the_api_routes_the_next_change(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    act = next(s for s in rt.stages.stages if s.name == "act")
    act.service.execute_here = False
    svc = (await client.get("/api/v1/cmdb/services/sulu")).json()
    hour = (rt.clock().hour + 12) % 24  # a window that is not now
    svc["service_window"] = f"mon-sun {hour:02d}:00-{(hour + 1) % 24:02d}:00"
    r = await client.put("/api/v1/cmdb/services/sulu", json=svc)
    assert r.status_code == 200, r.text
    iid = add_incident(rt, priority=3)
    change = act.service.propose_change(incident_id=iid, runbook="sulu-restart", params={},
                                        requested_by="agent:remediate", autonomy="autonomous")  # fmt: skip
    assert change.state.value == "pending_approval"
    assert any("outside the service window" in why for why in change.reasons)
