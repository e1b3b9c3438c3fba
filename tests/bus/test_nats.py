"""Scale-out over a real NATS JetStream: ingest publishes, a worker correlates, and a failed
batch is redelivered rather than lost. Needs the machine's NATS (make test sets the URL)."""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

import httpx
import pytest

from aiops.bus.nats import NatsConsumer, NatsEventBus
from aiops.config import Settings
from aiops.model import Event
from aiops.normalize.events import parse_native
from aiops.runtime import ConfigSet, Runtime
from aiops.web import create_app

pytestmark = pytest.mark.nats


@pytest.fixture
def nats_url() -> str:
    url = os.environ.get("AIOPS_TEST_NATS_URL")
    if not url:
        pytest.skip("AIOPS_TEST_NATS_URL not set (make test sets it)")
    return url


@pytest.fixture
def names() -> tuple[str, str]:
    tag = secrets.token_hex(4).upper()
    return f"AIOPS_TEST_{tag}", f"aiops_test_{tag.lower()}"


async def _wait(cond, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if cond():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def _drop(url: str, stream: str) -> None:
    import nats

    nc = await nats.connect(url)
    try:
        await nc.jetstream().delete_stream(stream)
    except Exception:
        pass
    await nc.drain()


def _events(n: int, clock) -> list[Event]:  # type: ignore[no-untyped-def]
    return parse_native([{"id": f"n{i}", "source": "probe", "summary": "sulu healthz failing",
                          "service": "sulu", "severity": "critical"} for i in range(n)],
                        now=clock.now, max_batch=1000)


async def test_http_ingest_queues_and_a_worker_correlates(
    nats_url: str, names: tuple[str, str], tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AIOPS_INGEST_TOKEN", raising=False)
    stream, subject = names
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    front = Runtime(Settings(database_url=db, bus_url=nats_url), config=ConfigSet(None), clock=clock)
    front.bus = NatsEventBus(nats_url, stream=stream, subject=subject)
    back = Runtime(Settings(database_url=db), config=ConfigSet(None), clock=clock)
    consumer = NatsConsumer(nats_url, back.process, durable="t", stream=stream, subject=subject)
    task = asyncio.create_task(consumer.run())
    try:
        app = create_app(front.settings, runtime=front)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.post("/api/v1/events", json={"id": "e1", "source": "probe",
                                                     "summary": "sulu down", "service": "sulu"})
            assert r.status_code == 200, r.text
            assert r.json()["queued"] is True and r.json()["seq"] >= 1
            await _wait(lambda: consumer.acked == 1)
            items = (await c.get("/api/v1/incidents")).json()["items"]
        assert len(items) == 1 and items[0]["service"] == "sulu"
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)
        await front.aclose()
        await _drop(nats_url, stream)
        front.close()
        back.close()


async def test_a_failed_batch_is_redelivered_and_stored_once(
    nats_url: str, names: tuple[str, str], tmp_path: Path, clock
) -> None:  # type: ignore[no-untyped-def]
    stream, subject = names
    rt = Runtime(Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}"), config=ConfigSet(None),
                 clock=clock)
    calls = {"n": 0}

    def flaky(events: list[Event]):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return rt.process(events)

    bus = NatsEventBus(nats_url, stream=stream, subject=subject)
    consumer = NatsConsumer(nats_url, flaky, durable="t", stream=stream, subject=subject)
    task = asyncio.create_task(consumer.run())
    try:
        await bus.publish("probe", _events(3, clock))
        await _wait(lambda: consumer.acked == 1)
        assert consumer.naked == 1 and "went away" in (consumer.last_error or "")
        from sqlalchemy import func, select

        from aiops.store.tables import EventRow

        with rt.sessions() as s:
            assert s.execute(select(func.count()).select_from(EventRow)).scalar_one() == 3
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)
        await bus.close()
        await _drop(nats_url, stream)
        rt.close()


async def test_a_retried_publish_is_stored_once_by_jetstream(
    nats_url: str, names: tuple[str, str], clock
) -> None:  # type: ignore[no-untyped-def]
    stream, subject = names
    bus = NatsEventBus(nats_url, stream=stream, subject=subject)
    try:
        events = _events(2, clock)
        first = await bus.publish("probe", events)
        again = await bus.publish("probe", events)  # the sender's retry
        assert not first.duplicate and again.duplicate and again.seq == first.seq
    finally:
        await bus.close()
        await _drop(nats_url, stream)
