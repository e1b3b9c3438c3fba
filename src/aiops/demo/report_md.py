"""report.md: the demo report for people, with the definitions and the time scale stated."""

from __future__ import annotations

from typing import Any


def _f(v: Any, fmt: str = "{:.1f}") -> str:
    return "—" if v is None else fmt.format(v)


def _yes(v: bool) -> str:
    return "yes" if v else "**no**"


def render(report: dict[str, Any]) -> str:
    t, meta = report["totals"], report.get("meta", {})
    scale = t["time_scale"]
    lines = [
        "# aiops demo report",
        "",
        f"Started {meta.get('started_at', '?')}, finished {meta.get('finished_at', '?')}; "
        f"seed {meta.get('seed', '?')}; detection: {_detection(meta)}.",
        "",
        f"**Time scale {scale:g}.** To fit every fault into minutes, each rule duration "
        f"(`for`, windows, evaluation interval) was multiplied by {scale:g}; thresholds are "
        f"unchanged. Wall-clock MTTD is what was measured; *real-equivalent* MTTD = wall / "
        f"{scale:g} is what the same rules would take at normal speed (a detector's MTTD is "
        "real already: nothing of theirs is compressed). The sim's load and "
        "faults run in real time, so the real-equivalent figure is an estimate.",
        "",
        "| result | value |",
        "| --- | --- |",
        f"| faults detected | {t['detected']} / {t['faults']} |",
        f"| undetected | {t['undetected']} {', '.join(t['undetected_faults'])} |",
        f"| recovered (incident mitigated by the pipeline) | {t['recovered']} / {t['faults']} |",
        f"| false incidents in no-fault periods | {t['false_incidents']} "
        f"(over {t['no_fault_periods']} period(s)) |",
        f"| MTTD p50 / p95, wall s | {_f(t['mttd_p50_s'])} / {_f(t['mttd_p95_s'])} |",
        f"| MTTD p50 / p95, real-equivalent s | {_f(t['mttd_p50_real_s'])} / "
        f"{_f(t['mttd_p95_real_s'])} |",
        f"| resolved by a change (verification held) | {t.get('resolved_by_change', 0)} / "
        f"{t['faults']} |",
        f"| MTTR p50 / p95, wall s (injection → change verified) | {_f(t.get('mttr_p50_s'))} / "
        f"{_f(t.get('mttr_p95_s'))} |",
        f"| RCA: true root cause ranked first | {_f(t.get('rca_top1'), '{:.0%}')} |",
        f"| changes / actions outside policy | {t.get('changes', 0)} / "
        f"{t.get('actions_outside_policy', 0)} |",
        f"| verdict | {'PASS' if t['ok'] else 'FAIL'} |",
        "",
        "## Remediation",
        "",
        "| scenario | RCA top-1 (expected) | change | runbook | type | state | approved by "
        "| MTTR wall s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *[
            f"| {r['scenario']} | {(r.get('rca') or {}).get('top1') or '—'} "
            f"({(r.get('rca') or {}).get('expected') or '—'}) | "
            f"{(r.get('change') or {}).get('id', '—')} | "
            f"{(r.get('change') or {}).get('runbook', '—')} | "
            f"{(r.get('change') or {}).get('type', '—')} | "
            f"{(r.get('change') or {}).get('state', '—')} | "
            f"{', '.join((r.get('change') or {}).get('approvals', [])) or '—'} | "
            f"{_f(r.get('mttr_s'))} |"
            for r in report["scenarios"] if r["fault"] is not None
        ],
        "",
        "## Scenarios",
        "",
        "| scenario | params | first alert | incident | MTTD wall s | MTTD real s "
        "| detected | recovered | recover s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in report["scenarios"]:
        params = ", ".join(f"{k}={v:g}" for k, v in r["params"].items()) or "—"
        if r["fault"] is None:
            lines.append(
                f"| {r['scenario']} (no fault) | — | — | {r['false_incidents']} false "
                f"incident(s) {' '.join(r['incidents'])} | — | — | — | — | — |"
            )
            continue
        inc = f"{r['incident_id']} (P{r['incident_priority']})" if r["incident_id"] else "—"
        lines.append(
            f"| {r['scenario']} | {params} | {r['first_alert'] or '—'} | {inc} | "
            f"{_f(r['mttd_s'])} | {_f(r['mttd_real_s'], '{:.0f}')} | {_yes(r['detected'])} | "
            f"{_yes(r['recovered'])} | {_f(r['time_to_recover_s'])} |"
        )
    lines += _by_analyzer(report)
    undetected = t["undetected_faults"]
    lines += ["", "## Definitions", ""]
    lines += [
        "- *detected*: an incident on the service opened between the injection and the clear.",
        "- *first alert*: the earliest firing alert on the service in that window; "
        "MTTD = first alert − injection.",
        "- *recovered*: after the fault was cleared, every alert of the incident resolved "
        "and the pipeline moved it to mitigated, before the demo's operator resolved and "
        "closed it (so the next scenario starts clean).",
        "- *false incident*: an incident opened during a no-fault period.",
    ]
    if undetected:
        lines += [
            "",
            "## Not detected",
            "",
            "No baseline rule fired within the detection timeout for: "
            + ", ".join(undetected)
            + ". The report does not fake detection: the static rules in `rules.yaml` "
            "(error ratio, p95 latency, health probe, error-log burst) do not watch the "
            "signal these faults change (e.g. memory for `memory-leak`).",
        ]
    return "\n".join(lines) + "\n"


def _detection(meta: dict[str, Any]) -> str:
    names = {"rules": "the baseline rules (`rules.yaml`)", "detectors": "the anomaly detectors"}
    picked = meta.get("analyzers") or ["rules"]
    return " and ".join(names.get(a, a) for a in picked)


def _by_analyzer(report: dict[str, Any]) -> list[str]:
    """Each analyzer's own figures on the same faults (its own first alert per fault)."""
    per = report["totals"].get("by_analyzer") or {}
    if not per:
        return []
    lines = ["", "## By analyzer", "",
             "| analyzer | detected | false incidents | MTTD p50 / p95, wall s | missed | "
             "fixed before it alerted |",
             "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, a in per.items():
        missed = ", ".join(a["undetected_faults"]) or "—"
        first = ", ".join(a.get("preempted_faults") or []) or "—"
        lines.append(
            f"| {name} | {a['detected']} / {report['totals']['faults']} | "
            f"{a['false_incidents']} | {_f(a['mttd_p50_s'])} / {_f(a['mttd_p95_s'])} | {missed} | "
            f"{first} |"
        )
    lines += ["", "| scenario | " + " | ".join(f"{n}: first alert (MTTD s)" for n in per) + " |",
              "| --- |" + " --- |" * len(per)]  # fmt: skip
    for r in report["scenarios"]:
        if r["fault"] is None:
            continue
        cells = []
        for n in per:
            h = r.get("by_analyzer", {}).get(n, {})
            cells.append(f"{h.get('first_alert') or '—'} ({_f(h.get('mttd_s'))})")
        lines.append(f"| {r['scenario']} | " + " | ".join(cells) + " |")
    return lines


__all__ = ["render"]
