"""Every word the control site shows, by language, so a translation is one dict away.

Templates call `t("key")`; JavaScript reads the same dict from a JSON island in the page.
Only English exists today; a missing key in another language falls back to English.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "app_name": "AIOps control",
        "nav_dashboard": "Dashboard",
        "nav_api": "API",
        "services": "Services",
        "no_services": "No services: load a cmdb.yaml to see them here.",
        "active_incidents": "Active incidents: {n}",
        "no_cis": "No configuration items in the CMDB.",
        "charts": "Key metrics",
        "charts_hint": "Last 15 minutes. Red marks: alert fired; green: alert resolved; amber: anomaly signal.",
        "waiting_for_data": "Waiting for data…",
        "open_incidents": "Open incidents",
        "no_open_incidents": "No open incidents.",
        "col_id": "ID",
        "col_priority": "Priority",
        "col_state": "State",
        "col_service": "Service",
        "col_title": "Title",
        "col_age": "Age",
        "col_alerts": "Alerts",
        "col_name": "Name",
        "col_severity": "Severity",
        "col_ci": "CI",
        "col_first_seen": "First seen",
        "col_last_seen": "Last seen",
        "col_count": "Count",
        "col_summary": "Summary",
        "col_time": "Time",
        "col_source": "Source",
        "health_ok": "OK",
        "health_degraded": "Degraded",
        "health_down": "Down",
        "updated": "Updated",
        "refresh_failed": "Refresh failed; retrying.",
        "incident": "Incident",
        "field_service": "Service",
        "field_cis": "Configuration items",
        "field_severity": "Severity",
        "field_opened": "Opened",
        "field_acknowledged": "Acknowledged",
        "field_mitigated": "Mitigated",
        "field_resolved": "Resolved",
        "field_closed": "Closed",
        "field_impact_urgency": "Impact / urgency",
        "actions": "Actions",
        "action_acknowledge": "Acknowledge",
        "action_resolve": "Resolve",
        "action_close": "Close",
        "action_reopen": "Reopen",
        "action_failed": "Action failed",
        "timeline": "Timeline",
        "timeline_empty": "Nothing recorded yet.",
        "diagnosis": "Diagnosis",
        "not_diagnosed": "Not yet diagnosed.",
        "confidence": "confidence",
        "logs": "Log excerpts",
        "no_logs": "No log lines recorded for this incident's services around it.",
        "alerts": "Alerts",
        "no_alerts": "No alerts.",
        "comment": "Add a comment",
        "comment_placeholder": "What did you find or do?",
        "comment_post": "Post comment",
        "why": "why",
        "not_found_title": "Not found",
        "incident_not_found": "There is no incident {id}. It may have been mistyped, or the database was reset.",
        "back_to_dashboard": "Back to the dashboard",
        "kind_alert": "Alert",
        "kind_resolved": "Alert resolved",
        "kind_state": "State",
        "kind_opened": "Opened",
        "kind_grouping": "Grouping",
        "kind_comment": "Comment",
        "kind_diagnosis": "Diagnosis",
        "kind_signal": "Signal",
        "kind_change": "Change",
    },
}

DEFAULT_LANG = "en"


def strings(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """The table for `lang`, English filling any gap."""
    return {**STRINGS[DEFAULT_LANG], **STRINGS.get(lang, {})}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """One string; an unknown key shows as itself so a gap is visible, not a crash."""
    text = strings(lang).get(key, key)
    return text.format(**values) if values else text
