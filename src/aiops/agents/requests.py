"""The builtin classifier of messages from people (chat, the service desk).

Fixed word lists in English and Japanese decide between an incident (something is
broken), a service request (asking for something standard), a question, a complaint;
the service is the CMDB service (or a CI's service) the message names. Word lists, not
free text, decide, so a message cannot talk the classifier into a category. Pure.
"""

from __future__ import annotations

import re
from typing import Any

from aiops.agents.context import Context

_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("incident", re.compile(
        r"\b(down|outage|broken|fail(s|ed|ing|ure)?|errors?|5\d\d|timeout|timed out|slow|"
        r"not (working|loading|responding)|unavailable|crash(ed|es)?)\b|"
        r"落ち|障害|エラー|遅い|つながらない|繋がらない|動かない", re.I)),
    ("complaint", re.compile(
        r"\b(unacceptable|again\?|complain(t)?|disappointed|terrible|worst)\b|苦情|不満|またか",
        re.I)),
    ("service_request", re.compile(
        r"\b(please|could you|can you|request(ing)?|need (access|a|an)|grant|install|"
        r"reset|create|add me|provision|set up)\b|お願い|申請|依頼|してください|ください", re.I)),
    ("question", re.compile(r"\?|？|\b(how|what|why|when|where|is there)\b|教えて|ですか", re.I)),
)  # fmt: skip


def classify(ctx: Context) -> dict[str, Any]:
    text = " ".join([ctx.incident.title, *(e.summary for e in ctx.events[:20])])
    hits = [(cat, pat.search(text)) for cat, pat in _CATEGORIES]
    found = [(cat, m) for cat, m in hits if m is not None]
    category = found[0][0] if found else "other"
    evidence = [f"{cat}: '{m.group(0)}'" for cat, m in found][:20]
    service = _service(ctx, text)
    conf = 0.8 if found else 0.3
    if len(found) > 1:
        conf = 0.6  # words of several kinds: a person should glance at it
    return {
        "summary": f"{category.replace('_', ' ')}" + (f" about {service}" if service else ""),
        "confidence": conf,
        "evidence": evidence,
        "category": category,
        "service": service,
    }


def _service(ctx: Context, text: str) -> str | None:
    if ctx.cmdb is None:
        return ctx.incident.service
    low = text.lower()
    for svc in ctx.cmdb.services:
        if re.search(rf"\b{re.escape(svc.name.lower())}\b", low):
            return svc.name
    for ci in ctx.cmdb.cis:
        if ci.service and re.search(rf"\b{re.escape(ci.name.lower())}\b", low):
            return ci.service
    return ctx.incident.service


__all__ = ["classify"]
