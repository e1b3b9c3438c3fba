"""The cause vocabulary: the kinds of root cause a diagnosis names and a runbook fixes.

A runbook says which causes it fixes (`fixes: [memory_leak, cpu_runaway]` in
`runbooks/*.yaml`); a diagnosis names one cause (`cause_key`). The remediation agent
joins the two, so the service manager states once, in plain words, what each runbook
is for, and no reasoning has to guess it from the runbook's prose. Keys are stable
identifiers; the descriptions are what people read.
"""

from __future__ import annotations

CAUSES: dict[str, str] = {
    "service_down": "the service is down: its process stopped or does not answer",
    "db_pool_exhausted": "the database connection pool is exhausted (connections not returned)",
    "db_slow": "database queries are slow (locks, a failing disk, missing indexes)",
    "disk_full": "a disk is full: writes fail",
    "memory_leak": "the application's memory grows without bound",
    "cpu_runaway": "runaway CPU work in the application starves requests",
    "dependency_failure": "an external dependency times out or fails",
    "bad_deploy": "a deploy (new release) makes requests fail",
    "bad_config": "a configuration change degraded the service",
}


def unknown_causes(keys: list[str]) -> list[str]:
    """The keys of `keys` that are not in the vocabulary, in order."""
    return [k for k in keys if k not in CAUSES]


__all__ = ["CAUSES", "unknown_causes"]
