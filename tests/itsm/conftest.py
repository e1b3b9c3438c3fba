"""Fixtures: the recording local HTTP server (tests/local_http.py), and an ASGI client
over the app of the module's own `rt` runtime."""

from collections.abc import AsyncIterator

import httpx
import pytest
from tests.local_http import server  # noqa: F401

from aiops.runtime import Runtime
from aiops.web import create_app


@pytest.fixture
async def client(rt: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(rt.settings, runtime=rt)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://aiops.test"
    ) as c:
        yield c
