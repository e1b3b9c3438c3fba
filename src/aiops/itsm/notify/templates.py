"""Message templates, Japanese and English. Fields are `{name}` from the event's data;
a missing field renders as `?` rather than failing a notification."""

from __future__ import annotations

import string
from typing import Any

T = dict[str, tuple[str, str]]  # lang -> (subject, body)

TEMPLATES: dict[str, T] = {
    "change.approval_requested": {
        "en": (
            "[{service}] Approval needed: {runbook} ({type} change {change_id})",
            "Incident {incident_id}: {title}\nRunbook: {runbook} {params}\nWhy: {reasons}\n"
            "Approve: {approve_url}\nDeny: {deny_url}\nThe links expire in {link_ttl}.",
        ),
        "ja": (
            "[{service}] 承認依頼: {runbook}（{type} 変更 {change_id}）",
            "インシデント {incident_id}: {title}\nランブック: {runbook} {params}\n理由: {reasons}\n"
            "承認: {approve_url}\n却下: {deny_url}\nリンクの有効期限は {link_ttl} です。",
        ),
    },
    "change.succeeded": {
        "en": (
            "[{service}] Change {change_id} succeeded: {runbook}",
            "Verification held. Incident {incident_id} is resolved.\n{verification}",
        ),
        "ja": (
            "[{service}] 変更 {change_id} 成功: {runbook}",
            "検証に合格しました。インシデント {incident_id} を解決済みにしました。\n{verification}",
        ),
    },
    "change.failed": {
        "en": (
            "[{service}] Change {change_id} FAILED: {runbook}",
            "{error}\nRollback: {rollback}. Incident {incident_id} needs a person.",
        ),
        "ja": (
            "[{service}] 変更 {change_id} 失敗: {runbook}",
            "{error}\nロールバック: {rollback}。インシデント {incident_id} は人の対応が必要です。",
        ),
    },
    "change.decided": {
        "en": (
            "[{service}] Change {change_id} {state}",
            "{runbook}: {state} by {actor}. {comment}",
        ),
        "ja": (
            "[{service}] 変更 {change_id} は {state}",
            "{runbook}: {actor} により {state}。{comment}",
        ),
    },
    "sla.warning": {
        "en": (
            "[{service}] SLA warning: incident {incident_id} ({clock})",
            "P{priority} {clock} target due at {due}; {left} left.",
        ),
        "ja": (
            "[{service}] SLA 警告: インシデント {incident_id}（{clock}）",
            "P{priority} の{clock}目標期限は {due}、残り {left} です。",
        ),
    },
    "sla.breached": {
        "en": (
            "[{service}] SLA BREACHED: incident {incident_id} ({clock})",
            "P{priority} {clock} target was due at {due}.",
        ),
        "ja": (
            "[{service}] SLA 違反: インシデント {incident_id}（{clock}）",
            "P{priority} の{clock}目標期限 {due} を過ぎました。",
        ),
    },
    "problem.opened": {
        "en": (
            "[{service}] Problem {problem_id}: {title}",
            "{count} incidents with the same cause ({key}) since {since}.",
        ),
        "ja": (
            "[{service}] 問題 {problem_id}: {title}",
            "{since} 以降、同じ原因（{key}）のインシデントが {count} 件発生しています。",
        ),
    },
    "runbook.notice": {
        "en": (
            "[{service}] {runbook}: notice",
            "{message}\nIncident {incident_id}, change {change_id}.",
        ),
        "ja": (
            "[{service}] {runbook}: お知らせ",
            "{message}\nインシデント {incident_id}、変更 {change_id}。",
        ),
    },
    "incident.escalation": {
        "en": (
            "[{service}] Escalation: P{priority} incident {incident_id} open for {age}",
            "{title}\nState: {state}.",
        ),
        "ja": (
            "[{service}] エスカレーション: P{priority} インシデント {incident_id}（{age} 経過）",
            "{title}\n状態: {state}。",
        ),
    },
}


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def render(event: str, lang: str, data: dict[str, Any]) -> tuple[str, str]:
    """Subject and body for `event` in `lang` (English when missing)."""
    table = TEMPLATES.get(event) or {"en": ("[{service}] " + event, "{message}")}
    subject, body = table.get(lang) or table["en"]
    values = _Safe({k: v for k, v in data.items()})
    fmt = string.Formatter()
    return fmt.vformat(subject, (), values)[:300], fmt.vformat(body, (), values)[:8000]


__all__ = ["TEMPLATES", "render"]
