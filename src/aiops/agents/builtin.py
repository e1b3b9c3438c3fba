"""The builtin reasoner: deterministic, offline, always available — the floor an LLM must beat.

It produces the same structured outputs as an LLM agent (`outputs.py`), with evidence
and a confidence, from the detection and RCA results, the policies, the CMDB and
memory. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiops.agents.config import AgentKind
from aiops.agents.context import Context
from aiops.agents.memory import Bm25Index, Doc
from aiops.agents.signatures import ALERT_CATEGORY, SIGNATURES, Signature
from aiops.model import EventKind, EventStatus, IncidentState, Severity


@dataclass
class BuiltinResult:
    output: dict[str, Any]
    plan: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    sig: Signature
    hits: int
    examples: tuple[str, ...]


def findings(ctx: Context) -> list[Finding]:
    """Signatures seen in the incident's logs, changes and alerts, strongest first."""
    texts = [
        e.summary
        for e in ctx.events
        if e.kind in (EventKind.log, EventKind.change, EventKind.health, EventKind.signal)
    ]
    texts += [f"{c.kind}: {c.summary}" for c in ctx.changes]
    names = {a.name for a in ctx.alerts}
    out = []
    for sig in SIGNATURES:
        matched = [t for t in texts if sig.pattern.search(t)]
        hits = len(matched) + 3 * len(names & set(sig.alerts))
        if hits:
            out.append(Finding(sig, hits, tuple(t[:160] for t in matched[:3])))
    order = {s.key: i for i, s in enumerate(SIGNATURES)}
    return sorted(out, key=lambda f: (-f.hits, order[f.sig.key]))


def _ci_of_type(ctx: Context, ci_type: str) -> str | None:
    if ctx.cmdb is None:
        return None
    svc = ctx.incident.service
    cands = [
        c.name for c in ctx.cmdb.cis if c.type == ci_type and (svc is None or c.service == svc)
    ]
    inc_cis = [c for c in cands if c in ctx.incident.cis]
    found = inc_cis or cands
    return found[0] if found else None


def _rca_top(ctx: Context) -> dict[str, Any] | None:
    diag = ctx.incident.diagnosis or {}
    cands = diag.get("candidates") or []
    return cands[0] if cands and isinstance(cands[0], dict) else None


def triage(ctx: Context) -> BuiltinResult:
    inc = ctx.incident
    f = findings(ctx)
    names = " ".join(a.name for a in ctx.alerts) or inc.title
    category = (
        f[0].sig.category if f else next((c for p, c in ALERT_CATEGORY if p.search(names)), "other")
    )
    firing = [a for a in ctx.alerts if a.state is EventStatus.firing]
    critical = any(a.severity is Severity.critical for a in ctx.alerts)
    flapped = (
        bool(ctx.alerts)
        and not firing
        and all(
            a.resolved_at is not None and (a.resolved_at - a.first_seen).total_seconds() < 60
            for a in ctx.alerts
        )
    )
    is_real = not flapped
    conf = 0.9 if (len(ctx.alerts) > 1 or critical or f) else 0.7
    if flapped:
        conf = 0.6
    evidence = [
        f"{a.name} ({a.severity.value}, {a.state.value}, x{a.count}) on {a.ci or a.service}"
        for a in ctx.alerts[:5]
    ]
    evidence += [f"log: {e}" for x in f[:1] for e in x.examples[:2]]
    summary = (
        f"P{inc.priority} {category} incident on {inc.service or 'an unknown service'}: "
        f"impact {inc.impact}, urgency {inc.urgency} by policy"
        + ("" if is_real else "; alerts cleared within a minute (likely a flap)")
    )
    return BuiltinResult(
        {
            "summary": summary,
            "confidence": conf,
            "evidence": evidence[:8],
            "category": category,
            "impact": inc.impact,
            "urgency": inc.urgency,
            "priority": inc.priority,
            "is_real": is_real,
        },
        [
            {"tool": "alerts", "why": "severity and state of every alert"},
            {"tool": "policies", "why": "impact x urgency -> ITIL priority"},
            {"tool": "log_search", "why": "fault signatures decide the category"},
        ],
    )


def diagnose(ctx: Context) -> BuiltinResult:
    f = findings(ctx)
    top = _rca_top(ctx)
    evidence: list[str] = []
    ci: str | None = None
    metric: str | None = None
    conf = 0.3
    cause = "unknown: " + (", ".join(sorted({a.name for a in ctx.alerts})) or ctx.incident.title)
    if f:
        sig = f[0].sig
        ci = _ci_of_type(ctx, sig.ci_type)
        cause = sig.cause
        conf = min(0.85, 0.45 + 0.1 * f[0].hits)
        evidence += [f"log: {e}" for e in f[0].examples]
    if top is not None:
        rca_ci = str(top.get("ci") or "") or None
        rca_conf = float(top.get("confidence") or top.get("score") or 0.0)
        metric = top.get("metric")
        evidence += [str(e) for e in (top.get("evidence") or [])][:4]
        if ci is None or rca_ci == ci:
            conf = max(conf, min(0.95, rca_conf + (0.15 if ci else 0.0)))
            ci = rca_ci or ci
        else:
            evidence.append(f"RCA ranks {rca_ci} first ({rca_conf:.2f}); logs point at {ci}")
    if ci is None and ctx.alerts:
        ci = ctx.alerts[0].ci
    where = f" on {ci}" if ci else ""
    summary = f"{cause}{where}" + (f" ({metric})" if metric else "")
    return BuiltinResult(
        {
            "summary": summary,
            "confidence": round(conf, 3),
            "evidence": evidence[:10],
            "root_cause_ci": ci,
            "cause": cause,
            "metric": metric,
        },
        [
            {"tool": "rca", "why": "the root-cause ranking over the CMDB (incident diagnosis)"},
            {"tool": "log_search", "why": "fault signatures in logs and changes"},
            {"tool": "cmdb_lookup", "why": "map the cause to a CI of the service"},
        ],
    )


def _feedback(ctx: Context) -> dict[str, float]:
    """Runbook -> weight from past remediations people judged (right +, wrong −)."""
    out: dict[str, float] = {}
    for h in ctx.memory:
        if h.kind != "decision" or h.data.get("agent_kind") != "remediate":
            continue
        rb = (h.data.get("output") or {}).get("runbook")
        verdict = h.data.get("verdict")
        if rb and verdict in ("right", "wrong"):
            out[rb] = out.get(rb, 0.0) + (2.0 if verdict == "right" else -2.0)
    return out


def remediate(ctx: Context) -> BuiltinResult:
    plan = [
        {"tool": "runbook_catalogue", "why": "what may be proposed"},
        {"tool": "similar_incidents", "why": "what people judged right or wrong before"},
        {"tool": "alerts", "why": "the baseline runbook of each alert"},
    ]
    diag = ctx.upstream_output("diagnose") or diagnose(ctx).output
    if ctx.incident.state in (IncidentState.resolved, IncidentState.closed) or not ctx.runbooks:
        because = "the incident is already resolved" if ctx.runbooks else "no runbook catalogue"
        return BuiltinResult(
            {
                "summary": f"no runbook: {because}",
                "confidence": 0.8,
                "evidence": [],
                "runbook": None,
                "params": {},
                "rationale": because,
            },
            plan,
        )
    scores: dict[str, float] = {r.name: 0.0 for r in ctx.runbooks}
    why: dict[str, list[str]] = {r.name: [] for r in ctx.runbooks}
    # 1. the baseline: runbooks of the incident's alerts, the most severe alert first
    # (a confident diagnosis halves the pull of alert names: the alert that fired first
    # names a symptom, the diagnosis names the cause)
    diag_conf = float(diag.get("confidence") or 0.0)
    for a in sorted(ctx.alerts, key=lambda a: -a.severity.rank):
        for r in ctx.runbooks:
            if a.name in r.alerts:
                w = (0.5 + 0.25 * a.severity.rank / 4) * (1.0 - 0.5 * diag_conf)
                scores[r.name] += w
                why[r.name].append(f"baseline runbook of {a.name}")
    # 2. the diagnosis, in fixed words, against the catalogue's descriptions
    f = findings(ctx)
    # the cause the diagnosis settled on (it may weigh the RCA over the loudest finding)
    said = str(diag.get("summary") or "")
    chosen = next((x for x in f if said.startswith(x.sig.cause)), f[0] if f else None)
    query = chosen.sig.words if chosen else ""  # fixed words: free text never steers it
    index = Bm25Index([Doc("runbook", r.name, f"{r.name} {r.description}") for r in ctx.runbooks])
    hits = index.search(query, limit=len(ctx.runbooks))
    best = hits[0].score if hits else 0.0
    # a confident diagnosis outweighs the alert-name mapping; a weak one does not
    w_diag = 1.0 + 1.5 * diag_conf
    for h in hits:
        scores[h.ref] += w_diag * h.score / best
        why[h.ref].append(f"matches the diagnosis ({h.score:.2f})")
    # 3. feedback from people on past remediations
    for rb, w in _feedback(ctx).items():
        if rb in scores:
            scores[rb] += w
            why[rb].append("judged right before" if w > 0 else "judged wrong before")
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    name, score = ranked[0]
    if score <= 0:
        return BuiltinResult(
            {
                "summary": "no runbook fits; a person decides",
                "confidence": 0.5,
                "evidence": [],
                "runbook": None,
                "params": {},
                "rationale": "no baseline, diagnosis or memory match",
            },
            plan,
        )
    margin = score - (ranked[1][1] if len(ranked) > 1 else 0.0)
    conf = round(min(0.95, 0.4 + 0.2 * margin + 0.3 * float(diag.get("confidence") or 0)), 3)
    params = _params(ctx, name, diag)
    rationale = "; ".join(why[name]) or "best match"
    return BuiltinResult(
        {
            "summary": f"run {name}"
            + (f" ({diag.get('root_cause_ci')})" if diag.get("root_cause_ci") else ""),
            "confidence": conf,
            "evidence": [f"diagnosis: {diag.get('summary', '')}", *why[name]][:8],
            "runbook": name,
            "params": params,
            "rationale": rationale,
        },
        plan,
    )


def _params(ctx: Context, runbook: str, diag: dict[str, Any]) -> dict[str, Any]:
    """Only parameters the runbook declares (ci/service when the catalogue doesn't say)."""
    rb = ctx.runbook(runbook)
    declared = set(rb.params) if rb is not None and rb.params is not None else {"ci", "service"}
    out: dict[str, Any] = {}
    if "ci" in declared and diag.get("root_cause_ci") in ctx.ci_names:
        out["ci"] = str(diag["root_cause_ci"])
    if "service" in declared and ctx.incident.service in ctx.service_names:
        out["service"] = str(ctx.incident.service)
    if "reason" in declared and diag.get("cause"):
        out["reason"] = re.sub(r"[^A-Za-z0-9 ,._-]", "", str(diag["cause"]))[:80].strip()
    return out


def escalate(ctx: Context) -> BuiltinResult:
    inc = ctx.incident
    diag = ctx.upstream_output("diagnose") or {}
    ci = diag.get("root_cause_ci")
    owner = None
    within = None
    if ctx.cmdb is not None:
        c = ctx.cmdb.ci(str(ci)) if ci else None
        svc = ctx.cmdb.service(inc.service) if inc.service else None
        owner = (c.owner if c else None) or (svc.owner if svc else None)
        target = (
            (svc.ola.get(f"P{inc.priority}") or svc.sla.get(f"P{inc.priority}")) if svc else None
        )
        within = int(target.response_s) if target and target.response_s else None
    go = inc.priority <= 2 or float(diag.get("confidence") or 1.0) < 0.5
    return BuiltinResult(
        {
            "summary": (f"escalate to {owner or 'the service owner'}" if go else "no escalation"),
            "confidence": 0.7,
            "evidence": [f"priority P{inc.priority}"],
            "escalate": go,
            "to": owner if go else None,
            "within_s": within if go else None,
        },
        [{"tool": "cmdb_lookup", "why": "owner of the CI and the service's OLA/SLA"}],
    )


def _simple(kind: AgentKind) -> Callable[[Context], BuiltinResult]:
    def run(ctx: Context) -> BuiltinResult:
        base = {
            "summary": f"{kind.value}: no builtin rule; a person decides",
            "confidence": 0.2,
            "evidence": [],
        }
        extra: dict[AgentKind, dict[str, Any]] = {
            AgentKind.change_risk: {"risk": "medium"},
            AgentKind.request: {"category": "other", "service": ctx.incident.service},
            AgentKind.review: {
                "what_happened": ctx.incident.title,
                "actions": [f"{d.agent}: {d.summary}" for d in ctx.upstream.values()][:10],
            },
        }
        return BuiltinResult({**base, **extra.get(kind, {})})

    return run


REASONERS: dict[AgentKind, Callable[[Context], BuiltinResult]] = {
    AgentKind.triage: triage,
    AgentKind.diagnose: diagnose,
    AgentKind.remediate: remediate,
    AgentKind.escalate: escalate,
    AgentKind.change_risk: _simple(AgentKind.change_risk),
    AgentKind.request: _simple(AgentKind.request),
    AgentKind.review: _simple(AgentKind.review),
}


def reason(kind: AgentKind, ctx: Context) -> BuiltinResult:
    return REASONERS[kind](ctx)


def memory_query(ctx: Context) -> str:
    """The words used to recall similar incidents: title, alerts, CIs (no log text)."""
    return " ".join([ctx.incident.title, *sorted({a.name for a in ctx.alerts}), *ctx.incident.cis])


__all__ = ["REASONERS", "BuiltinResult", "Finding", "findings", "memory_query", "reason"]
