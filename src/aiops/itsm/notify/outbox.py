"""Who is told, and delivery with retries and a dead-letter record.

`notify` consults the escalation matrix (event, priority, service, incident age) and puts
one `Notification` per recipient in the outbox, deduplicated by key so a stage that runs
twice does not tell people twice. `deliver_due` sends what is due outside any
transaction, then records the result: sent; retried with exponential backoff; or, after
`max_attempts` (or a permanent error), `dead` with an audit record.
"""

from __future__ import annotations

import fnmatch
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from aiops.errors import AiopsError, Permanent
from aiops.itsm.notify.senders import send
from aiops.itsm.notify.templates import render
from aiops.itsm.ports import ItsmRepo
from aiops.model.itsm import Notification, NotificationState
from aiops.model.policy_itsm import Channel, NotificationPolicy

log = structlog.get_logger("aiops.notify")
RepoScope = Callable[[], AbstractContextManager[ItsmRepo]]
Sender = Callable[[Channel, Notification], None]


@dataclass(frozen=True)
class Target:
    channel: str
    to: str
    lang: str
    rule: int


def plan(
    event: str,
    policy: NotificationPolicy,
    *,
    priority: int | None,
    service: str | None,
    age_s: float = 0.0,
) -> list[Target]:
    """The recipients the matrix names for this event (first-listed rules first)."""
    out: list[Target] = []
    for i, rule in enumerate(policy.matrix):
        if not any(fnmatch.fnmatchcase(event, pat) for pat in rule.events):
            continue
        if priority is not None and priority not in rule.priorities:
            continue
        if rule.services and service not in rule.services:
            continue
        if age_s < rule.after_s:
            continue
        for r in rule.notify:
            ch = policy.channels[r.channel]
            out.append(Target(r.channel, r.to, r.lang or ch.lang or policy.lang, i))
    return out


def notify(
    repo: ItsmRepo,
    event: str,
    data: dict[str, Any],
    *,
    policy: NotificationPolicy,
    priority: int | None,
    service: str | None,
    now: datetime,
    key: str,
    incident_id: str | None = None,
    change_id: str | None = None,
    age_s: float = 0.0,
) -> list[Notification]:
    """Queue the notifications for `event`; `key` names the occurrence (for dedup)."""
    queued = []
    for t in plan(event, policy, priority=priority, service=service, age_s=age_s):
        subject, body = render(event, t.lang, {"service": service or "-", **data})
        n = Notification(
            id=uuid.uuid4().hex[:20],
            channel=t.channel,
            recipient=t.to,
            event=event,
            lang=t.lang,
            subject=subject,
            body=body,
            data=_plain(data),
            incident_id=incident_id,
            change_id=change_id,
            dedup_key=f"{event}:{key}:{t.channel}:{t.to}:{t.rule}"[:300],
            next_at=now,
            created_at=now,
        )
        if repo.enqueue(n):
            queued.append(n)
    return queued


def deliver_due(
    scope: RepoScope,
    policy: NotificationPolicy,
    *,
    now: datetime,
    sender: Sender | None = None,
    limit: int = 50,
) -> dict[str, int]:
    """Send what is due; returns counts by outcome (sent, retry, dead)."""
    with scope() as repo:
        due = repo.due_notifications(now, limit=limit)
    counts = {"sent": 0, "retry": 0, "dead": 0}
    for n in due:
        ch = policy.channels.get(n.channel)
        error: AiopsError | None = None
        try:
            if ch is None:
                raise Permanent(f"channel {n.channel!r} is no longer configured")
            (sender or (lambda c, m: send(c, m)))(ch, n)
        except AiopsError as exc:
            error = exc
        except Exception as exc:  # a sender bug must not stop the others
            error = AiopsError(f"{n.channel}: {exc!r}")
        updated = _after_attempt(n, error, policy, now)
        counts[
            "sent"
            if updated.state is NotificationState.sent
            else "dead"
            if updated.state is NotificationState.dead
            else "retry"
        ] += 1
        with scope() as repo:
            repo.save_notification(updated)
            if updated.state is NotificationState.dead:
                repo.audit(
                    actor="system",
                    entity="notification",
                    entity_id=n.id,
                    action="dead_letter",
                    before=None,
                    after={
                        "channel": n.channel,
                        "event": n.event,
                        "attempts": updated.attempts,
                        "error": updated.last_error,
                    },
                    now=now,
                )
                log.error(
                    "notification.dead",
                    id=n.id,
                    channel=n.channel,
                    attempts=updated.attempts,
                    error=updated.last_error,
                )
    return counts


def _after_attempt(
    n: Notification, error: AiopsError | None, policy: NotificationPolicy, now: datetime
) -> Notification:
    attempts = n.attempts + 1
    if error is None:
        return n.model_copy(
            update={
                "state": NotificationState.sent,
                "attempts": attempts,
                "sent_at": now,
                "last_error": None,
            }
        )
    permanent = isinstance(error, Permanent) or error.code == "permanent"
    if permanent or attempts >= policy.max_attempts:
        return n.model_copy(
            update={
                "state": NotificationState.dead,
                "attempts": attempts,
                "last_error": str(error)[:500],
            }
        )
    delay = policy.retry_base_s * 2 ** (attempts - 1)
    return n.model_copy(
        update={
            "attempts": attempts,
            "last_error": str(error)[:500],
            "next_at": now + timedelta(seconds=delay),
        }
    )


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool | None) else str(v) for k, v in data.items()
    }


__all__ = ["RepoScope", "Target", "deliver_due", "notify", "plan"]
