"""What people do to an incident: acknowledge, resolve, close, reopen, comment.

Each command is one transition checked by `lifecycle`, one audit record, one timeline
entry. The repository is a Protocol so this module stays free of SQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from aiops.correlate.lifecycle import transition
from aiops.errors import ErrorDetail, InvalidInput, NotFound
from aiops.model import Incident, IncidentState, TimelineEntry


class IncidentCommandRepo(Protocol):
    def get(self, incident_id: str, *, for_update: bool = False) -> Incident | None: ...
    def save(self, incident: Incident) -> None: ...
    def add_timeline(self, incident_id: str, entry: TimelineEntry) -> None: ...
    def audit(
        self,
        *,
        actor: str,
        entity_id: str,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        now: datetime,
    ) -> None: ...


MAX_TEXT = 10_000


def _load(repo: IncidentCommandRepo, incident_id: str) -> Incident:
    inc = repo.get(incident_id, for_update=True)
    if inc is None:
        raise NotFound(f"incident {incident_id!r} not found")
    return inc


def _check_text(text: str | None, field: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput("comment text is empty", [ErrorDetail((field,), "must not be empty")])
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "text too long",
            [ErrorDetail((field,), f"at most {MAX_TEXT} characters, got {len(text)}")],
        )
    return text


def change_state(
    repo: IncidentCommandRepo,
    incident_id: str,
    to: IncidentState,
    *,
    actor: str,
    now: datetime,
    note: str | None = None,
) -> Incident:
    note = _check_text(note, "note", required=False)
    before = _load(repo, incident_id)
    after = transition(before, to, now=now)
    after = after.model_copy(update={"updated_at": now})
    repo.save(after)
    repo.audit(
        actor=actor,
        entity_id=incident_id,
        action="state",
        before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"),
        now=now,
    )
    text = f"{before.state.value} → {after.state.value} by {actor}"
    repo.add_timeline(
        incident_id,
        TimelineEntry(
            at=now,
            kind="state",
            actor=actor,
            text=text + (f": {note}" if note else ""),
            data={"from": before.state.value, "to": after.state.value, "note": note},
        ),
    )
    return after


def comment(
    repo: IncidentCommandRepo, incident_id: str, text: str, *, actor: str, now: datetime
) -> TimelineEntry:
    text = _check_text(text, "text", required=True)
    _load(repo, incident_id)
    entry = TimelineEntry(at=now, kind="comment", actor=actor, text=text)
    repo.add_timeline(incident_id, entry)
    repo.audit(
        actor=actor,
        entity_id=incident_id,
        action="comment",
        before=None,
        after={"text": text},
        now=now,
    )
    return entry
