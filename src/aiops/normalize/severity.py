"""Severity words as monitoring tools write them, mapped onto our four levels.

| level    | accepted (case-insensitive)                                                    |
|----------|--------------------------------------------------------------------------------|
| critical | critical, crit, fatal, emergency, emerg, alert, disaster, page, p1, sev1, sev-1 |
| error    | error, err, major, high, p2, sev2, sev-2                                        |
| warning  | warning, warn, minor, medium, average, p3, sev3, sev-3                          |
| info     | info, informational, information, notice, low, ok, debug, trace, none, p4, p5, sev4, sev5 |

The native schema rejects any other word (the sender controls it); adapters fall back
to a default instead (an Alertmanager rule may use any severity label it likes).
"""

from __future__ import annotations

from typing import Any

from aiops.model import Severity
from aiops.normalize.fields import short_repr, type_name
from aiops.normalize.problems import FieldProblem

_WORDS: dict[Severity, tuple[str, ...]] = {
    Severity.critical: (
        "critical", "crit", "fatal", "emergency", "emerg", "alert", "disaster", "page",
        "p1", "sev1", "sev-1",
    ),
    Severity.error: ("error", "err", "major", "high", "p2", "sev2", "sev-2"),
    Severity.warning: ("warning", "warn", "minor", "medium", "average", "p3", "sev3", "sev-3"),
    Severity.info: (
        "info", "informational", "information", "notice", "low", "ok", "debug", "trace",
        "none", "p4", "p5", "sev4", "sev5",
    ),
}  # fmt: skip

SEVERITY_ALIASES: dict[str, Severity] = {w: level for level, ws in _WORDS.items() for w in ws}


def parse_severity(value: Any) -> Severity:
    """A severity word -> `Severity`; anything else raises, listing the levels."""
    if not isinstance(value, str):
        raise FieldProblem(
            f"expected a severity word (critical, error, warning, info), got {type_name(value)} "
            f"{short_repr(value)}",
            "severity",
        )
    level = SEVERITY_ALIASES.get(value.strip().lower())
    if level is None:
        raise FieldProblem(
            f"unknown severity {short_repr(value)}; use critical, error, warning or info "
            "(or an alias such as crit, major, warn, low)",
            "severity",
        )
    return level


def severity_or(value: Any, default: Severity) -> Severity:
    """Lenient form for adapters: unknown or missing words give `default`."""
    if isinstance(value, str):
        return SEVERITY_ALIASES.get(value.strip().lower(), default)
    return default
