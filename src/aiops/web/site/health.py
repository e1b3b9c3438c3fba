"""Service and CI health for the dashboard, derived from the incidents still being worked.

A service manager asks "is my service up?" before "which alert fired?": each CI is
ok / degraded / down by the worst severity of the active incidents touching it, and a
service is as bad as its worst CI (or an incident filed on the service itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from aiops.model import Incident, IncidentState, Severity
from aiops.model.cmdb import Cmdb

# Mitigated incidents have a workaround in place: the service is back, so they do not count.
ACTIVE_STATES = (IncidentState.open, IncidentState.acknowledged)


class Health(StrEnum):
    ok = "ok"
    degraded = "degraded"
    down = "down"

    @property
    def rank(self) -> int:
        return {"ok": 0, "degraded": 1, "down": 2}[self.value]


def health_of(severity: Severity) -> Health:
    if severity is Severity.critical:
        return Health.down
    if severity in (Severity.error, Severity.warning):
        return Health.degraded
    return Health.ok


def _worst(values: Sequence[Health]) -> Health:
    return max(values, key=lambda h: h.rank, default=Health.ok)


@dataclass
class CiHealth:
    name: str
    type: str
    status: Health = Health.ok
    incidents: list[str] = field(default_factory=list)


@dataclass
class ServiceHealth:
    name: str
    description: str = ""
    criticality: str = ""
    status: Health = Health.ok
    cis: list[CiHealth] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "criticality": self.criticality,
            "status": self.status.value,
            "incidents": self.incidents,
            "cis": [
                {"name": c.name, "type": c.type, "status": c.status.value, "incidents": c.incidents}
                for c in self.cis
            ],
        }


def service_health(cmdb: Cmdb | None, incidents: Sequence[Incident]) -> list[ServiceHealth]:
    """Every CMDB service (plus any service only incidents name), worst first then by name."""
    active = [i for i in incidents if i.state in ACTIVE_STATES]
    services: dict[str, ServiceHealth] = {}
    for s in cmdb.services if cmdb else []:
        services[s.name] = ServiceHealth(s.name, s.description, s.criticality.value)
    for item in cmdb.cis if cmdb else []:
        if item.service:
            owner = services.setdefault(item.service, ServiceHealth(item.service))
            owner.cis.append(CiHealth(item.name, item.type))
    for inc in active:
        if inc.service and inc.service not in services:
            services[inc.service] = ServiceHealth(inc.service)
    for svc in services.values():
        mine = [i for i in active if i.service == svc.name]
        for ci in svc.cis:
            touching = [i for i in active if ci.name in i.cis]
            ci.incidents = [i.id for i in touching]
            ci.status = _worst([health_of(i.severity) for i in touching])
            mine += [i for i in touching if i not in mine]
        svc.incidents = [i.id for i in mine]
        svc.status = _worst([health_of(i.severity) for i in mine])
    return sorted(services.values(), key=lambda s: (-s.status.rank, s.name))
