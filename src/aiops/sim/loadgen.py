"""A load generator with a realistic, bounded shape, aimed only at this machine.

The shape (`LoadShape`, pure: rate as a function of elapsed seconds) is a compressed
day -- quiet night, a morning peak, a smaller evening peak -- of `day_s` seconds, with
seeded random bursts (a newsletter goes out), capped at `max_rps`. Arrivals are Poisson
at that rate; at most `max_in_flight` requests are outstanding and arrivals beyond that
are dropped and counted, so a hung service never makes the generator pile up.

In process: `await LoadGen(LoadConfig(url=...)).run(stop_event)` (an asyncio task);
or `python -m aiops.sim.loadgen --url http://127.0.0.1:P --duration-s 60`.
It stops by itself after `duration_s`. Only loopback targets are accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from aiops.errors import ErrorDetail, InvalidInput

MIX: dict[str, float] = {"home": 5, "list": 30, "get": 40, "search": 20, "create": 5}
_TERMS = ("incident", "backup", "network", "release", "capacity", "cost", "plan", "zzz")


@dataclass(frozen=True)
class LoadConfig:
    url: str
    duration_s: float = 60.0
    peak_rps: float = 8.0  # the daily peak before bursts
    max_rps: float = 20.0  # hard cap, bursts included
    night_share: float = 0.2  # night rate as a share of the peak
    day_s: float = 300.0  # one compressed day
    start_phase: float = 0.35  # where in the day the run starts (0 = midnight)
    burst_every_s: float = 90.0  # mean gap between bursts
    burst_s: float = 8.0
    burst_factor: float = 2.5
    max_in_flight: int = 16
    timeout_s: float = 10.0
    seed: int = 0
    mix: dict[str, float] = field(default_factory=lambda: dict(MIX))

    def check(self) -> None:
        errors = []
        host = urlsplit(self.url).hostname or ""
        if not _is_loopback(host):
            errors.append(ErrorDetail(("url",), f"target {host!r} is not a loopback address"))
        numbers = {
            "duration_s": self.duration_s,
            "peak_rps": self.peak_rps,
            "max_rps": self.max_rps,
            "day_s": self.day_s,
            "timeout_s": self.timeout_s,
        }
        for key, value in numbers.items():
            if not (math.isfinite(value) and value > 0):
                errors.append(ErrorDetail((key,), "must be a positive number"))
        if self.max_rps > 500:
            errors.append(ErrorDetail(("max_rps",), "must be <= 500"))
        if not 1 <= self.max_in_flight <= 256:
            errors.append(ErrorDetail(("max_in_flight",), "must be 1..256"))
        unknown = set(self.mix) - set(MIX)
        if unknown or not any(w > 0 for w in self.mix.values()):
            errors.append(ErrorDetail(("mix",), f"endpoints among {sorted(MIX)}, one weight > 0"))
        if errors:
            raise InvalidInput("bad load configuration", errors)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LoadShape:
    """Requests per second at elapsed time `t` (pure; bursts drawn once from the seed)."""

    def __init__(self, config: LoadConfig) -> None:
        self.c = config
        rng = random.Random(config.seed)
        self.bursts: list[tuple[float, float]] = []
        t = rng.expovariate(1.0 / config.burst_every_s)
        while t < config.duration_s:
            self.bursts.append((t, t + config.burst_s))
            t += config.burst_s + rng.expovariate(1.0 / config.burst_every_s)

    def daily(self, t: float) -> float:
        """The day curve in [night_share, 1]: peaks near 10:00 and 19:00."""
        h = ((t / self.c.day_s + self.c.start_phase) % 1.0) * 24.0
        morning = math.exp(-(((h - 10.5) / 2.5) ** 2))
        evening = 0.7 * math.exp(-(((h - 19.5) / 2.0) ** 2))
        shape = max(morning, evening)
        return self.c.night_share + (1.0 - self.c.night_share) * shape

    def in_burst(self, t: float) -> bool:
        return any(a <= t < b for a, b in self.bursts)

    def rate(self, t: float) -> float:
        r = self.c.peak_rps * self.daily(t)
        if self.in_burst(t):
            r *= self.c.burst_factor
        return min(r, self.c.max_rps)


@dataclass
class LoadStats:
    sent: int = 0
    dropped: int = 0  # arrivals skipped because max_in_flight requests were outstanding
    transport_errors: int = 0  # refused, reset, timed out
    by_status: Counter[str] = field(default_factory=Counter)
    by_endpoint: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["by_status"] = dict(self.by_status)
        d["by_endpoint"] = dict(self.by_endpoint)
        return d


class LoadGen:
    def __init__(self, config: LoadConfig) -> None:
        config.check()
        self.config = config
        self.shape = LoadShape(config)
        self.stats = LoadStats()
        self._rng = random.Random(config.seed + 1)
        self._in_flight = 0

    async def run(self, stop: asyncio.Event | None = None) -> LoadStats:
        """Send load until `duration_s` passes or `stop` is set; wait for stragglers."""
        c = self.config
        stop = stop or asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()
        limits = httpx.Limits(max_connections=c.max_in_flight, max_keepalive_connections=4)
        async with httpx.AsyncClient(base_url=c.url, timeout=c.timeout_s, limits=limits) as client:
            start = time.monotonic()
            while not stop.is_set():
                t = time.monotonic() - start
                if t >= c.duration_s:
                    break
                gap = min(self._rng.expovariate(self.shape.rate(t)), 0.5, c.duration_s - t)
                try:
                    await asyncio.wait_for(stop.wait(), gap)
                    break
                except TimeoutError:
                    pass
                if self._in_flight >= c.max_in_flight:
                    self.stats.dropped += 1
                    continue
                task = asyncio.create_task(self._one(client))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.wait(tasks, timeout=c.timeout_s)
            for task in tasks:
                task.cancel()
        return self.stats

    def pick(self) -> tuple[str, str, str, dict[str, Any] | None]:
        """(endpoint, method, path, json body) for the next request."""
        names = list(self.config.mix)
        name = self._rng.choices(names, weights=[self.config.mix[n] for n in names])[0]
        rng = self._rng
        if name == "home":
            return name, "GET", "/", None
        if name == "list":
            return name, "GET", f"/api/articles?limit=20&offset={20 * rng.randint(0, 3)}", None
        if name == "get":
            article = min(200, int(rng.paretovariate(1.2)))  # a few articles are popular
            return name, "GET", f"/api/articles/{article}", None
        if name == "search":
            return name, "GET", f"/api/search?q={rng.choice(_TERMS)}", None
        body = {"title": f"note {rng.randint(1, 10**6)}", "body": "load test", "author": "loadgen"}
        return name, "POST", "/api/articles", body

    async def _one(self, client: httpx.AsyncClient) -> None:
        name, method, path, body = self.pick()
        self._in_flight += 1
        self.stats.sent += 1
        self.stats.by_endpoint[name] += 1
        try:
            resp = await client.request(method, path, json=body)
            self.stats.by_status[str(resp.status_code)] += 1
        except httpx.HTTPError:
            self.stats.transport_errors += 1
        finally:
            self._in_flight -= 1


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="send shaped load to sulu on 127.0.0.1")
    p.add_argument("--url", required=True)
    p.add_argument("--duration-s", type=float, default=60.0)
    p.add_argument("--peak-rps", type=float, default=8.0)
    p.add_argument("--max-rps", type=float, default=20.0)
    p.add_argument("--day-s", type=float, default=300.0)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    try:
        gen = LoadGen(
            LoadConfig(
                url=a.url,
                duration_s=a.duration_s,
                peak_rps=a.peak_rps,
                max_rps=a.max_rps,
                day_s=a.day_s,
                seed=a.seed,
            )
        )
    except InvalidInput as exc:
        print(f"loadgen: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    stats = asyncio.run(gen.run())
    print(json.dumps(stats.as_dict()))


if __name__ == "__main__":
    main()


__all__ = ["MIX", "LoadConfig", "LoadGen", "LoadShape", "LoadStats"]
