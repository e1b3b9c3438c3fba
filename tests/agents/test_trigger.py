"""When an agent decides again: on what a diagnosis says, not on when it was computed."""

from __future__ import annotations

from factories import T0, incident

from aiops.agents.config import default_agents
from aiops.agents.stage import trigger_key
from aiops.model.decisions import Decision

AGENTS = {a.name: a for a in default_agents().agents}


def _diag(cis: list[str], at: str, conf: float) -> dict:
    return {"at": at, "summary": f"{cis[0]} ({conf})", "changes": [],
            "candidates": [{"ci": c, "score": conf, "confidence": conf} for c in cis]}  # fmt: skip


def _decision(agent: str, id_: str) -> Decision:
    return Decision(id=id_, agent=agent, kind=agent, agent_version="1", instructions_hash="h",
                    input_digest="i", trigger="t", backend="builtin", created_at=T0,
                    output={})  # fmt: skip


def test_a_rerun_of_the_ranking_with_the_same_suspects_does_not_wake_the_diagnosis() -> None:
    up = {"triage": _decision("triage", "T")}
    a = incident(diagnosis=_diag(["sulu-db", "sulu-app"], "2026-11-25T03:00:00", 0.91))
    b = incident(diagnosis=_diag(["sulu-db", "sulu-app"], "2026-11-25T03:00:02", 0.93))
    c = incident(diagnosis=_diag(["sulu-app", "sulu-db"], "2026-11-25T03:00:04", 0.93))
    key = trigger_key(AGENTS["diagnose"], a, up)
    assert key is not None and key == trigger_key(AGENTS["diagnose"], b, up)
    assert key != trigger_key(AGENTS["diagnose"], c, up)


def test_remediation_decides_again_when_a_change_of_the_incident_ends() -> None:
    up = {"diagnose": _decision("diagnose", "D")}
    inc = incident(diagnosis=_diag(["sulu-app"], "2026-11-25T03:00:00", 0.9))
    rem = AGENTS["remediate"]
    waiting = trigger_key(rem, inc, up, [("sulu-restart", "pending_approval")])
    assert waiting == trigger_key(rem, inc, up, [])  # nothing new while it waits
    assert waiting != trigger_key(rem, inc, up, [("sulu-restart", "failed")])
    # other agents do not care about changes
    other = AGENTS["diagnose"]
    up["triage"] = _decision("triage", "T")
    failed = [("sulu-restart", "failed")]
    assert trigger_key(other, inc, up, failed) == trigger_key(other, inc, up)


def test_a_new_kind_of_alert_wakes_the_diagnosis_a_repeat_does_not() -> None:
    up = {"triage": _decision("triage", "T")}
    inc = incident(diagnosis=_diag(["sulu-db"], "2026-11-25T03:00:00", 0.9))
    diag = AGENTS["diagnose"]
    first = trigger_key(diag, inc, up, alerts=["Anomaly sulu_db_pool_in_use"])
    again = trigger_key(diag, inc, up, alerts=["Anomaly sulu_db_pool_in_use"] * 2)
    more = trigger_key(diag, inc, up, alerts=["Anomaly sulu_db_pool_in_use", "SuluErrorLogBurst"])
    assert first == again and first != more
