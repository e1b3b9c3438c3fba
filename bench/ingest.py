"""Ingest throughput and latency: in-process pipeline and over HTTP, SQLite store.

    .venv/bin/python bench/ingest.py [--events 200000] [--http-events 60000]

In-process: raw native JSON objects → normalize (parse_native) → dedup → correlate →
commit, in batches of 500. Over HTTP: a real uvicorn server in a child process, 8
concurrent clients posting batches of 100 events; then single-event requests at a
steady rate (default 100/s, about half of what one server process sustains
with single-event requests) for latency (a request returns after its incident is committed, so the
round trip bounds receipt → committed). The server runs with `--no-stages`: diagnosis,
agents and changes run after the commit, off this path, and are measured elsewhere. The stream is what a monitoring system sends:
2,000 alert streams over 40 services, repeats, resolves and re-fires, unique event ids.
Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 11, 25, tzinfo=UTC)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def make_events(n: int, seed: int = 7, start: int = 0) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out = []
    for i in range(start, start + n):
        stream = rnd.randrange(2000)
        service = f"svc-{stream % 40}"
        status = "resolved" if rnd.random() < 0.05 else "firing"
        out.append(
            {
                "id": f"ev-{seed}-{i}",
                "source": "bench",
                "summary": f"alert {stream % 97} on {service}",
                "service": service,
                "ci": f"{service}-node-{stream % 5}",
                "severity": rnd.choice(["warning", "error", "critical"]),
                "labels": {"alertname": f"Alert{stream % 97}", "stream": str(stream)},
                "occurred_at": (T0 + timedelta(milliseconds=10 * i)).isoformat(),
                "status": status,
                "fingerprint": f"fp-{stream}",
            }
        )
    return out


def bench_inprocess(n: int, batch: int) -> dict[str, Any]:
    from aiops.config import Settings
    from aiops.normalize.events import parse_native
    from aiops.runtime import ConfigSet, Runtime

    tmp = Path(tempfile.mkdtemp(prefix="aiops-bench-"))
    rt = Runtime(Settings(database_url=f"sqlite:///{tmp / 'bench.db'}"), config=ConfigSet(None))
    raw = make_events(n)
    now = datetime.now(UTC)
    rss_marks: list[float] = []
    opened = 0
    start = time.perf_counter()
    for i in range(0, n, batch):
        events = parse_native(raw[i : i + batch], now=now, max_batch=batch)
        opened += len(rt.process(events).incidents_opened)
        if (i // batch) % max(1, (n // batch) // 8) == 0:
            rss_marks.append(rss_mb())
    elapsed = time.perf_counter() - start
    rss_marks.append(rss_mb())
    rt.close()
    log(f"in-process: {n} events in {elapsed:.1f}s, {opened} incidents, RSS marks {rss_marks}")
    # Flat memory: what the last half of the run added, against the first half.
    half = len(rss_marks) // 2
    return {
        "inprocess_events_per_s": round(n / elapsed, 1),
        "inprocess_incidents": opened,
        "rss_growth_second_half_mb": round(rss_marks[-1] - rss_marks[half], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _http(n: int, single: int, port: int, rate: float) -> dict[str, Any]:
    import httpx

    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        for _ in range(100):
            try:
                if (await c.get("/healthz")).status_code == 200:
                    break
            except httpx.HTTPError:
                await asyncio.sleep(0.1)
        raw = make_events(n, seed=11)
        batches = [raw[i : i + 100] for i in range(0, n, 100)]
        queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
        for b in batches:
            queue.put_nowait(b)

        async def worker() -> None:
            while not queue.empty():
                b = queue.get_nowait()
                r = await c.post("/api/v1/events", json=b)
                r.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(8)))
        elapsed = time.perf_counter() - start
        log(f"http: {n} events in {elapsed:.1f}s")

        lat: list[float] = []
        singles = make_events(single, seed=13, start=10**7)
        sem = asyncio.Semaphore(4)

        async def one(ev: dict[str, Any]) -> None:
            async with sem:
                t = time.perf_counter()
                r = await c.post("/api/v1/events", json=ev)
                r.raise_for_status()
                lat.append((time.perf_counter() - t) * 1000)

        tasks = []
        interval = 1.0 / rate
        t_next = time.perf_counter()
        for ev in singles:  # a steady `rate` requests/s, one event each
            tasks.append(asyncio.create_task(one(ev)))
            t_next += interval
            await asyncio.sleep(max(0.0, t_next - time.perf_counter()))
        await asyncio.gather(*tasks)
        lat.sort()
        return {
            "latency_rate_rps": rate,
            "http_events_per_s": round(n / elapsed, 1),
            "p50_ms": round(statistics.median(lat), 2),
            "p99_ms": round(lat[int(len(lat) * 0.99) - 1], 2),
        }


def bench_http(n: int, single: int, rate: float) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="aiops-bench-http-"))
    port = free_port()
    env = {**os.environ, "AIOPS_INGEST_TOKEN": ""}
    env.pop("AIOPS_INGEST_TOKEN")
    empty = tmp / "config"
    empty.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiops.cli",
            "serve",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{tmp / 'http.db'}",
            "--config",
            str(empty),
            "--no-stages",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return asyncio.run(_http(n, single, port, rate))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--http-events", type=int, default=60_000)
    ap.add_argument("--single", type=int, default=2000, help="single-event requests for latency")
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--rate", type=float, default=100.0,
                    help="requests/s of the latency phase (one event per request)")
    args = ap.parse_args()
    t = time.perf_counter()
    result: dict[str, Any] = {"bench": "ingest"}
    result.update(bench_inprocess(args.events, args.batch))
    result.update(bench_http(args.http_events, args.single, args.rate))
    result["seconds"] = round(time.perf_counter() - t, 1)
    try:
        result["git"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
