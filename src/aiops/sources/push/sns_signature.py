"""Amazon SNS message signature verification (SignatureVersion 1 and 2).

SNS signs a canonical "string to sign": for each key below that the message has, in
this order, `Key\\nValue\\n` (`Subject` only when present).

- Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type
- SubscriptionConfirmation / UnsubscribeConfirmation:
  Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type

`Signature` is base64 RSA PKCS#1 v1.5 over it, SHA-1 for version 1 and SHA-256 for
version 2, by the key of the certificate at `SigningCertURL`. That URL is only
trusted on `https://sns.<region>.amazonaws.com[.cn]/...pem` (no port, no user info),
so a forged message cannot point us at a certificate of its own. Fetching is a
pluggable `CertLoader` (url -> PEM bytes), so this module stays pure and tests sign
with a local key.

Outcomes: a bad or unverifiable signature -> `Unauthorized` (401, code
`invalid_signature`; SNS does not retry 4xx); a loader failure -> `Retryable` (503:
SNS retries later).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from aiops.errors import ErrorDetail, Retryable, Unauthorized

CertLoader = Callable[[str], bytes]

NOTIFICATION_KEYS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_KEYS = (
    "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
)  # fmt: skip
_SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?")
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}


def is_sns_url(url: Any, *, pem: bool = False) -> bool:
    """True for an https URL on an SNS host (a `.pem` path when `pem`)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and port is None
        and "@" not in parts.netloc
        and _SNS_HOST.fullmatch(parts.hostname or "") is not None
        and (not pem or parts.path.endswith(".pem"))
    )


def string_to_sign(message: Mapping[str, Any]) -> bytes:
    """The canonical bytes SNS signed; raises `ValueError` naming a missing key."""
    keys = NOTIFICATION_KEYS if message.get("Type") == "Notification" else CONFIRMATION_KEYS
    out: list[str] = []
    for key in keys:
        value = message.get(key)
        if key == "Subject" and value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(key)
        out.append(f"{key}\n{value}\n")
    return "".join(out).encode("utf-8")


@dataclass
class SnsVerifier:
    """Checks SNS signatures; certificates are loaded through `load_cert` and cached.

    Without `load_cert`, the first certificate needed builds the real HTTPS loader
    (`sns_certs.https_cert_loader`, 5 s timeout); tests and offline setups pass their own.
    """

    load_cert: CertLoader | None = None
    max_cached: int = 16
    _cache: dict[str, x509.Certificate] = field(default_factory=dict, init=False, repr=False)

    def verify(self, message: Mapping[str, Any], *, now: datetime) -> None:
        """Return if `message` is signed by SNS; raise `Unauthorized` / `Retryable` if not."""
        version = message.get("SignatureVersion")
        algorithm = _HASHES.get(version) if isinstance(version, str) else None
        if algorithm is None:
            _deny("SignatureVersion", f'expected "1" or "2", got {version!r}')
        url = message.get("SigningCertURL")
        if not isinstance(url, str) or not is_sns_url(url, pem=True):
            _deny("SigningCertURL", f"not an https://sns.<region>.amazonaws.com/ .pem URL: {url!r}")
        try:
            signature = base64.b64decode(message.get("Signature") or "", validate=True)
        except (binascii.Error, TypeError, ValueError):
            _deny("Signature", "not base64")
        if not signature:
            _deny("Signature", "missing")
        try:
            signed = string_to_sign(message)
        except ValueError as exc:
            _deny(str(exc), "field required for the signature")
        cert = self._certificate(url)
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            _deny("SigningCertURL", "the signing certificate is not valid at this time")
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            _deny("SigningCertURL", "the signing certificate has no RSA key")
        try:
            key.verify(signature, signed, padding.PKCS1v15(), algorithm())
        except InvalidSignature:
            _deny("Signature", "signature does not match the message")

    def _certificate(self, url: str) -> x509.Certificate:
        cached = self._cache.get(url)
        if cached is not None:
            return cached
        if self.load_cert is None:
            self.load_cert = _default_loader()
        try:
            pem = self.load_cert(url)
        except Exception as exc:  # the loader is pluggable: any failure is "try later"
            raise Retryable(f"SNS signing certificate {url}: {exc}") from exc
        try:
            cert = x509.load_pem_x509_certificate(pem)
        except ValueError:
            _deny("SigningCertURL", "the signing certificate is not a PEM X.509 certificate")
        if len(self._cache) >= self.max_cached:
            self._cache.pop(next(iter(self._cache)))
        self._cache[url] = cert
        return cert


def _default_loader() -> CertLoader:
    import httpx  # only the real loader needs the network stack

    from aiops.sources.push.sns_certs import https_cert_loader

    return https_cert_loader(httpx.Client(timeout=5.0))


def _deny(key: str, msg: str) -> NoReturn:
    raise Unauthorized(
        "SNS signature verification failed",
        [ErrorDetail(("body", key), msg, "invalid_signature")],
        code="invalid_signature",
    )
