"""Reading a running sulu the way the platform does: /metrics, the log file."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

POOL_TIMEOUT_S = 0.5
EXTERNAL_TIMEOUT_S = 0.5


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """All samples from `url`/metrics, keyed by (name, sorted labels)."""
    text = httpx.get(url + "/metrics", timeout=5).text
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def metric(url: str, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in scrape(url).items() if n == name and want <= set(ls))


def wait_until(check: Callable[[], bool], timeout_s: float = 5.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout_s}s: {what}")
        time.sleep(0.05)


def log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
