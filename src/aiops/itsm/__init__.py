"""ITIL 4 records after an incident: changes (routing, approvals, signed links, execution),
problems and known errors, SLA clocks, notifications.

In: an incident (the act stage) or a remediation proposal (the agents). Out: change
records that run through `aiops.act`, audit records, timeline entries, notifications.
"""

from aiops.itsm.baseline import BaselinePick, pick_runbook
from aiops.itsm.changes import ChangeDesk
from aiops.itsm.ports import ItsmRepo
from aiops.itsm.routing import Routing, route
from aiops.itsm.service import ChangeService
from aiops.itsm.stage import ActStage, SeriesMetrics, build_act_stage
from aiops.itsm.tokens import LinkRefused, params_hash

__all__ = [
    "ActStage",
    "BaselinePick",
    "ChangeDesk",
    "ChangeService",
    "ItsmRepo",
    "LinkRefused",
    "Routing",
    "SeriesMetrics",
    "build_act_stage",
    "params_hash",
    "pick_runbook",
    "route",
]
