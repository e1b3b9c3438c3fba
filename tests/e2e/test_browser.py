"""The control site in a real browser: Debian's Chromium, driven by Playwright, against uvicorn.

Screenshots go to the test's tmp dir; with AIOPS_SAVE_SCREENSHOTS=1 also to
docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from tests.e2e.seed import ERROR_BURST, LOG_LINES, SIGNAL, sulu_samples

from aiops.config import Settings
from aiops.runtime import ConfigSet, Runtime
from aiops.web import create_app

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "sulu"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Site:
    url: str
    incident_id: str
    title: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(url: str, runtime: Runtime) -> tuple[str, str]:
    now = runtime.clock()
    runtime.publish_samples(sulu_samples(now, minutes=12, fault_at=now - timedelta(minutes=4)))
    with httpx.Client(base_url=url, timeout=10) as c:
        at = (now - timedelta(minutes=3, seconds=40)).isoformat()
        opened = c.post("/api/v1/events", json={**ERROR_BURST, "occurred_at": at}).json()
        iid = opened["incidents_opened"][0]
        for line in LOG_LINES:
            c.post("/api/v1/events", json={**line, "occurred_at": at})
        c.post(
            "/api/v1/events",
            json={**SIGNAL, "occurred_at": (now - timedelta(minutes=3, seconds=55)).isoformat()},
        )
        c.post(
            "/api/v1/events",
            json={
                "source": "batch",
                "service": "payments-batch",
                "severity": "warning",
                "summary": "nightly settlement file 40 min late",
                "labels": {"alertname": "SettlementLate"},
            },
        )
        c.post(
            f"/api/v1/incidents/{iid}/comments",
            json={
                "actor": "duty-manager",
                "text": "Customers report failed orders; paging app team.",
            },
        )
        title = c.get(f"/api/v1/incidents/{iid}").json()["title"]
    return iid, title


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.delenv("AIOPS_INGEST_TOKEN", raising=False)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'aiops.db'}", config_dir=EXAMPLES)
    runtime = Runtime(settings, config=ConfigSet.load(EXAMPLES))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, runtime=runtime),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    try:
        iid, title = _seed(url, runtime)
        yield Site(url, iid, title)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.close()


def _save(page, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("AIOPS_SAVE_SCREENSHOTS") == "1":
        out = REPO / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, out / shot.name)


DRAWN_PIXELS = """(sel) => {
  const c = document.querySelector(sel);
  if (!c || !c.width) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""


@pytest.mark.slow
def test_dashboard_and_incident_page_in_chromium(site: Site, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        try:
            page.goto(site.url + "/")
            expect(page.get_by_role("link", name=site.title)).to_be_visible()
            expect(page.locator(".service", has_text="sulu").locator(".health")).to_have_text(
                "Degraded"
            )
            page.wait_for_selector('[data-chart="errors"] canvas')
            page.wait_for_function("document.getElementById('refresh-status').textContent !== ''")
            assert page.evaluate(DRAWN_PIXELS, '[data-chart="errors"] canvas') > 2000
            expect(page.locator('[data-chart="errors"] .chart-now')).to_contain_text("%")
            _save(page, tmp_path, "dashboard")

            page.get_by_role("link", name=site.title).click()
            page.wait_for_url(f"**/incidents/{site.incident_id}")
            expect(page.locator("h1")).to_contain_text(site.title)
            expect(page.locator("#inc-timeline")).to_contain_text("paging app team")
            expect(page.locator("#inc-logs")).to_contain_text("database is locked")
            expect(page.locator("#inc-state")).to_have_text("open")
            page.get_by_role("button", name="Acknowledge").click()
            expect(page.locator("#inc-state")).to_have_text("acknowledged")
            expect(page.locator("#inc-timeline")).to_contain_text("open → acknowledged by web")
            expect(page.get_by_role("button", name="Acknowledge")).to_be_disabled()
            _save(page, tmp_path, "incident")

            page.locator("#comment-text").fill("<b>not bold</b>")
            page.get_by_role("button", name="Post comment").click()
            expect(page.locator("#inc-timeline")).to_contain_text("<b>not bold</b>")
            assert page.locator("#inc-timeline b").count() == 0
        finally:
            browser.close()
    assert problems == []
