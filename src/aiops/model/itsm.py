"""ITSM records after an incident: changes and approvals, problems, SLA clocks, notifications.

Shared by `act`, `itsm`, the store and the web: pure pydantic, no I/O. A change carries
its own execution record (`steps`, `verification`) so the incident page and the audit
show what was done, with output, in one object.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ChangeType(StrEnum):
    """ITIL 4 change types."""

    standard = "standard"  # pre-approved runbook; may run without a human when autonomous
    normal = "normal"  # approval by the configured roles, with a quorum
    emergency = "emergency"  # one approver from the emergency group; a PIR afterwards


class Autonomy(StrEnum):
    """How far an agent (or the baseline) may go on its own."""

    suggest = "suggest"  # record the proposal; a person must approve it
    approve = "approve"  # ask for approval
    autonomous = "autonomous"  # run a standard change without asking


class ChangeState(StrEnum):
    pending_approval = "pending_approval"
    approved = "approved"  # waiting for the executor
    running = "running"
    succeeded = "succeeded"  # verification held
    failed = "failed"  # a step or the verification failed; rollback ran (or none existed)
    rejected = "rejected"  # denied by an approver
    expired = "expired"  # nobody decided in time
    blocked = "blocked"  # a freeze window forbids it
    withdrawn = "withdrawn"  # its proposer took it back before anyone decided


FINAL_STATES = frozenset(
    {
        ChangeState.succeeded,
        ChangeState.failed,
        ChangeState.rejected,
        ChangeState.expired,
        ChangeState.blocked,
        ChangeState.withdrawn,
    }
)


class StepStatus(StrEnum):
    ok = "ok"
    failed = "failed"
    timeout = "timeout"
    skipped = "skipped"


class StepRecord(BaseModel):
    """One executed step: what ran, for how long, what it printed, how it ended."""

    model_config = ConfigDict(extra="forbid")

    index: int
    phase: str  # "run" | "rollback"
    name: str
    kind: str
    status: StepStatus
    started_at: datetime
    ended_at: datetime
    output: str = ""  # captured, truncated
    detail: dict[str, Any] = Field(default_factory=dict)


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    change_id: str
    approver: str
    role: str | None = None
    decision: str  # "approve" | "deny"
    via: str  # "rest" | "cli" | "link" | "site"
    at: datetime
    comment: str = ""


class Change(BaseModel):
    """A change record: the runbook and its exact parameters, routed and (maybe) executed."""

    model_config = ConfigDict(extra="forbid")

    id: str
    incident_id: str | None = None
    service: str | None = None
    runbook: str
    params: dict[str, Any] = Field(default_factory=dict)
    params_hash: str  # sha256 of runbook + canonical params: what an approval is bound to
    type: ChangeType
    state: ChangeState
    risk: str = "low"
    requested_by: str
    autonomy: Autonomy
    source: str = "baseline"  # "baseline" | "agent" | a person
    rationale: str = ""
    confidence: float | None = None
    reasons: list[str] = Field(default_factory=list)  # why it was routed this way
    quorum: int = 0  # approvals still required in total (0: none)
    approver_roles: list[str] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)  # eligible people; empty: anyone named
    approvals: list[Approval] = Field(default_factory=list)
    pir_required: bool = False
    pir_done: bool = False
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    steps: list[StepRecord] = Field(default_factory=list)
    verification: dict[str, Any] | None = None  # {"ok": bool, "detail": ...}
    rolled_back: bool = False
    error: str | None = None


class ProblemState(StrEnum):
    open = "open"
    known_error = "known_error"  # root cause known, workaround documented
    resolved = "resolved"


class Problem(BaseModel):
    """Recurring incidents with one cause; a known error names its workaround runbook."""

    model_config = ConfigDict(extra="forbid")

    id: str
    key: str  # "rc:<root cause>" or "fp:<fingerprint>"
    title: str
    service: str | None = None
    state: ProblemState = ProblemState.open
    incident_ids: list[str] = Field(default_factory=list)
    first_seen: datetime
    last_seen: datetime
    workaround: str = ""
    runbook: str | None = None
    updated_at: datetime


class SlaState(StrEnum):
    running = "running"
    warning = "warning"
    breached = "breached"
    met = "met"
    none = "none"  # no target for this priority


class SlaClock(BaseModel):
    """One incident's response and resolution clocks, from its service's SLA."""

    model_config = ConfigDict(extra="forbid")

    incident_id: str
    service: str | None = None
    priority: int
    started_at: datetime
    response_due: datetime | None = None
    resolve_due: datetime | None = None
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    response_state: SlaState = SlaState.running
    resolve_state: SlaState = SlaState.running
    updated_at: datetime


class NotificationState(StrEnum):
    pending = "pending"
    sent = "sent"
    dead = "dead"  # gave up after the retries: the dead-letter record


class Notification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    channel: str  # a channel name from policies.notifications.channels
    recipient: str = ""
    event: str  # template key: "change.approval_requested", "sla.breached", ...
    lang: str = "en"
    subject: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict)
    incident_id: str | None = None
    change_id: str | None = None
    dedup_key: str  # one notification per key (idempotent stages)
    state: NotificationState = NotificationState.pending
    attempts: int = 0
    last_error: str | None = None
    next_at: datetime
    created_at: datetime
    sent_at: datetime | None = None


__all__ = [
    "FINAL_STATES",
    "Approval",
    "Autonomy",
    "Change",
    "ChangeState",
    "ChangeType",
    "Notification",
    "NotificationState",
    "Problem",
    "ProblemState",
    "SlaClock",
    "SlaState",
    "StepRecord",
    "StepStatus",
]
