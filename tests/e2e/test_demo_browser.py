"""The whole product, as `make demo` runs it: a live sulu, a real fault, the incident on
the page. Starts `aiops demo` as a child process, waits for the scripted fault to become
an incident, opens the dashboard and the incident page in Debian's Chromium, saves
screenshots (with AIOPS_SAVE_SCREENSHOTS=1 also to docs/screenshots/demo-*.png), then
stops the demo with Ctrl-C and checks it exits cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _first_incident(url: str, timeout_s: float) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            items = httpx.get(f"{url}/api/v1/incidents", timeout=5).json()["items"]
            if items:
                return items[-1]
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(1)
    raise AssertionError(f"no incident within {timeout_s:.0f} s")


def test_a_live_fault_becomes_an_incident_on_the_page(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "AIOPS_INGEST_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiops.cli", "demo", "--port", str(port), "--data-dir",
         str(tmp_path / "demo")],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        incident = _first_incident(url, timeout_s=150)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            try:
                page.goto(url + "/")
                expect(page.get_by_role("link", name=incident["title"]).first).to_be_visible(
                    timeout=15_000)
                page.wait_for_selector('[data-chart] canvas')
                _save(page, tmp_path, "demo-dashboard")
                page.goto(f"{url}/incidents/{incident['id']}")
                expect(page.locator("h1")).to_contain_text(incident["title"][:40])
                expect(page.locator("#inc-timeline")).to_contain_text("Incident opened")
                _save(page, tmp_path, "demo-incident")
            finally:
                browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode == 0, out[-2000:]
    assert "every child process ended" in out


def _save(page, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("AIOPS_SAVE_SCREENSHOTS") == "1":
        out = REPO / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, out / shot.name)
