"""`policies.yaml` sections for change enablement, notifications, SLAs and problems.

Every field has a default, so a file without these sections keeps working: standard
changes may run on their own, normal changes need one approval from `change-manager`,
nothing is frozen and notifications go nowhere until a channel is configured.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiops.model.duration import DurationS

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$")]


class WindowAction(StrEnum):
    """What a freeze window (or running outside the service window) does to a change."""

    block = "block"  # the change is refused (emergency changes still go to approval)
    approval = "approval"  # the change needs an approval even if it is standard
    allow = "allow"  # nothing special


class FreezeWindow(BaseModel):
    """A period where changes are frozen (a sale, a release night, year end)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    start: datetime
    end: datetime
    services: list[str] = Field(default_factory=list)  # empty: every service
    action: WindowAction = WindowAction.block

    @model_validator(mode="after")
    def _order(self) -> FreezeWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a time zone, e.g. 2026-12-24T00:00:00+09:00")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    def applies(self, service: str | None, at: datetime) -> bool:
        in_scope = not self.services or (service is not None and service in self.services)
        return in_scope and self.start <= at < self.end


class ShellCommand(BaseModel):
    """One allow-listed program: its absolute path and the argument patterns it accepts."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(pattern=r"^/")
    # Each argument must match one of these (full match); no shell ever parses them.
    args: list[str] = Field(default_factory=list)
    max_args: int = Field(default=8, ge=0, le=64)


class ChangePolicy(BaseModel):
    """How remediation changes are approved (ITIL 4 change enablement)."""

    model_config = ConfigDict(extra="forbid")

    approver_roles: list[Name] = Field(default_factory=lambda: ["change-manager"])
    quorum: int = Field(default=1, ge=1, le=10)  # distinct approvers for a normal change
    approvers: dict[Name, list[Name]] = Field(default_factory=dict)  # role -> people
    emergency_group: list[Name] = Field(default_factory=list)  # empty: any named approver
    approval_timeout_s: DurationS = 4 * 3600.0  # a pending change expires after this
    link_ttl_s: DurationS = 900.0  # signed approval links live this long
    link_secret_env: str = "AIOPS_APPROVAL_SECRET"
    public_url: str = "http://127.0.0.1:8080"  # where signed links point
    outside_service_window: WindowAction = WindowAction.approval
    freeze_windows: list[FreezeWindow] = Field(default_factory=list)
    emergency_max_priority: int = Field(default=1, ge=0, le=5)  # P1: normal → emergency
    step_timeout_s: DurationS = 120.0  # a step without its own timeout
    shell_commands: dict[Name, ShellCommand] = Field(default_factory=dict)
    sim_url: str | None = None  # the sulu supervisor API, when not given by the wiring

    @field_validator("approval_timeout_s", "link_ttl_s", "step_timeout_s")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value


ChannelType = Literal["slack", "zulip", "email", "webhook"]


class Channel(BaseModel):
    """A place notifications go. Secrets come from environment variables, never the file."""

    model_config = ConfigDict(extra="forbid")

    type: ChannelType
    url: str | None = None  # slack/webhook: the hook URL; zulip: the server's base URL
    url_env: str | None = None  # or read the URL from this variable
    # zulip
    bot_email: str | None = None
    api_key_env: str | None = None
    stream: str = "ops"
    # email
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    sender: str = "aiops@localhost"
    starttls: bool = False
    username_env: str | None = None
    password_env: str | None = None
    # webhook: body signed with HMAC-SHA256 when set
    secret_env: str | None = None
    timeout_s: DurationS = 10.0
    lang: Literal["en", "ja"] = "en"


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Name
    to: str = ""  # e-mail address, Slack/Zulip topic, or empty for the channel default
    lang: Literal["en", "ja"] | None = None


class EscalationRule(BaseModel):
    """Who is told, through what, after how long, for which priorities and services."""

    model_config = ConfigDict(extra="forbid")

    events: list[str] = Field(default_factory=lambda: ["*"])  # "change.*", "sla.breached", ...
    priorities: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    services: list[str] = Field(default_factory=list)  # empty: every service
    after_s: DurationS = 0.0  # only once the incident is this old and still unresolved
    notify: list[Recipient] = Field(default_factory=list)


class NotificationPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: dict[Name, Channel] = Field(default_factory=dict)
    matrix: list[EscalationRule] = Field(default_factory=list)
    lang: Literal["en", "ja"] = "en"
    max_attempts: int = Field(default=5, ge=1, le=50)
    retry_base_s: DurationS = 5.0  # backoff: base * 2^(attempt-1)

    @model_validator(mode="after")
    def _known_channels(self) -> NotificationPolicy:
        for i, rule in enumerate(self.matrix):
            for r in rule.notify:
                if r.channel not in self.channels:
                    raise ValueError(f"matrix[{i}]: unknown channel {r.channel!r}")
        return self


class SlaPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warn_at: float = Field(default=0.8, gt=0.0, lt=1.0)  # warn at this share of the target


class ProblemPolicy(BaseModel):
    """Recurring incidents open a problem: `threshold` incidents with one key in `period_s`."""

    model_config = ConfigDict(extra="forbid")

    threshold: int = Field(default=3, ge=2, le=100)
    period_s: DurationS = 7 * 86400.0


__all__ = [
    "Channel",
    "ChangePolicy",
    "EscalationRule",
    "FreezeWindow",
    "NotificationPolicy",
    "ProblemPolicy",
    "Recipient",
    "ShellCommand",
    "SlaPolicy",
    "WindowAction",
]
