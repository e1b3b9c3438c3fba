"""Notifications: templates (ja/en), senders (Slack, Zulip, SMTP, webhook), the outbox."""

from aiops.itsm.notify.outbox import RepoScope, Target, deliver_due, notify, plan
from aiops.itsm.notify.senders import SENDERS, send
from aiops.itsm.notify.templates import TEMPLATES, render

__all__ = [
    "SENDERS",
    "TEMPLATES",
    "RepoScope",
    "Target",
    "deliver_due",
    "notify",
    "plan",
    "render",
    "send",
]
