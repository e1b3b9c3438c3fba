"""Remediation: runbooks (loaded, validated), allow-listed steps, and the executor.

In: a runbook name, its parameters, a step context. Out: an `Execution` (step records
with output, verification, rollback). Change records, approvals and who may run what
live in `aiops.itsm`, which calls this package.
"""

from aiops.act.executor import Execution, Executor, Journal, MemoryJournal
from aiops.act.loader import check_runbook, load_runbook, load_runbooks
from aiops.act.runbook import ParamSpec, Runbook, Step, check_params
from aiops.act.steps import REGISTRY, StepContext, StepKind, StepOutcome

__all__ = [
    "REGISTRY",
    "Execution",
    "Executor",
    "Journal",
    "MemoryJournal",
    "ParamSpec",
    "Runbook",
    "Step",
    "StepContext",
    "StepKind",
    "StepOutcome",
    "check_params",
    "check_runbook",
    "load_runbook",
    "load_runbooks",
]
