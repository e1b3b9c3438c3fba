"""The baseline procedure (no AI): the runbook an incident's alerts name.

An alert carries its rule's `runbook` label (`rules.yaml`). A runbook answers to its own
name, to any of its `aliases`, and to the alert names in its `alerts` list; a known
error with a workaround runbook on the incident's problem wins over all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiops.act.runbook import Runbook
from aiops.model import Alert, EventStatus


@dataclass(frozen=True)
class BaselinePick:
    runbook: str
    params: dict[str, Any]
    why: str


def pick_runbook(
    alerts: Sequence[Alert], runbooks: dict[str, Runbook], known_error_runbook: str | None = None
) -> BaselinePick | None:
    if known_error_runbook and known_error_runbook in runbooks:
        return BaselinePick(known_error_runbook, {}, "known error workaround")
    firing = [a for a in alerts if a.state is EventStatus.firing] or list(alerts)
    by_label = {alias: rb.name for rb in runbooks.values() for alias in (rb.name, *rb.aliases)}
    for a in sorted(firing, key=lambda a: a.first_seen):
        label = a.labels.get("runbook")
        if label and label in by_label:
            return BaselinePick(by_label[label], {}, f"alert {a.name}: runbook label {label!r}")
        for rb in runbooks.values():
            if a.name in rb.alerts:
                return BaselinePick(rb.name, {}, f"alert {a.name} listed by runbook {rb.name}")
    return None


__all__ = ["BaselinePick", "pick_runbook"]
