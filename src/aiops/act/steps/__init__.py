"""The allow-listed step kinds. A runbook may use these and nothing else.

http     one HTTP call                        sulu    supervisor service control
shell    allow-listed program, checked args   ecs     UpdateService via boto3
k8s      rollout restart / scale              wait    settle
verify   probe or metric condition            notify  tell people
"""

from __future__ import annotations

from aiops.act.steps import ecs, http, k8s, notify, shell, sulu, verify, wait
from aiops.act.steps.base import MetricSource, StepContext, StepKind, StepOutcome

REGISTRY: dict[str, StepKind] = {
    m.KIND.name: m.KIND for m in (http, sulu, shell, ecs, k8s, wait, verify, notify)
}

__all__ = ["REGISTRY", "MetricSource", "StepContext", "StepKind", "StepOutcome"]
