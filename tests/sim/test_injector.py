"""Each fault has the visible effect the platform must detect, and switching it off
restores the service. Effects are read the way the platform reads them: /metrics,
the JSON log, /healthz, and HTTP status codes."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from tests.sim.probes import POOL_TIMEOUT_S, log_text, metric, wait_until

from aiops.errors import InvalidInput
from aiops.sim.supervisor import Supervisor


def _fresh_search(client: httpx.Client, url: str) -> httpx.Response:
    """A search nobody made before: a cache miss, so it reaches the database."""
    return client.get(url + "/api/search", params={"q": uuid.uuid4().hex[:8]})


def _mean_query_s(url: str, before: tuple[float, float]) -> float:
    s = metric(url, "sulu_db_query_duration_seconds_sum") - before[0]
    n = metric(url, "sulu_db_query_duration_seconds_count") - before[1]
    return s / n


def _query_totals(url: str) -> tuple[float, float]:
    return (
        metric(url, "sulu_db_query_duration_seconds_sum"),
        metric(url, "sulu_db_query_duration_seconds_count"),
    )


def test_slow_db_raises_query_latency_and_logs_slow_queries(
    sim: Supervisor, client: httpx.Client
) -> None:
    url = sim.instance_urls()[0]
    sim.fault("slow-db", True, {"delay_ms": 300})
    before = _query_totals(url)
    for _ in range(2):
        assert _fresh_search(client, url).status_code == 200
    assert _mean_query_s(url, before) >= 0.3
    assert "slow query: search took 0.3" in log_text(sim.log_paths()[0])
    sim.fault("slow-db", False)
    before = _query_totals(url)
    _fresh_search(client, url)
    assert _mean_query_s(url, before) < 0.3


def test_pool_exhaustion_fills_the_pool_and_requests_time_out(
    sim: Supervisor, client: httpx.Client
) -> None:
    url = sim.instance_urls()[0]
    sim.fault("db-pool-exhaustion", True)
    wait_until(lambda: metric(url, "sulu_db_pool_in_use") == 4, what="pool full")
    resp = _fresh_search(client, url)
    assert resp.status_code == 503
    assert client.get(url + "/healthz").status_code == 503
    log = log_text(sim.log_paths()[0])
    assert (
        f"connection pool exhausted: timeout after {POOL_TIMEOUT_S:.1f}s waiting for connection"
        in log
    )
    assert "not returned (leaked=4/4)" in log
    assert metric(url, "sulu_db_pool_timeouts_total") >= 1
    sim.fault("db-pool-exhaustion", False)
    assert metric(url, "sulu_db_pool_in_use") == 0
    assert _fresh_search(client, url).status_code == 200


def test_memory_leak_grows_resident_memory_until_switched_off(sim: Supervisor) -> None:
    url = sim.instance_urls()[0]
    base = metric(url, "process_resident_memory_bytes")
    sim.fault("memory-leak", True, {"rate_mb_s": 32, "max_mb": 64})
    wait_until(
        lambda: metric(url, "process_resident_memory_bytes") > base + 40e6, what="RSS +40 MB"
    )
    assert "session store growing without eviction" in log_text(sim.log_paths()[0])
    sim.fault("memory-leak", False)
    wait_until(lambda: metric(url, "process_resident_memory_bytes") < base + 20e6, what="freed")
    assert "session store purged" in log_text(sim.log_paths()[0])


def _cpu_over(url: str, seconds: float) -> float:
    start = metric(url, "process_cpu_seconds_total")
    time.sleep(seconds)
    return metric(url, "process_cpu_seconds_total") - start


def test_cpu_hog_burns_cpu_and_stops_when_switched_off(sim: Supervisor) -> None:
    url = sim.instance_urls()[0]
    sim.fault("cpu-hog", True, {"duty": 0.9})
    assert _cpu_over(url, 1.0) > 0.4
    assert "search index rebuild started" in log_text(sim.log_paths()[0])
    sim.fault("cpu-hog", False)
    assert _cpu_over(url, 0.8) < 0.25


def test_cpu_hog_switches_itself_off_after_max_s(sim: Supervisor) -> None:
    sim.fault("cpu-hog", True, {"duty": 0.2, "max_s": 1})
    wait_until(lambda: sim.faults()["active"] == [], what="hog expired")


def test_error_burst_is_a_bad_deploy_with_5xx_and_a_change(
    sim: Supervisor, client: httpx.Client
) -> None:
    url = sim.instance_urls()[0]
    errors_before = metric(url, "sulu_http_errors_total", status="500")
    sim.fault("error-burst", True, {"ratio": 1.0})
    assert client.get(url + "/api/articles").status_code == 500
    assert metric(url, "sulu_http_errors_total", status="500") > errors_before
    assert metric(url, "sulu_build_info", version="1.5.0") == 1
    assert "unhandled exception in GET /api/articles: KeyError" in log_text(sim.log_paths()[0])
    deploy = sim.changes()["changes"][-1]
    assert deploy["kind"] == "deploy" and deploy["diff"] == {"version": ["1.4.2", "1.5.0"]}
    sim.fault("error-burst", False)
    assert client.get(url + "/api/articles").status_code == 200
    assert metric(url, "sulu_build_info", version="1.4.2") == 1
    assert sim.changes()["changes"][-1]["summary"] == "rollback sulu 1.5.0 -> 1.4.2"


def test_dependency_timeout_makes_article_pages_504(sim: Supervisor, client: httpx.Client) -> None:
    url = sim.instance_urls()[0]
    sim.fault("dependency-timeout", True, {"hang_s": 2})
    assert client.get(url + "/api/articles/7").status_code == 504
    assert "upstream timeout: GET http://127.0.0.1" in log_text(sim.log_paths()[0])
    assert metric(url, "sulu_external_requests_total", outcome="timeout") >= 1
    sim.fault("dependency-timeout", False)
    assert client.get(url + "/api/articles/7").status_code == 200


def test_the_breaker_serves_pages_without_the_hung_vendor_then_closes_itself(
    sim: Supervisor, client: httpx.Client
) -> None:
    url = sim.instance_urls()[0]
    sim.fault("dependency-timeout", True, {"hang_s": 2})
    sim.breaker(True)
    page = client.get(url + "/api/articles/7")
    assert page.status_code == 200 and page.elapsed.total_seconds() < 0.5  # no waiting
    board = sim.faults()
    assert board["breaker_open"] and board["active"][0]["masked"]  # on, but worked around
    assert metric(url, "sulu_external_requests_total", outcome="skipped") >= 1
    sim.fault("dependency-timeout", False)  # the vendor recovers: the probe closes it
    wait_until(lambda: not sim.faults()["breaker_open"], timeout_s=12, what="breaker closed")
    assert "circuit breaker closed: the external API answers again" in log_text(sim.log_paths()[0])


def test_a_bad_breaker_request_is_refused_with_its_field(sim: Supervisor) -> None:
    with httpx.Client(timeout=5) as c:
        r = c.post(sim.instance_urls()[0] + "/control/breaker", json={"open": "yes"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "open"]
    with pytest.raises(InvalidInput):
        sim.breaker("yes")  # type: ignore[arg-type]


def test_disk_full_loses_log_lines_and_fails_writes(sim: Supervisor, client: httpx.Client) -> None:
    url, log = sim.instance_urls()[0], sim.log_paths()[0]
    stderr_log = log.with_name("sulu-0.stderr.log")
    sim.fault("disk-full", True)
    size = log.stat().st_size
    client.get(url + "/api/articles")
    created = client.post(url + "/api/articles", json={"title": "t", "body": "b", "author": "a"})
    assert created.status_code == 500 and "database or disk is full" in created.text
    assert log.stat().st_size == size
    assert metric(url, "sulu_log_write_errors_total") >= 2
    assert "OSError: [Errno 28] No space left on device" in log_text(stderr_log)
    sim.fault("disk-full", False)
    assert "log writes resumed" in log_text(log)
    assert (
        client.post(
            url + "/api/articles", json={"title": "t", "body": "b", "author": "a"}
        ).status_code
        == 201
    )


def test_config_change_is_recorded_and_disables_the_cache(
    sim: Supervisor, client: httpx.Client
) -> None:
    url = sim.instance_urls()[0]
    for _ in range(3):
        client.get(url + "/api/articles?limit=7")
    sim.fault("config-change", True, {"extra_latency_ms": 250})
    change = sim.changes()["changes"][-1]
    assert change["kind"] == "config" and change["diff"]["cache.ttl_s"] == [30.0, 0.0]
    before = _query_totals(url)
    for _ in range(3):
        client.get(url + "/api/articles?limit=7")  # same page, no longer cached
    assert metric(url, "sulu_db_query_duration_seconds_count") - before[1] == 3
    assert _mean_query_s(url, before) >= 0.25
    assert "config reloaded: cache.ttl_s 30.0 -> 0.0" in log_text(sim.log_paths()[0])
    sim.fault("config-change", False)
    assert sim.changes()["changes"][-1]["summary"] == "config rolled back"


def test_stop_makes_health_fail_and_off_brings_it_back(
    sim: Supervisor, client: httpx.Client
) -> None:
    instance = sim.instance_urls()[0]
    sim.fault("stop", True)
    assert client.get(sim.front_url + "/healthz").status_code == 502
    try:
        client.get(instance + "/healthz")
        raise AssertionError("instance still answers")
    except httpx.ConnectError:
        pass
    assert sim.faults()["active"][0]["name"] == "stop"
    sim.fault("stop", False)
    assert client.get(sim.front_url + "/healthz").status_code == 200


def test_stop_through_the_control_api_ends_the_process(
    sim: Supervisor, client: httpx.Client
) -> None:
    instance = sim.instance_urls()[0]
    resp = client.post(instance + "/control/faults/stop", json={"on": True})
    assert resp.status_code == 200
    wait_until(lambda: not sim.sulus[0].running(), what="sulu exited")
    assert sim.status()["service"] == "stopped"
    assert "shutdown requested by operator" in log_text(sim.log_paths()[0])
