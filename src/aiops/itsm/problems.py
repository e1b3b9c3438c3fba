"""Problems: the same root cause (or alert fingerprint) `threshold` times within `period_s`.

Keys: `rc:<ci>` from the diagnosis' top candidate when there is one, and `fp:<fingerprint>`
for each alert. The first key that crosses the threshold opens a problem, later
incidents update it; a known error (workaround + runbook) is set by a person.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from aiops.itsm.notify.outbox import notify
from aiops.itsm.ports import ItsmRepo
from aiops.model import Incident
from aiops.model.itsm import Problem, ProblemState
from aiops.model.policy import Policies


def keys_of(inc: Incident, fingerprints: list[str]) -> list[str]:
    keys: list[str] = []
    rc = _root_cause(inc.diagnosis)
    if rc:
        keys.append(f"rc:{rc}")
    keys += [f"fp:{fp}" for fp in sorted(set(fingerprints))]
    return keys


def _root_cause(diag: dict[str, Any] | None) -> str | None:
    if not isinstance(diag, dict):
        return None
    for field in ("root_cause", "top", "candidates"):
        v = diag.get(field)
        if isinstance(v, list) and v:
            v = v[0]
        if isinstance(v, dict):
            name = v.get("ci") or v.get("name")
            if isinstance(name, str) and name:
                return name[:200]
        if isinstance(v, str) and v:
            return v[:200]
    return None


def note_incident(
    repo: ItsmRepo, inc: Incident, policies: Policies, *, now: datetime
) -> Problem | None:
    """Record the incident's keys; open or update the problem of the first recurring key."""
    pol = policies.problems
    fps = [a.fingerprint for a in repo.incident_alerts(inc.id)]
    since = now - timedelta(seconds=pol.period_s)
    found: Problem | None = None
    for key in keys_of(inc, fps):
        repo.add_incident_key(inc.id, key, inc.opened_at)
        existing = repo.get_problem(key=key)
        ids = repo.incidents_with_key(key, since)
        if existing is not None and existing.state is not ProblemState.resolved:
            if inc.id not in existing.incident_ids:
                existing = existing.model_copy(
                    update={
                        "incident_ids": [*existing.incident_ids, inc.id][-200:],
                        "last_seen": now,
                        "updated_at": now,
                    }
                )
                repo.save_problem(existing)
            found = found or existing
        elif len(ids) >= pol.threshold and found is None:
            found = Problem(
                id=f"PRB-{uuid.uuid4().hex[:8]}",
                key=key,
                title=f"recurring: {inc.title}"[:300],
                service=inc.service,
                incident_ids=ids[-200:],
                first_seen=now,
                last_seen=now,
                updated_at=now,
            )
            repo.save_problem(found)
            repo.audit(
                actor="system",
                entity="problem",
                entity_id=found.id,
                action="create",
                before=None,
                after={"key": key, "incidents": ids},
                now=now,
            )
            notify(
                repo,
                "problem.opened",
                {
                    "problem_id": found.id,
                    "title": found.title,
                    "count": len(ids),
                    "key": key,
                    "since": since.isoformat(),
                },
                policy=policies.notifications,
                priority=inc.priority,
                service=inc.service,
                now=now,
                key=found.id,
            )
    return found


def set_known_error(
    repo: ItsmRepo,
    problem_id: str,
    *,
    workaround: str,
    runbook: str | None,
    actor: str,
    now: datetime,
) -> Problem:
    from aiops.errors import NotFound

    p = repo.get_problem(problem_id=problem_id)
    if p is None:
        raise NotFound(f"problem {problem_id!r} not found")
    after = p.model_copy(
        update={
            "state": ProblemState.known_error,
            "workaround": workaround,
            "runbook": runbook,
            "updated_at": now,
        }
    )
    repo.save_problem(after)
    repo.audit(
        actor=actor,
        entity="problem",
        entity_id=p.id,
        action="known_error",
        before={"state": p.state.value},
        after={"workaround": workaround, "runbook": runbook},
        now=now,
    )
    return after


__all__ = ["keys_of", "note_incident", "set_known_error"]
