"""Senders speak each protocol to a local server; the outbox retries and dead-letters."""

from __future__ import annotations

import hashlib
import hmac
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from aiops.errors import Permanent, Retryable
from aiops.itsm.notify import deliver_due, notify, plan, render, send
from aiops.model.itsm import Notification, NotificationState
from aiops.model.policy_itsm import Channel, NotificationPolicy

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def note(**over: object) -> Notification:
    base = {
        "id": "n1",
        "channel": "c",
        "recipient": "ops@example.test",
        "event": "sla.breached",
        "subject": "S",
        "body": "B",
        "dedup_key": "k",
        "next_at": NOW,
        "created_at": NOW,
        "incident_id": "INC-1",
    }
    return Notification.model_validate({**base, **over})


def test_slack_posts_json_text_to_the_hook(server) -> None:  # type: ignore[no-untyped-def]
    send(Channel(type="slack", url=server.url + "/hook"), note())
    seen = server.seen[0]
    assert (seen.method, seen.path, seen.headers["content-type"]) == (
        "POST",
        "/hook",
        "application/json",
    )
    assert seen.json() == {"text": "*S*\nB"}


def test_zulip_posts_a_stream_message_with_basic_auth(server) -> None:  # type: ignore[no-untyped-def]
    server.reply = lambda s: (200, {"result": "success", "msg": "", "id": 42})
    ch = Channel(
        type="zulip", url=server.url, bot_email="bot@z.test", api_key_env="ZK", stream="ops"
    )
    send(ch, note(recipient="sulu"), env={"ZK": "key123"})
    seen = server.seen[0]
    assert seen.path == "/api/v1/messages"
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    import base64

    assert (
        seen.headers["authorization"] == "Basic " + base64.b64encode(b"bot@z.test:key123").decode()
    )
    form = {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}
    assert form == {"type": "stream", "to": "ops", "topic": "sulu", "content": "**S**\nB"}
    server.reply = lambda s: (200, {"result": "error", "msg": "stream does not exist"})
    with pytest.raises(Permanent):
        send(ch, note(), env={"ZK": "key123"})


def test_webhook_is_signed_for_n8n(server) -> None:  # type: ignore[no-untyped-def]
    send(
        Channel(type="webhook", url=server.url + "/n8n", secret_env="WS"),
        note(),
        env={"WS": "sekret"},
    )
    seen = server.seen[0]
    want = hmac.new(b"sekret", seen.body, hashlib.sha256).hexdigest()
    assert seen.headers["x-aiops-signature"] == f"sha256={want}"
    assert seen.json()["event"] == "sla.breached" and seen.json()["incident_id"] == "INC-1"


@pytest.mark.parametrize(
    ("status", "error"), [(503, Retryable), (429, Retryable), (400, Permanent)]
)
def test_http_errors_are_retryable_or_permanent(server, status, error) -> None:  # type: ignore[no-untyped-def]
    server.reply = lambda s: (status, "x")
    with pytest.raises(error):
        send(Channel(type="slack", url=server.url), note())


@contextmanager
def smtp_server() -> Iterator[tuple[int, list]]:  # type: ignore[type-arg]
    from aiosmtpd.controller import Controller

    got: list = []  # type: ignore[type-arg]

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            got.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctl = Controller(Handler(), hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield port, got
    finally:
        ctl.stop()


def test_email_goes_through_smtp() -> None:
    with smtp_server() as (port, got):
        send(
            Channel(type="email", smtp_port=port, sender="aiops@example.test"),
            note(subject="SLA 違反", body="本文"),
        )
    env = got[0]
    assert env.mail_from == "aiops@example.test" and env.rcpt_tos == ["ops@example.test"]
    import email
    from email import policy

    msg = email.message_from_bytes(env.content, policy=policy.default)
    assert msg["Subject"] == "SLA 違反" and msg["X-Aiops-Event"] == "sla.breached"
    assert msg.get_content().strip() == "本文"


def test_templates_render_in_japanese_and_english() -> None:
    s_ja, b_ja = render(
        "sla.breached",
        "ja",
        {"service": "sulu", "incident_id": "I1", "clock": "resolution", "priority": 1, "due": "t"},
    )
    s_en, _ = render("sla.breached", "en", {"service": "sulu", "incident_id": "I1"})
    assert "SLA 違反" in s_ja and "I1" in s_ja and "P1" in b_ja
    assert s_en.startswith("[sulu] SLA BREACHED") and "(?)" in s_en  # missing field → ?


def test_the_escalation_matrix_picks_by_event_priority_service_and_age() -> None:
    pol = NotificationPolicy.model_validate(
        {
            "channels": {
                "slack": {"type": "slack", "url": "http://x"},
                "mail": {"type": "email", "lang": "ja"},
            },
            "matrix": [
                {"events": ["change.*"], "notify": [{"channel": "slack"}]},
                {
                    "events": ["sla.*"],
                    "priorities": [1, 2],
                    "services": ["sulu"],
                    "notify": [{"channel": "mail", "to": "oncall@example.test"}],
                },
                {
                    "events": ["sla.*"],
                    "priorities": [1],
                    "after_s": "30m",
                    "notify": [{"channel": "mail", "to": "boss@example.test", "lang": "en"}],
                },
            ],
        }
    )
    assert [t.channel for t in plan("change.failed", pol, priority=3, service="x")] == ["slack"]
    assert plan("sla.breached", pol, priority=3, service="sulu") == []
    early = plan("sla.breached", pol, priority=1, service="sulu", age_s=60)
    assert [(t.to, t.lang) for t in early] == [("oncall@example.test", "ja")]
    late = plan("sla.breached", pol, priority=1, service="sulu", age_s=3600)
    assert [t.to for t in late] == ["oncall@example.test", "boss@example.test"]


def test_unknown_channel_in_the_matrix_is_a_config_error() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="unknown channel 'nope'"):
        NotificationPolicy.model_validate({"matrix": [{"notify": [{"channel": "nope"}]}]})


class MemRepo:
    """Just the outbox part of the repo."""

    def __init__(self) -> None:
        self.items: dict[str, Notification] = {}
        self.audits: list[str] = []

    def enqueue(self, n: Notification) -> bool:
        if any(x.dedup_key == n.dedup_key for x in self.items.values()):
            return False
        self.items[n.id] = n
        return True

    def due_notifications(self, now, *, limit=50):  # type: ignore[no-untyped-def]
        return [
            n
            for n in self.items.values()
            if n.state is NotificationState.pending and n.next_at <= now
        ]

    def save_notification(self, n: Notification) -> None:
        self.items[n.id] = n

    def audit(self, **kw) -> None:  # type: ignore[no-untyped-def]
        self.audits.append(kw["action"])


def test_delivery_retries_with_backoff_then_dead_letters() -> None:
    repo: Any = MemRepo()
    pol = NotificationPolicy.model_validate(
        {
            "channels": {"hook": {"type": "webhook", "url": "http://x"}},
            "matrix": [{"notify": [{"channel": "hook"}]}],
            "max_attempts": 3,
            "retry_base_s": 10,
        }
    )

    @contextmanager
    def scope():  # type: ignore[no-untyped-def]
        yield repo

    queued = notify(
        repo,
        "change.failed",
        {"change_id": "C1"},
        policy=pol,
        priority=2,
        service="sulu",
        now=NOW,
        key="C1",
    )
    again = notify(
        repo,
        "change.failed",
        {"change_id": "C1"},
        policy=pol,
        priority=2,
        service="sulu",
        now=NOW,
        key="C1",
    )
    assert len(queued) == 1 and again == []  # deduplicated

    def down(ch, n):  # type: ignore[no-untyped-def]
        raise Retryable("connection refused")

    t = NOW
    assert deliver_due(scope, pol, now=t, sender=down) == {"sent": 0, "retry": 1, "dead": 0}
    assert (
        deliver_due(scope, pol, now=t + timedelta(seconds=9), sender=down)["retry"] == 0
    )  # not due
    assert deliver_due(scope, pol, now=t + timedelta(seconds=10), sender=down)["retry"] == 1
    assert deliver_due(scope, pol, now=t + timedelta(seconds=31), sender=down)["dead"] == 1
    n = next(iter(repo.items.values()))
    assert n.state is NotificationState.dead and n.attempts == 3 and repo.audits == ["dead_letter"]


def test_a_permanent_error_dead_letters_at_once_and_success_is_recorded() -> None:
    repo: Any = MemRepo()
    pol = NotificationPolicy.model_validate(
        {
            "channels": {"hook": {"type": "webhook", "url": "http://x"}},
            "matrix": [{"notify": [{"channel": "hook"}]}],
        }
    )

    @contextmanager
    def scope():  # type: ignore[no-untyped-def]
        yield repo

    notify(repo, "a.b", {}, policy=pol, priority=None, service=None, now=NOW, key="1")
    notify(repo, "a.c", {}, policy=pol, priority=None, service=None, now=NOW, key="2")

    def sender(ch, n):  # type: ignore[no-untyped-def]
        if n.event == "a.b":
            raise Permanent("HTTP 404")

    assert deliver_due(scope, pol, now=NOW, sender=sender) == {"sent": 1, "retry": 0, "dead": 1}
