"""The load has a day shape and bursts, stays under its cap, stops by itself, and only
ever targets this machine."""

from __future__ import annotations

import asyncio

import pytest

from aiops.errors import InvalidInput
from aiops.sim.loadgen import LoadConfig, LoadGen, LoadShape
from aiops.sim.supervisor import Supervisor


def _cfg(**over: object) -> LoadConfig:
    base: dict[str, object] = {"url": "http://127.0.0.1:9", "duration_s": 600.0}
    return LoadConfig(**{**base, **over})  # type: ignore[arg-type]


def test_day_is_busier_than_night() -> None:
    shape = LoadShape(_cfg(day_s=240.0, start_phase=0.0, burst_every_s=1e9))
    night = shape.rate(240.0 * 3 / 24)  # 03:00
    morning = shape.rate(240.0 * 10.5 / 24)
    evening = shape.rate(240.0 * 19.5 / 24)
    assert night < evening < morning
    assert morning == pytest.approx(8.0)
    assert night == pytest.approx(8.0 * 0.2, rel=0.05)


def test_bursts_raise_the_rate_but_never_past_the_cap() -> None:
    shape = LoadShape(_cfg(burst_every_s=30.0, burst_factor=10.0, max_rps=12.0))
    assert shape.bursts, "a 600 s run with bursts every ~30 s has bursts"
    start, _ = shape.bursts[0]
    assert shape.in_burst(start) and shape.rate(start) > shape.c.peak_rps * shape.daily(start)
    assert max(shape.rate(t / 10) for t in range(6000)) <= 12.0


def test_same_seed_same_bursts() -> None:
    assert LoadShape(_cfg(seed=3)).bursts == LoadShape(_cfg(seed=3)).bursts
    assert LoadShape(_cfg(seed=3)).bursts != LoadShape(_cfg(seed=4)).bursts


@pytest.mark.parametrize(
    "over",
    [
        {"url": "http://10.0.0.5:8080"},
        {"url": "http://example.com"},
        {"url": "not a url"},
        {"max_rps": float("nan")},
        {"duration_s": 0.0},
        {"max_rps": 10_000.0},
        {"max_in_flight": 0},
        {"mix": {"delete-everything": 1.0}},
    ],
    ids=[
        "private-ip",
        "public-host",
        "garbage-url",
        "nan-rate",
        "zero-duration",
        "huge-rate",
        "no-concurrency",
        "unknown-endpoint",
    ],
)
def test_bad_config_is_refused_with_reason(over: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as info:
        LoadGen(_cfg(**over))
    assert info.value.errors


@pytest.mark.parametrize("url", ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"])
def test_loopback_targets_are_accepted(url: str) -> None:
    LoadGen(_cfg(url=url))


def test_mix_covers_every_endpoint() -> None:
    gen = LoadGen(_cfg())
    assert {gen.pick()[0] for _ in range(500)} == {"home", "list", "get", "search", "create"}


async def test_run_sends_load_and_stops_by_itself(sim: Supervisor) -> None:
    gen = LoadGen(_cfg(url=sim.front_url, duration_s=1.5, peak_rps=20.0, max_rps=20.0))
    stats = await asyncio.wait_for(gen.run(), timeout=15)
    assert stats.sent >= 5
    assert stats.transport_errors == 0
    assert sum(stats.by_status.values()) == stats.sent
    assert set(stats.by_status) <= {"200", "201", "404"}


async def test_run_stops_early_on_the_stop_event() -> None:
    gen = LoadGen(_cfg(url="http://127.0.0.1:9", duration_s=600.0, peak_rps=1.0))
    stop = asyncio.Event()
    task = asyncio.create_task(gen.run(stop))
    await asyncio.sleep(0.1)
    stop.set()
    stats = await asyncio.wait_for(task, timeout=5)
    assert stats.sent <= 3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "params", "status"),
    [
        ("error-burst", {"ratio": 0.5}, "500"),
        ("dependency-timeout", {"hang_s": 2}, "504"),
        ("db-pool-exhaustion", {}, "503"),
        ("stop", {}, "502"),
    ],
)
async def test_load_through_the_front_sees_each_fault(
    sim: Supervisor, fault: str, params: dict[str, float], status: str
) -> None:
    await asyncio.to_thread(sim.fault, fault, True, params)
    try:
        gen = LoadGen(_cfg(url=sim.front_url, duration_s=2.5, peak_rps=12.0, seed=5))
        stats = await asyncio.wait_for(gen.run(), timeout=20)
    finally:
        await asyncio.to_thread(sim.fault, fault, False)
    assert stats.by_status[status] >= 1, stats.as_dict()
