"""The control site: pages render what the store holds, chart JSON has its shape, text is escaped."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from tests.e2e.seed import ERROR_BURST, LOG_LINES, SIGNAL, sulu_samples

from aiops.model import Incident, Severity
from aiops.model.cmdb import Cmdb
from aiops.runtime import Runtime
from aiops.store.repos.incidents import IncidentRepo
from aiops.web.site import views
from aiops.web.site.health import Health, service_health
from aiops.web.site.strings import STRINGS, t


async def _post(client: httpx.AsyncClient, **event: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/events", json=event)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _section(html: str, section_id: str) -> str:
    """One `<section id=...>` of a page (the strings island holds every word, so look inside)."""
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


async def _incident(client: httpx.AsyncClient, **over: Any) -> str:
    body = await _post(client, **{**ERROR_BURST, **over})
    return str(body["incidents_opened"][0])


# -- pages --------------------------------------------------------------------------


async def test_dashboard_lists_services_cis_and_open_incidents(client: httpx.AsyncClient) -> None:
    iid = await _incident(client)
    r = await client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert iid in html and f'href="/incidents/{iid}"' in html
    assert "sulu: 15 % of requests fail" in html  # the incident title
    for ci in ("sulu-app", "sulu-db", "sulu-external-api"):
        assert ci in html
    assert "health-degraded" in html  # an error-severity incident degrades sulu
    assert "/static/vendor/uplot/uPlot.iife.min.js" in html


async def test_dashboard_with_no_incidents_says_so(client: httpx.AsyncClient) -> None:
    html = (await client.get("/")).text
    assert t("no_open_incidents") in html[html.index('id="incidents"') :]
    assert "health-ok" in html


async def test_incident_page_shows_header_timeline_logs_alerts(
    client: httpx.AsyncClient, clock
) -> None:  # type: ignore[no-untyped-def]
    iid = await _incident(client)
    clock.advance(20)
    for line in LOG_LINES:
        await _post(client, **line)
    await _post(client, **SIGNAL)
    await client.post(
        f"/api/v1/incidents/{iid}/comments", json={"actor": "alice", "text": "looking at the DB"}
    )
    r = await client.get(f"/incidents/{iid}")
    assert r.status_code == 200
    html = r.text
    assert iid in html and "sulu: 15 % of requests fail" in html
    assert "prio-" in html and "state-open" in html
    assert "SuluHighErrorRatio fired on sulu-app" in html  # alert in the timeline
    assert "anomaly:error_ratio anomaly on sulu-app" in html  # the signal, once
    assert "new incident" in html  # the grouping decision's why
    assert "looking at the DB" in html and "alice" in html  # the comment
    assert "database is locked" in html  # a log excerpt
    assert "robust z 41" in html  # the signal
    assert t("not_diagnosed") in _section(html, "inc-diagnosis")
    assert re.search(r'data-verb="acknowledge"\s*>', html)  # enabled while open
    assert re.search(r'data-verb="close"\s+disabled', html)  # not allowed from open


async def test_incident_page_timeline_is_in_time_order(client: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    iid = await _incident(client)
    clock.advance(60)
    await client.post(f"/api/v1/incidents/{iid}/acknowledge", json={"actor": "bob"})
    clock.advance(60)
    await client.post(f"/api/v1/incidents/{iid}/comments", json={"text": "zzz-later"})
    html = (await client.get(f"/incidents/{iid}")).text
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps == sorted(stamps) and len(stamps) >= 4
    assert html.index("open → acknowledged by bob") < html.index("zzz-later")


async def test_incident_page_shows_ranked_diagnosis(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    iid = await _incident(client)
    with runtime.sessions.begin() as s:
        repo = IncidentRepo(s)
        inc = repo.get(iid)
        assert inc is not None
        repo.save(
            inc.model_copy(
                update={
                    "diagnosis": {
                        "candidates": [
                            {
                                "ci": "sulu-db",
                                "score": 2.1,
                                "confidence": 0.83,
                                "metric": "db_query_p95",
                                "evidence": ["db query p95 x12 from 03:00"],
                            },
                            {"ci": "sulu-app", "score": 0.4, "confidence": 0.2, "evidence": []},
                        ]
                    }
                }
            )
        )
    html = _section((await client.get(f"/incidents/{iid}")).text, "inc-diagnosis")
    assert t("not_diagnosed") not in html
    assert html.index(">sulu-db<") < html.index(">sulu-app<")
    assert "83%" in html and "db query p95 x12 from 03:00" in html


async def test_unknown_incident_is_a_404_html_page(client: httpx.AsyncClient) -> None:
    r = await client.get("/incidents/INC-nope")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "There is no incident INC-nope" in r.text
    assert 'href="/"' in r.text


async def test_untrusted_text_is_escaped_everywhere(client: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    evil = "<script>alert(1)</script>"
    iid = await _incident(client, summary=evil, labels={"alertname": f"x{evil}"})
    await _post(client, **{**LOG_LINES[0], "summary": f"log {evil}"})
    await client.post(f"/api/v1/incidents/{iid}/comments", json={"text": f"c {evil}"})
    for path in ("/", f"/incidents/{iid}", "/incidents/<b>x</b>"):
        html = (await client.get(path)).text
        assert "<script>alert(1)" not in html, path
        assert "<b>x" not in html
    html = (await client.get(f"/incidents/{iid}")).text
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # title, log, comment


async def test_static_files_and_vendored_uplot_are_served(client: httpx.AsyncClient) -> None:
    for path in (
        "/static/site.css",
        "/static/site.js",
        "/static/dashboard.js",
        "/static/incident.js",
        "/static/vendor/uplot/uPlot.iife.min.js",
        "/static/vendor/uplot/uPlot.min.css",
        "/static/vendor/uplot/LICENSE",
    ):
        r = await client.get(path)
        assert r.status_code == 200, path
    assert "uPlot" in (await client.get("/static/vendor/uplot/uPlot.iife.min.js")).text


# -- JSON for the dashboard and the charts -----------------------------------------


async def test_dashboard_json_has_services_and_incidents(client: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    iid = await _incident(client)
    clock.advance(125)
    body = (await client.get("/api/v1/dashboard")).json()
    sulu = next(s for s in body["services"] if s["name"] == "sulu")
    assert sulu["status"] == "degraded" and sulu["incidents"] == [iid]
    app_ci = next(c for c in sulu["cis"] if c["name"] == "sulu-app")
    assert app_ci["status"] == "degraded"
    assert [i["id"] for i in body["incidents"]] == [iid]
    row = body["incidents"][0]
    assert row["age"] == "2m" and row["alert_count"] == 1 and row["state"] == "open"


async def test_series_list_and_points(client: httpx.AsyncClient, runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    runtime.publish_samples(sulu_samples(clock(), minutes=2))
    items = (await client.get("/api/v1/series")).json()["items"]
    keys = {i["key"] for i in items}
    key = "sulu_http_requests_total{route=/orders,status=500}"
    assert key in keys and "sulu_db_pool_in_use" in keys
    one = next(i for i in items if i["key"] == key)
    assert one == {
        "key": key,
        "name": "sulu_http_requests_total",
        "labels": {"route": "/orders", "status": "500"},
        "service": "sulu",
        "ci": "sulu-app",
    }
    since = (clock() - timedelta(seconds=30)).isoformat()
    pts = (await client.get("/api/v1/series/points", params={"key": key, "since": since})).json()
    assert len(pts["points"]) == 7  # 30 s at 5 s steps, both ends
    assert all(len(p) == 2 for p in pts["points"])
    assert pts["points"] == sorted(pts["points"])


async def test_series_points_for_unknown_key_is_404_json(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/series/points", params={"key": "nope"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert (await client.get("/api/v1/series/points")).status_code == 422


async def test_charts_derive_rate_error_ratio_and_p95(
    client: httpx.AsyncClient, runtime: Runtime, clock
) -> None:  # type: ignore[no-untyped-def]
    fault = clock() - timedelta(minutes=3)
    runtime.publish_samples(sulu_samples(clock(), minutes=10, fault_at=fault))
    body = (await client.get("/api/v1/charts")).json()
    charts = {c["id"]: c for c in body["items"]}
    assert set(charts) == {"requests", "errors", "latency", "db_pool"}
    for c in charts.values():
        assert len(c["x"]) == len(c["y"]) > 100 and c["service"] == "sulu" and c["unit"]
    rate = [v for v in charts["requests"]["y"] if v is not None]
    assert all(12 < v < 28 for v in rate[6:])  # 20 ± 6 req/s once a window is full
    err = charts["errors"]["y"]
    assert err[-1] == pytest.approx(15.0, abs=0.5)  # %
    assert err[len(err) // 3] == pytest.approx(0.2, abs=0.1)
    p95 = charts["latency"]["y"]
    assert p95[-1] > 3 * p95[len(p95) // 3] > 0  # ms, slower after the fault


async def test_charts_without_data_are_empty_not_errors(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/charts")).json()
    assert [c["x"] for c in body["items"]] == [[], [], [], []]


async def test_marks_give_alert_resolve_and_signal_times(client: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    await _post(client, **ERROR_BURST)
    clock.advance(30)
    await _post(client, **SIGNAL)
    clock.advance(30)
    await _post(client, **{**ERROR_BURST, "status": "resolved"})
    await _post(client, **{**ERROR_BURST, "service": "billing", "ci": None})
    since = (clock() - timedelta(minutes=5)).isoformat()
    items = (await client.get("/api/v1/marks", params={"service": "sulu", "since": since})).json()[
        "items"
    ]
    kinds = [m["kind"] for m in items]
    assert kinds.count("alert") == 2 and "signal" in kinds and "resolved" in kinds
    assert [m["t"] for m in items] == sorted(m["t"] for m in items)
    assert all(m["service"] == "sulu" for m in items)
    assert set(items[0]) == {"at", "t", "kind", "label", "severity", "service", "incident_id"}
    later = (
        await client.get(
            "/api/v1/marks",
            params={"service": "sulu", "since": (clock() + timedelta(seconds=1)).isoformat()},
        )
    ).json()
    assert later["items"] == []


async def test_marks_rejects_a_bad_since(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/marks", params={"since": "yesterday"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "since"]


# -- pure shaping --------------------------------------------------------------------


def _inc(iid: str, severity: Severity, cis: list[str], state: str = "open") -> Incident:
    from tests.conftest import FixedClock

    now = FixedClock()()
    return Incident(
        id=iid,
        title=iid,
        service="sulu",
        cis=cis,
        severity=severity,
        state=state,
        opened_at=now,
        updated_at=now,
    )


def test_service_health_takes_the_worst_active_incident() -> None:
    cmdb = Cmdb.model_validate(
        {
            "services": [{"name": "sulu"}, {"name": "billing"}],
            "cis": [
                {"name": "db", "type": "database", "service": "sulu"},
                {"name": "app", "type": "app", "service": "sulu"},
            ],
        }
    )
    out = service_health(
        cmdb,
        [
            _inc("a", Severity.warning, ["app"]),
            _inc("b", Severity.critical, ["db"]),
            _inc("c", Severity.critical, ["app"], state="mitigated"),  # workaround in place
        ],
    )
    assert [s.name for s in out] == ["sulu", "billing"]  # worst first
    sulu = out[0]
    assert sulu.status is Health.down
    assert {c.name: c.status for c in sulu.cis} == {"db": Health.down, "app": Health.degraded}
    assert out[1].status is Health.ok


def test_service_health_without_cmdb_lists_services_named_by_incidents() -> None:
    out = service_health(None, [_inc("a", Severity.info, [])])
    assert [(s.name, s.status) for s in out] == [("sulu", Health.ok)]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {},
        {"candidates": "junk"},
        {"candidates": [1, None]},
        {"candidates": [{"confidence": math.nan, "evidence": "x"}]},
    ],
    ids=["none", "empty", "not-a-list", "not-dicts", "odd-values"],
)
def test_diagnosis_of_odd_shapes_never_raises(raw: dict[str, Any] | None) -> None:
    candidates, summary = views.diagnosis(raw)
    assert isinstance(candidates, list) and isinstance(summary, str)


@pytest.mark.parametrize(
    ("seconds", "text"), [(-5, "0s"), (59, "59s"), (61, "1m"), (3725, "1h 02m"), (90000, "1d 1h")]
)
def test_age_is_compact(seconds: float, text: str) -> None:
    assert views.age(seconds) == text


def test_every_language_uses_known_keys() -> None:
    for lang, table in STRINGS.items():
        assert set(table) <= set(STRINGS["en"]), lang
    assert t("no_such_key") == "no_such_key"


async def test_nan_points_become_null_and_do_not_break_charts(
    client: httpx.AsyncClient, runtime: Runtime, clock
) -> None:  # type: ignore[no-untyped-def]
    from aiops.model import Sample

    runtime.publish_samples(
        [
            Sample(name="sulu_db_pool_in_use", value=v, timestamp=clock() + timedelta(seconds=k))
            for k, v in enumerate([1.0, math.nan, math.inf, 2.0])
        ]
    )
    pts = (await client.get("/api/v1/series/points", params={"key": "sulu_db_pool_in_use"})).json()
    assert [v for _, v in pts["points"]] == [1.0, None, None, 2.0]
    r = await client.get("/api/v1/charts")
    pool = next(c for c in r.json()["items"] if c["id"] == "db_pool")
    assert r.status_code == 200 and pool["y"] == [1.0, 2.0]
