"""An app over a real store (SQLite and PostgreSQL), called through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from aiops.config import Settings
from aiops.runtime import ConfigSet, Runtime
from aiops.web import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sulu"


@pytest.fixture
def runtime(db_url: str, clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AIOPS_INGEST_TOKEN", raising=False)
    settings = Settings(database_url=db_url, config_dir=EXAMPLES)
    rt = Runtime(settings, config=ConfigSet.load(EXAMPLES), clock=clock)
    yield rt
    rt.close()


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime.settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://aiops.test") as c:
        yield c
    await runtime.aclose()


def rejected(client_metrics: str, source: str, reason: str) -> float:
    """Read `aiops_ingest_rejected_total{source,reason}` from a /metrics text."""
    from prometheus_client.parser import text_string_to_metric_families

    for fam in text_string_to_metric_families(client_metrics):
        if fam.name == "aiops_ingest_rejected":
            for s in fam.samples:
                if s.name.endswith("_total") and s.labels == {"source": source, "reason": reason}:
                    return s.value
    return 0.0
