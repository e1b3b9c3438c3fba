"""One sender per channel type, each speaking the real protocol.

    slack    POST incoming-webhook URL, JSON {"text": ...}
    zulip    POST {server}/api/v1/messages, basic auth bot e-mail:API key, form-encoded
             type=stream, to, topic, content; answer {"result": "success"}
    email    SMTP (optional STARTTLS and login), one text/plain message
    webhook  POST JSON {id, event, subject, body, lang, incident_id, change_id, data};
             X-Aiops-Signature: sha256=<HMAC of the body> when a secret is set (n8n)

A sender raises `Retryable` (connection trouble, 429, 5xx) or `Permanent` (any other 4xx,
a missing secret): the outbox retries the first and dead-letters the second at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
from collections.abc import Callable, Mapping
from email.message import EmailMessage

import httpx

from aiops.errors import Permanent, Retryable
from aiops.model.itsm import Notification
from aiops.model.policy_itsm import Channel

HttpFactory = Callable[[float], httpx.Client]


def _url(ch: Channel, env: Mapping[str, str]) -> str:
    url = ch.url or (env.get(ch.url_env) if ch.url_env else None)
    if not url:
        raise Permanent(f"{ch.type}: no URL (set url or url_env)")
    return url


def _check(resp: httpx.Response, what: str) -> None:
    if resp.status_code == 429 or resp.status_code >= 500:
        raise Retryable(f"{what}: HTTP {resp.status_code}")
    if resp.status_code >= 400:
        raise Permanent(f"{what}: HTTP {resp.status_code}: {resp.text[:200]}")


def _post(http: HttpFactory, ch: Channel, url: str, what: str, **kw: object) -> httpx.Response:
    try:
        with http(ch.timeout_s) as client:
            resp = client.post(url, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        raise Retryable(f"{what}: {exc!r}") from exc
    _check(resp, what)
    return resp


def send_slack(ch: Channel, n: Notification, http: HttpFactory, env: Mapping[str, str]) -> None:
    _post(http, ch, _url(ch, env), "slack", json={"text": f"*{n.subject}*\n{n.body}"})


def send_zulip(ch: Channel, n: Notification, http: HttpFactory, env: Mapping[str, str]) -> None:
    key = env.get(ch.api_key_env or "", "")
    if not ch.bot_email or not key:
        raise Permanent("zulip: bot_email and api_key_env are required")
    url = _url(ch, env).rstrip("/") + "/api/v1/messages"
    data = {
        "type": "stream",
        "to": ch.stream,
        "topic": (n.recipient or n.subject)[:60],
        "content": f"**{n.subject}**\n{n.body}",
    }
    resp = _post(http, ch, url, "zulip", data=data, auth=(ch.bot_email, key))
    try:
        ok = resp.json().get("result") == "success"
    except ValueError:
        ok = False
    if not ok:
        raise Permanent(f"zulip: unexpected answer {resp.text[:200]}")


def send_webhook(ch: Channel, n: Notification, http: HttpFactory, env: Mapping[str, str]) -> None:
    body = json.dumps(
        {
            "id": n.id,
            "event": n.event,
            "subject": n.subject,
            "body": n.body,
            "lang": n.lang,
            "incident_id": n.incident_id,
            "change_id": n.change_id,
            "data": n.data,
        },
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")
    headers = {"Content-Type": "application/json", "X-Aiops-Event": n.event}
    if ch.secret_env:
        secret = env.get(ch.secret_env)
        if not secret:
            raise Permanent(f"webhook: secret variable {ch.secret_env} is not set")
        sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Aiops-Signature"] = f"sha256={sig}"
    _post(http, ch, _url(ch, env), "webhook", content=body, headers=headers)


def send_email(ch: Channel, n: Notification, http: HttpFactory, env: Mapping[str, str]) -> None:
    if not n.recipient:
        raise Permanent("email: no recipient address")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = ch.sender, n.recipient, n.subject
    msg["X-Aiops-Event"] = n.event
    msg.set_content(n.body)
    try:
        with smtplib.SMTP(ch.smtp_host, ch.smtp_port, timeout=ch.timeout_s) as smtp:
            if ch.starttls:
                smtp.starttls()
            user = env.get(ch.username_env or "")
            if user:
                smtp.login(user, env.get(ch.password_env or "", ""))
            smtp.send_message(msg)
    except smtplib.SMTPResponseException as exc:
        err = Retryable if 400 <= exc.smtp_code < 500 else Permanent
        raise err(f"email: SMTP {exc.smtp_code} {exc.smtp_error!r}") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise Retryable(f"email: {exc!r}") from exc


SENDERS = {"slack": send_slack, "zulip": send_zulip, "webhook": send_webhook, "email": send_email}


def send(
    ch: Channel,
    n: Notification,
    *,
    http: HttpFactory | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    SENDERS[ch.type](
        ch, n, http or (lambda t: httpx.Client(timeout=t)), env if env is not None else os.environ
    )


__all__ = ["SENDERS", "send"]
