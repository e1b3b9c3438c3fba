"""The runbook catalogue as agents see it: names, descriptions and the alerts they serve.

Runbooks themselves belong to `act`; here they are data. Read from `runbooks/*.yaml`
in the config directory when present (only `name`, `description`/`title`/`summary`,
`alerts`/`aliases`/`params`, `fixes`, `change_type` and `risk` are looked at), else from the
`runbook:` of each rule in `rules.yaml` (the baseline: "runbook picked by alert name").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiops.agents.context import RunbookInfo
from aiops.config import read_yaml, to_plain


def load_catalogue(config_dir: Path | None) -> list[RunbookInfo]:
    if config_dir is None:
        return []
    by_rule = alert_runbooks(config_dir)
    alerts_of: dict[str, list[str]] = {}
    for alert, rb in by_rule.items():
        alerts_of.setdefault(rb, []).append(alert)
    found: dict[str, RunbookInfo] = {}
    rb_dir = config_dir / "runbooks"
    if rb_dir.is_dir():
        for path in sorted(rb_dir.glob("*.y*ml")):
            doc = to_plain(read_yaml(path))
            for item in doc if isinstance(doc, list) else [doc]:
                info = _info(item, path, alerts_of)
                if info is not None:
                    found.setdefault(info.name, info)
    if not found:
        for rb, alerts in alerts_of.items():
            found[rb] = RunbookInfo(
                rb, "baseline runbook for " + ", ".join(sorted(alerts)), tuple(sorted(alerts))
            )
    return sorted(found.values(), key=lambda r: r.name)


def _info(item: Any, path: Path, alerts_of: dict[str, list[str]]) -> RunbookInfo | None:
    if not isinstance(item, dict):
        return None
    name = item.get("name") or path.stem
    if not isinstance(name, str):
        return None
    desc = ". ".join(
        item[k].strip().rstrip(".")
        for k in ("title", "description", "summary")
        if isinstance(item.get(k), str)
    )
    raw = item.get("alerts") or item.get("triggers") or []
    alerts = {str(a) for a in raw if isinstance(a, str | int)} if isinstance(raw, list) else set()
    raw_aliases = item.get("aliases")
    aliases: list[Any] = raw_aliases if isinstance(raw_aliases, list) else []
    for alias in [name, *aliases]:  # the rules' `runbook:` label may name an alias
        alerts.update(alerts_of.get(str(alias), []))
    raw_params = item.get("params")
    params: dict[Any, Any] = raw_params if isinstance(raw_params, dict) else {}
    specs = {str(k): (v if isinstance(v, dict) else {}) for k, v in params.items()}
    raw_fixes = item.get("fixes")
    fixes = tuple(str(f) for f in raw_fixes) if isinstance(raw_fixes, list) else ()
    ctype, risk = item.get("change_type"), item.get("risk")
    return RunbookInfo(
        name, desc, tuple(sorted(alerts)), specs, fixes,
        ctype if isinstance(ctype, str) else None, risk if isinstance(risk, str) else None,
    )  # fmt: skip


def alert_runbooks(config_dir: Path) -> dict[str, str]:
    """Alert name -> runbook, from `rules.yaml` (empty when absent or unreadable)."""
    path = config_dir / "rules.yaml"
    if not path.exists():
        return {}
    doc = to_plain(read_yaml(path)) or {}
    out: dict[str, str] = {}
    for rule in doc.get("rules", []) if isinstance(doc, dict) else []:
        if isinstance(rule, dict) and isinstance(rule.get("runbook"), str):
            out[str(rule.get("name"))] = rule["runbook"]
    return out


__all__ = ["alert_runbooks", "load_catalogue"]
