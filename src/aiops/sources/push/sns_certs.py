"""The real `CertLoader`: fetch an SNS signing certificate over HTTPS with httpx.

Kept apart from `sns_signature` so that module stays pure. The URL is checked again
here (defence in depth: a loader must never be pointed elsewhere), redirects are not
followed and the answer is capped, so a verifier cannot be turned into a fetcher of
arbitrary URLs or a memory sink.
"""

from __future__ import annotations

import httpx

from aiops.sources.push.sns_signature import CertLoader, is_sns_url

MAX_CERT_BYTES = 64 * 1024


def https_cert_loader(client: httpx.Client, *, max_bytes: int = MAX_CERT_BYTES) -> CertLoader:
    """A loader over `client` (give it a timeout). Errors raise; the verifier makes them 503."""

    def load(url: str) -> bytes:
        if not is_sns_url(url, pem=True):
            raise ValueError(f"refusing to fetch a certificate from {url!r}")
        response = client.get(url, follow_redirects=False)
        response.raise_for_status()
        if len(response.content) > max_bytes:
            raise ValueError(f"certificate at {url} is over {max_bytes} bytes")
        return response.content

    return load
