"""The one exception tree of aiops, by what the caller does next.

    AiopsError
    ├── InvalidInput      400/413/422  the sender must fix the request; nothing was stored
    │   ├── Unparsable    400          not JSON / not the expected encoding
    │   └── TooLarge      413          body or batch over the limit
    ├── Unauthorized      401          missing or wrong token
    ├── NotFound          404          no such object
    ├── Conflict          409          the object is not in a state that allows this
    ├── ConfigError       (CLI exit 2) a service-manager YAML file is wrong; names file:line
    ├── BudgetExceeded    429          an agent budget would be exceeded
    ├── Retryable         503          try again later (upstream down, timeout)
    └── Permanent         502          an upstream answered garbage; retrying will not help

Each class has an HTTP `status` and a stable `code`; one handler in `web` renders them
as `{"ok": false, "status", "code", "message", "errors": [...]}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ErrorDetail:
    """One problem in the input: where (`loc`), what (`msg`), and a stable `type`."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.loc)
        return f"{where}: {self.msg}" if where else self.msg


@dataclass
class AiopsError(Exception):
    message: str
    errors: list[ErrorDetail] = field(default_factory=list)
    code: str = "error"
    status: int = 500

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        if not self.errors:
            return self.message
        return self.message + "; " + "; ".join(str(e) for e in self.errors)


@dataclass
class InvalidInput(AiopsError):
    code: str = "invalid_input"
    status: int = 422


@dataclass
class Unparsable(InvalidInput):
    code: str = "unparsable"
    status: int = 400


@dataclass
class TooLarge(InvalidInput):
    code: str = "too_large"
    status: int = 413


@dataclass
class Unauthorized(AiopsError):
    code: str = "unauthorized"
    status: int = 401


@dataclass
class NotFound(AiopsError):
    code: str = "not_found"
    status: int = 404


@dataclass
class Conflict(AiopsError):
    code: str = "conflict"
    status: int = 409


@dataclass
class ConfigError(AiopsError):
    code: str = "config_error"
    status: int = 422


@dataclass
class BudgetExceeded(AiopsError):
    code: str = "budget_exceeded"
    status: int = 429


@dataclass
class Retryable(AiopsError):
    code: str = "retryable"
    status: int = 503


@dataclass
class Permanent(AiopsError):
    code: str = "permanent"
    status: int = 502


__all__ = [
    "AiopsError",
    "BudgetExceeded",
    "ConfigError",
    "Conflict",
    "ErrorDetail",
    "InvalidInput",
    "NotFound",
    "Permanent",
    "Retryable",
    "TooLarge",
    "Unauthorized",
    "Unparsable",
]
