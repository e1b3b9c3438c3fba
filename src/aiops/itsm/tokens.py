"""Signed one-time approval links: HMAC-SHA256, short TTL, bound to the exact parameters.

    token = base64url(payload JSON) "." base64url(HMAC-SHA256(secret, payload))
    payload = {"c": change id, "a": approver, "d": approve|deny, "h": params hash,
               "e": expiry (unix s), "n": nonce}

`verify` checks, in order: shape, signature (constant time), expiry, that the change's
current `params_hash` is the one signed (so editing the change voids its links), and the
caller then spends the nonce in the store (a second use is a replay). Each refusal has a
stable reason code for the audit record.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiops.errors import AiopsError


class LinkRefused(AiopsError):
    """A link that must not be honoured; `code` says why (expired, tampered, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code, status=403 if code != "link_expired" else 410)


def params_hash(runbook: str, params: dict[str, Any]) -> str:
    body = json.dumps(
        {"runbook": runbook, "params": params},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class LinkClaim:
    change_id: str
    approver: str
    decision: str
    params_hash: str
    expires: int
    nonce: str


def sign(
    secret: bytes,
    *,
    change_id: str,
    approver: str,
    decision: str,
    params_hash: str,
    now: datetime,
    ttl_s: float,
    nonce: str | None = None,
) -> str:
    if decision not in ("approve", "deny"):
        raise ValueError("decision must be approve or deny")
    payload = {
        "c": change_id,
        "a": approver,
        "d": decision,
        "h": params_hash,
        "e": int(now.timestamp() + ttl_s),
        "n": nonce or secrets.token_hex(16),
    }
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
    mac = hmac.new(secret, raw, hashlib.sha256).digest()
    return f"{_b64(raw)}.{_b64(mac)}"


def verify(secret: bytes, token: str, *, now: datetime) -> LinkClaim:
    """The claim of a genuine, unexpired token; LinkRefused otherwise (nonce not spent here)."""
    if not isinstance(token, str) or len(token) > 2048 or token.count(".") != 1:
        raise LinkRefused("link_malformed", "approval link is malformed")
    body, sig = token.split(".")
    try:
        raw, mac = _unb64(body), _unb64(sig)
    except (ValueError, TypeError):
        raise LinkRefused("link_malformed", "approval link is malformed") from None
    if not hmac.compare_digest(mac, hmac.new(secret, raw, hashlib.sha256).digest()):
        raise LinkRefused("link_tampered", "approval link signature does not match")
    try:
        p = json.loads(raw)
        claim = LinkClaim(
            str(p["c"]), str(p["a"]), str(p["d"]), str(p["h"]), int(p["e"]), str(p["n"])
        )
    except (ValueError, KeyError, TypeError):
        raise LinkRefused("link_malformed", "approval link payload is malformed") from None
    if now.timestamp() > claim.expires:
        raise LinkRefused("link_expired", "approval link has expired")
    return claim


__all__ = ["LinkClaim", "LinkRefused", "params_hash", "sign", "verify"]
