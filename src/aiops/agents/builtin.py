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
from aiops.agents.context import Context, RunbookInfo
from aiops.agents.evidence import Finding, findings
from aiops.agents.memory import Bm25Index, Doc
from aiops.agents.requests import classify
from aiops.agents.review import review
from aiops.agents.risk import change_risk
from aiops.agents.signatures import ALERT_CATEGORY
from aiops.model import EventStatus, IncidentState, Severity


@dataclass
class BuiltinResult:
    output: dict[str, Any]
    plan: list[dict[str, Any]] = field(default_factory=list)


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
    cause_key: str | None = None
    if f:
        sig = f[0].sig
        ci = _ci_of_type(ctx, sig.ci_type)
        cause, cause_key = sig.cause, sig.key
        margin = f[0].hits - (f[1].hits if len(f) > 1 else 0.0)
        conf = min(0.85, 0.45 + 0.05 * f[0].hits + 0.05 * margin)
        evidence += [f"evidence: {e}" for e in f[0].examples]
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
            "cause_key": cause_key,
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


# Change states after which the runbook is not tried again for the incident.
_FAILED = frozenset({"failed", "rejected", "expired", "blocked", "withdrawn"})


def _no_runbook(
    summary: str, rationale: str, conf: float, plan: list[dict[str, Any]]
) -> BuiltinResult:
    out = {"summary": summary, "confidence": conf, "evidence": [], "runbook": None,
           "params": {}, "rationale": rationale}  # fmt: skip
    return BuiltinResult(out, plan)


def remediate(ctx: Context) -> BuiltinResult:
    """The runbook that fixes the diagnosed cause, as the catalogue says (`fixes:`).

    Runbooks that already failed, were rejected or expired on this incident are not
    proposed again. A cause no runbook fixes goes to a person (a restart that does not
    address the cause would only hide it). Catalogues that declare no `fixes` fall back
    to matching the diagnosis' words and the alerts' baseline runbooks.
    """
    plan = [
        {"tool": "runbook_catalogue", "why": "what may be proposed, and what each one fixes"},
        {"tool": "similar_incidents", "why": "what people judged right or wrong before"},
        {"tool": "alerts", "why": "the baseline runbook of each alert"},
    ]
    diag = ctx.upstream_output("diagnose") or diagnose(ctx).output
    if ctx.incident.state in (IncidentState.resolved, IncidentState.closed) or not ctx.runbooks:
        because = "the incident is already resolved" if ctx.runbooks else "no runbook catalogue"
        return _no_runbook(f"no runbook: {because}", because, 0.8, plan)
    tried = {rb for rb, state in ctx.incident_changes if state in _FAILED}
    usable = [r for r in ctx.runbooks if r.name not in tried]
    if any(r.fixes for r in ctx.runbooks):
        return _by_cause(ctx, diag, usable, tried, plan)
    return _by_words(ctx, diag, usable, plan)


def _by_cause(
    ctx: Context,
    diag: dict[str, Any],
    usable: list[RunbookInfo],
    tried: set[str],
    plan: list[dict[str, Any]],
) -> BuiltinResult:
    """Score = fixes the diagnosed cause (3) + people's net verdicts on similar incidents
    (+2 per right, -2 per wrong; a net wrong vetoes the runbook) + the baseline's alert
    mapping (1 when the cause is unknown; else 0.5, only among runbooks that fix it)."""
    cause = diag.get("cause_key")
    diag_conf = float(diag.get("confidence") or 0.0)
    names = {a.name for a in ctx.alerts}
    feedback = _feedback(ctx)
    scores: dict[str, float] = {}
    why: dict[str, list[str]] = {}
    for r in usable:
        s, w = 0.0, []
        fixes_it = bool(cause) and cause in r.fixes
        if fixes_it:
            s, w = s + 3.0, [*w, f"fixes {cause} (the diagnosed cause)"]
        if names & set(r.alerts) and (fixes_it or not cause):
            s += 0.5 if cause else 1.0
            w.append(f"baseline runbook of {', '.join(sorted(names & set(r.alerts)))}")
        verdict = feedback.get(r.name, 0.0)
        if verdict:
            s = s + verdict if verdict > 0 else min(s + verdict, 0.0)
            w.append("judged right before" if verdict > 0 else "judged wrong before")
        scores[r.name], why[r.name] = s, w
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    failed = f" ({', '.join(sorted(tried))} already failed here)" if tried else ""
    if not ranked or ranked[0][1] <= 0:
        if cause:
            return _no_runbook(
                f"no runbook fixes {cause}; a person decides",
                f"the catalogue has no runbook for {cause}{failed}",
                round(0.5 + 0.3 * diag_conf, 3), plan,
            )  # fmt: skip
        return _no_runbook("no runbook: the cause is unknown; a person decides",
                           "no recognised cause and no baseline runbook" + failed, 0.5, plan)  # fmt: skip
    name, score = ranked[0]
    fixes_it = bool(cause) and cause in (ctx.runbook(name) or RunbookInfo(name)).fixes
    conf = 0.3 + 0.6 * diag_conf if fixes_it else 0.4
    return _proposal(ctx, name, diag, round(min(0.95, conf), 3), why[name], plan)


def _proposal(
    ctx: Context,
    name: str,
    diag: dict[str, Any],
    conf: float,
    why: list[str],
    plan: list[dict[str, Any]],
) -> BuiltinResult:
    where = f" ({diag.get('root_cause_ci')})" if diag.get("root_cause_ci") else ""
    return BuiltinResult(
        {
            "summary": f"run {name}{where}",
            "confidence": conf,
            "evidence": [f"diagnosis: {diag.get('summary', '')}", *why][:8],
            "runbook": name,
            "params": _params(ctx, name, diag),
            "rationale": "; ".join(why),
        },
        plan,
    )


def _by_words(
    ctx: Context, diag: dict[str, Any], usable: list[RunbookInfo], plan: list[dict[str, Any]]
) -> BuiltinResult:
    """Catalogues without `fixes`: alert names (the baseline) and the diagnosis' fixed
    words against the runbooks' descriptions."""
    if not usable:
        return _no_runbook("no runbook left to try; a person decides", "every runbook failed",
                           0.5, plan)  # fmt: skip
    scores: dict[str, float] = {r.name: 0.0 for r in usable}
    why: dict[str, list[str]] = {r.name: [] for r in usable}
    # 1. the baseline: runbooks of the incident's alerts, the most severe alert first
    # (a confident diagnosis halves the pull of alert names: the alert that fired first
    # names a symptom, the diagnosis names the cause)
    diag_conf = float(diag.get("confidence") or 0.0)
    for a in sorted(ctx.alerts, key=lambda a: -a.severity.rank):
        for r in usable:
            if a.name in r.alerts:
                w = (0.5 + 0.25 * a.severity.rank / 4) * (1.0 - 0.5 * diag_conf)
                scores[r.name] += w
                why[r.name].append(f"baseline runbook of {a.name}")
    # 2. the diagnosis, in fixed words, against the catalogue's descriptions
    f = findings(ctx)
    chosen = next((x for x in f if x.sig.key == diag.get("cause_key")), f[0] if f else None)
    query = chosen.sig.words if chosen else ""  # fixed words: free text never steers it
    index = Bm25Index([Doc("runbook", r.name, f"{r.name} {r.description}") for r in usable])
    hits = index.search(query, limit=len(usable))
    best = hits[0].score if hits else 0.0
    w_diag = 1.0 + 1.5 * diag_conf  # a confident diagnosis outweighs the alert names
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
        return _no_runbook("no runbook fits; a person decides",
                           "no baseline, diagnosis or memory match", 0.5, plan)  # fmt: skip
    margin = score - (ranked[1][1] if len(ranked) > 1 else 0.0)
    conf = round(min(0.95, 0.4 + 0.2 * margin + 0.3 * diag_conf), 3)
    return _proposal(ctx, name, diag, conf, why[name] or ["best match"], plan)


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


def change_risk_(ctx: Context) -> BuiltinResult:
    proposal = ctx.upstream_output("remediate") or remediate(ctx).output
    diag = ctx.upstream_output("diagnose") or diagnose(ctx).output
    plan = [{"tool": "runbook_catalogue", "why": "the runbook's declared risk and type"},
            {"tool": "similar_incidents", "why": "how it went before"}]  # fmt: skip
    return BuiltinResult(change_risk(ctx, proposal, diag, _feedback(ctx)), plan)


def review_(ctx: Context) -> BuiltinResult:
    diag = ctx.upstream_output("diagnose") or diagnose(ctx).output
    plan = [{"tool": "incident", "why": "timeline, alerts, changes and their results"},
            {"tool": "similar_incidents", "why": "recurrence: is a problem record due?"}]  # fmt: skip
    return BuiltinResult(review(ctx, diag), plan)


def request_(ctx: Context) -> BuiltinResult:
    plan = [{"tool": "cmdb_lookup", "why": "which service the message is about"}]
    return BuiltinResult(classify(ctx), plan)


REASONERS: dict[AgentKind, Callable[[Context], BuiltinResult]] = {
    AgentKind.triage: triage,
    AgentKind.diagnose: diagnose,
    AgentKind.remediate: remediate,
    AgentKind.escalate: escalate,
    AgentKind.change_risk: change_risk_,
    AgentKind.request: request_,
    AgentKind.review: review_,
}


def reason(kind: AgentKind, ctx: Context) -> BuiltinResult:
    return REASONERS[kind](ctx)


def memory_query(ctx: Context) -> str:
    """The words used to recall similar incidents: title, alerts, CIs (no log text)."""
    return " ".join([ctx.incident.title, *sorted({a.name for a in ctx.alerts}), *ctx.incident.cis])


__all__ = ["REASONERS", "BuiltinResult", "Finding", "findings", "memory_query", "reason"]
