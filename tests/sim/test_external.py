"""The external API answers quickly, hangs when told to, and rejects bad control input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from aiops.sim.external import create_app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://ext") as c:
        yield c


async def test_recommendations_are_three_ids(client: httpx.AsyncClient) -> None:
    resp = await client.get("/v1/recommendations", params={"article_id": 5})
    assert resp.status_code == 200 and len(resp.json()["ids"]) == 3


async def test_bad_article_id_is_400(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/recommendations", params={"article_id": "x"})).status_code == 400
    assert (await client.get("/v1/recommendations")).status_code == 400


async def test_hang_holds_calls_and_is_capped(client: httpx.AsyncClient) -> None:
    resp = await client.post("/control/hang", json={"on": True, "hang_s": 1e9})
    assert resp.json()["hang_s"] == 120.0
    call = client.get("/v1/recommendations", params={"article_id": 1})
    with pytest.raises(TimeoutError):  # ASGITransport ignores httpx timeouts
        await asyncio.wait_for(call, 0.2)
    await client.post("/control/hang", json={"on": False})
    assert (await client.get("/v1/recommendations", params={"article_id": 1})).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'{"on": "yes"}',
        b'{"hang_s": 3}',
        b'{"on": true, "hang_s": -1}',
        b'{"on": true, "hang_s": NaN}',
    ],
    ids=["bad-json", "array", "on-string", "on-missing", "negative", "nan"],
)
async def test_bad_hang_body_is_400(client: httpx.AsyncClient, body: bytes) -> None:
    resp = await client.post("/control/hang", content=body)
    assert resp.status_code == 400 and "bad request" in resp.json()["message"]
