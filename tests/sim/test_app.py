"""Sulu serves its site, metrics and health for real, and rejects bad input with 4xx."""

from __future__ import annotations

import json

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.sim.probes import metric, wait_until

from aiops.sim.supervisor import Supervisor

EXPECTED_FAMILIES = {
    "sulu_http_requests",
    "sulu_http_request_duration_seconds",
    "sulu_http_errors",
    "sulu_db_pool_in_use",
    "sulu_db_pool_size",
    "sulu_cache_hit_ratio",
    "sulu_queue_depth",
    "sulu_requests_in_flight",
    "process_cpu_seconds",
    "process_resident_memory_bytes",
    "sulu_external_requests",
    "sulu_log_write_errors",
    "sulu_build_info",
}


def test_metrics_parse_and_cover_the_issue_list(sim: Supervisor, client: httpx.Client) -> None:
    url = sim.instance_urls()[0]
    client.get(url + "/api/articles/1")
    client.get(url + "/api/articles?limit=abc")
    text = client.get(url + "/metrics").text
    families = {f.name for f in text_string_to_metric_families(text)}
    assert EXPECTED_FAMILIES <= families
    assert (
        metric(url, "sulu_http_requests_total", route="/api/articles/{id:int}", status="200") >= 1
    )
    assert metric(url, "sulu_http_errors_total", route="/api/articles", status="422") >= 1
    assert (
        metric(url, "sulu_http_request_duration_seconds_count", route="/api/articles/{id:int}") >= 1
    )


def test_site_endpoints_answer_through_the_front(sim: Supervisor, client: httpx.Client) -> None:
    front = sim.front_url
    assert client.get(front + "/").text.startswith("<!doctype html>")
    items = client.get(front + "/api/articles?limit=5").json()["items"]
    assert len(items) == 5
    one = client.get(front + f"/api/articles/{items[0]['id']}").json()
    assert one["id"] == items[0]["id"] and len(one["related"]) == 3
    created = client.post(front + "/api/articles", json={"title": "t", "body": "b", "author": "a"})
    assert created.status_code == 201
    assert client.get(front + f"/api/articles/{created.json()['id']}").status_code == 200
    assert client.get(front + "/api/search", params={"q": "backup"}).json()["items"]
    assert client.get(front + "/healthz").json()["status"] == "ok"


def test_access_and_app_lines_are_json_with_the_fields(
    sim: Supervisor, client: httpx.Client
) -> None:
    log = sim.log_paths()[0]

    def searches() -> int:
        return log.read_text().count('"route":"/api/search"')

    before = searches()
    client.get(sim.instance_urls()[0] + "/api/search?q=capacity")
    # The access line is written once the response has gone out: wait for it.
    wait_until(lambda: searches() > before, what="access line")
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert all({"ts", "level", "logger", "msg", "fields"} <= set(r) for r in lines)
    access = [r for r in lines if r["fields"].get("route") == "/api/search"]
    assert access[-1]["logger"] == "sulu.access" and access[-1]["msg"] == "GET /api/search 200"
    assert access[-1]["fields"]["duration_ms"] >= 0
    assert any(r["logger"] == "sulu.app" and r["msg"] == "service started" for r in lines)
    assert not any("/control/" in r["msg"] for r in lines)  # the operator plane stays quiet


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/api/articles?limit=abc", None, 422),
        ("GET", "/api/articles?limit=100000", None, 422),
        ("GET", "/api/articles?offset=-1", None, 422),
        ("GET", "/api/search", None, 422),
        ("GET", "/api/search?q=" + "x" * 500, None, 422),
        ("GET", "/api/articles/999999", None, 404),
        ("GET", "/api/articles/abc", None, 404),
        ("POST", "/api/articles", b"{nope", 400),
        ("POST", "/api/articles", b"\x00\xff", 400),
        ("POST", "/api/articles", b'{"title": ""}', 422),
        ("POST", "/api/articles", b'{"title": "t", "body": "b", "author": "a", "x": 1}', 422),
        ("POST", "/api/articles", b"[]", 422),
    ],
    ids=[
        "limit-text",
        "limit-huge",
        "offset-negative",
        "q-missing",
        "q-huge",
        "no-article",
        "id-text",
        "bad-json",
        "binary",
        "empty-title",
        "extra-field",
        "array",
    ],
)
def test_bad_api_input_gets_4xx_with_reason(
    sim: Supervisor, client: httpx.Client, method: str, path: str, body: bytes | None, status: int
) -> None:
    resp = client.request(method, sim.instance_urls()[0] + path, content=body)
    assert resp.status_code == status
    assert resp.text


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/control/faults/no-such-fault", b'{"on": true}', 404, "not_found"),
        ("/control/faults/slow-db", b"{bad json", 400, "unparsable"),
        ("/control/faults/slow-db", b'{"on": 1}', 422, "invalid_input"),
        (
            "/control/faults/slow-db",
            b'{"on": true, "params": {"delay_ms": -5}}',
            422,
            "invalid_input",
        ),
        ("/control/faults/slow-db", b'{"on": true, "params": {"x": 1}}', 422, "invalid_input"),
        (
            "/control/faults/slow-db",
            b'{"on": true, "p": "' + b"x" * 20000 + b'"}',
            413,
            "too_large",
        ),
    ],
    ids=["unknown-fault", "bad-json", "on-not-bool", "out-of-range", "unknown-param", "huge"],
)
def test_bad_control_input_gets_4xx_with_reason(
    sim: Supervisor, client: httpx.Client, path: str, body: bytes, status: int, code: str
) -> None:
    for url in (sim.instance_urls()[0], sim.front_url):
        resp = client.post(url + path, content=body)
        assert resp.status_code == status
        doc = resp.json()
        assert doc["ok"] is False and doc["code"] == code and doc["message"]
    assert client.get(sim.instance_urls()[0] + "/control/faults").json()["active"] == []
