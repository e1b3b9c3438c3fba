"""report.json and a self-contained report.html (inline CSS and SVG, nothing fetched).

The HTML leads with the verdict table a service manager reads, then the charts (MTTD
and MTTR distributions, confusion counts, cost per incident), the definitions, and the
trend over earlier runs. Pure rendering; `write_report` is the only I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from aiops.evaluate.charts import bars, strip_plot
from aiops.evaluate.scores import AGENTS, BASELINE
from aiops.evaluate.scores import __doc__ as DEFINITIONS

CSS = """body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:24px auto;color:#222}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;
text-align:left}th{background:#f3f4f6}.ok{color:#137333}.bad{color:#b3261e}
.rec{font-size:18px;padding:10px;background:#eef4fd;border-left:4px solid #2a7ae2}
pre{white-space:pre-wrap;background:#f8f8f8;padding:8px;font-size:12px}
.wide{overflow-x:auto}"""


def _cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return escape(str(v))


def verdict_table(rows: list[Mapping[str, Any]]) -> str:
    head = "<tr><th>Criterion</th><th>Baseline (people)</th><th>Agents</th><th>Target</th><th>Met</th></tr>"
    body = "".join(
        f"<tr><td>{escape(r['criterion'])}</td><td>{_cell(r['baseline'])}</td>"
        f"<td>{_cell(r['agents'])}</td><td>{escape(str(r['target']))}</td>"
        + ('<td class="ok">yes</td>' if r["met"] else '<td class="bad">no</td>'
           if r["met"] is False else "<td>–</td>") + "</tr>"
        for r in rows
    )  # fmt: skip
    return f"<table>{head}{body}</table>"


def _trend(trend: list[Mapping[str, Any]]) -> str:
    keys = ("at", "variants", "agent_f1", "baseline_f1", "agent_rca_top1", "agent_mttr_s",
            "baseline_mttr_s", "cost_per_incident_usd", "recommendation")  # fmt: skip
    head = "".join(f"<th>{k}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td>{_cell(t.get(k))}</td>" for k in keys) + "</tr>"
                   for t in trend[-20:])  # fmt: skip
    return f'<div class="wide"><table><tr>{head}</tr>{body}</table></div>'


def render_html(doc: Mapping[str, Any]) -> str:
    s, meta = doc["scores"], doc["meta"]
    v, b, a = s["verdict"], s[BASELINE], s[AGENTS]
    conf = {k.upper(): {BASELINE: b["detection"][k], AGENTS: a["detection"][k]}
            for k in ("tp", "fp", "fn", "tn")}  # fmt: skip
    cost = s["cost"]
    cost_bars = {"per incident (USD)": {BASELINE: cost["people_per_incident_usd"] or 0.0,
                                        AGENTS: cost["per_incident_usd"]}}  # fmt: skip
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>aiops eval: agents vs baseline</title><style>{CSS}</style></head><body>",
        "<h1>Agents against the baseline procedure</h1>",
        f"<p>{s['variants']} scenario variants, seed {meta.get('seed')}, time scale "
        f"{meta.get('time_scale')}; operator model: {escape(str(meta.get('operator_model')))}."
        " Times are real-world-equivalent seconds.</p>",
        f"<p class='rec'><b>Recommendation: {escape(v['recommendation'])}</b> — "
        f"{escape(v['why'])}</p>",
        verdict_table(v["rows"]),
        "<h2>Time to detect</h2>",
        strip_plot({BASELINE: b["mttd_values_s"], AGENTS: a["mttd_values_s"]}, "MTTD"),
        "<h2>Time to restore</h2>",
        strip_plot({BASELINE: b["mttr_values_s"], AGENTS: a["mttr_values_s"]}, "MTTR"),
        "<h2>Detection: confusion counts</h2>",
        bars(conf, "confusion counts"),
        "<h2>Cost per incident</h2>",
        bars(cost_bars, "cost per incident"),
        f"<p>Agents: {cost['decisions']} decisions, {cost['tokens']} tokens, {cost['calls']} "
        f"LLM calls, backends {escape(', '.join(cost['backends']) or 'none')}; "
        f"per month {cost['per_month_usd']} USD (budget {cost['budget_usd_month']} USD). "
        "The baseline's cost is the people's time at the configured hourly rate.</p>",
        "<h2>Trend over runs</h2>", _trend(list(doc.get("trend") or [])),
        f"<h2>Definitions</h2><pre>{escape(DEFINITIONS or '')}</pre>",
        "</body></html>",
    ]  # fmt: skip
    return "\n".join(parts)


def write_report(doc: Mapping[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    jpath, hpath = directory / "report.json", directory / "report.html"
    jpath.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    hpath.write_text(render_html(doc), encoding="utf-8")
    return jpath, hpath


__all__ = ["render_html", "verdict_table", "write_report"]
