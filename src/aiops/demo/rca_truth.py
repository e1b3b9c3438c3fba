"""The demo's ground truth for root-cause analysis: which CI each injected fault breaks.

Pure (no I/O). The report and `bench/demo_mttd.py` score a stored diagnosis against it
with `rca_outcome`; the truth is never shown to the diagnose stage.
"""

from __future__ import annotations

from typing import Any

# fault -> the CI a responder should fix first (the reason is in the comment)
TRUE_ROOT_CAUSE: dict[str, str] = {
    "stop": "sulu-app",  # the API process is stopped: nothing answers
    "slow-db": "sulu-db",  # every query holds its connection longer
    "db-pool-exhaustion": "sulu-db",  # a job keeps every pooled database connection
    "memory-leak": "sulu-app",  # the API process's resident memory grows
    "cpu-hog": "sulu-app",  # a busy loop in the API process starves request handling
    "error-burst": "sulu-app",  # a bad deploy of the API fails a share of calls
    "dependency-timeout": "sulu-external-api",  # the payment API hangs
    "disk-full": "sulu-host",  # the host's disk is full: log writes fail
    "config-change": "sulu-app",  # a config reload turned the cache off
}


def rca_outcome(diagnosis: dict[str, Any] | None, fault: str) -> dict[str, Any]:
    """{"expected", "top1", "rank", "correct"} for one fault's stored diagnosis.

    `rank` is the 1-based position of the true CI among the candidates (None when absent
    or the fault has no known root cause); `correct` means ranked first.
    """
    expected = TRUE_ROOT_CAUSE.get(fault)
    raw = diagnosis.get("candidates") if isinstance(diagnosis, dict) else None
    cands = [c for c in raw if isinstance(c, dict)] if isinstance(raw, list) else []
    cis = [c.get("ci") for c in cands]
    top1 = cis[0] if cis else None
    rank = cis.index(expected) + 1 if expected is not None and expected in cis else None
    return {"expected": expected, "top1": top1, "rank": rank, "correct": rank == 1}


__all__ = ["TRUE_ROOT_CAUSE", "rca_outcome"]
