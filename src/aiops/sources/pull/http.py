"""One bounded HTTP GET for the HTTP sources, with failures sorted by reason."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from aiops.sources.pull.health import ErrorReason


class FetchError(Exception):
    """A GET that did not give a usable body; `reason` is the metric label."""

    def __init__(self, reason: ErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    content_type: str


def make_client(
    timeout_s: float, headers: dict[str, str], transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_s),
        headers=headers,
        transport=transport,
        follow_redirects=True,
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    params: dict[str, str] | None = None,
    check_status: bool = True,
) -> Fetched:
    """GET `url` and read at most `max_bytes` of body.

    Raises FetchError for timeouts, refused connections, oversize bodies and (when
    `check_status`) HTTP >= 400, so callers only record `exc.reason`.
    """
    try:
        async with client.stream("GET", url, params=params) as resp:
            if check_status and resp.status_code >= 400:
                raise FetchError(ErrorReason.http_status, f"GET {url}: HTTP {resp.status_code}")
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        ErrorReason.too_large, f"GET {url}: body over {max_bytes} bytes"
                    )
                chunks.append(chunk)
            ctype = resp.headers.get("content-type", "")
            return Fetched(resp.status_code, b"".join(chunks), ctype)
    except httpx.TimeoutException as exc:
        raise FetchError(
            ErrorReason.timeout, f"GET {url}: timed out ({type(exc).__name__})"
        ) from exc
    except httpx.HTTPError as exc:
        # ConnectError, RemoteProtocolError, ReadError...: the target is gone or broken.
        raise FetchError(ErrorReason.connect, f"GET {url}: {type(exc).__name__}: {exc}") from exc
