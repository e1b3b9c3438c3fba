"""Per-CI evidence: the facts a candidate is ranked on, and the sentences that explain them.

Each `Finding` collects what one CI shows: its metrics' robust z-scores (weighted by
how relevant the metric kind is to the symptom), when it first went anomalous,
recent changes, new log templates and matching known errors. `anomaly` folds
them into one number the graph propagation uses; `sentences` says it in words a
service manager can check against the dashboards.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiops.diagnose.case import Case, Change, KnownError, LogSignal, MetricKind, Series
from aiops.diagnose.magnitude import Magnitude, measure

Z0 = 3.0  # below this robust z a metric is within normal noise
TRAFFIC_WEIGHT = 0.3  # load moves with the fault but rarely is it
OTHER_WEIGHT = 0.5
OTHER_FAULT_WEIGHT = 0.7  # a fault metric of another kind than the symptom's
CHANGE_BONUS = 1.0  # in units of log1p(z - Z0): a change is worth z ~ 4.7 of metric evidence
NEW_ERROR_LOG_BONUS = 1.0
NEW_LOG_BONUS = 0.5
KNOWN_ERROR_BONUS = 1.0
RECENT_CHANGE_BONUS = 4.0  # a change minutes before the onset is the first suspect (z ~ 58)
RECENT_CHANGE_S = 15 * 60.0
CHANGE_LOOKBACK_S = 6 * 3600.0
CHANGE_SKEW_S = 300.0

_FAULT_KINDS = {
    MetricKind.latency,
    MetricKind.errors,
    MetricKind.availability,
    MetricKind.cpu,
    MetricKind.memory,
}
_ERROR_WORDS = re.compile(r"\b(error|exception|fail\w*|fatal|panic|timeout|refused|denied)\b", re.I)


def kind_weight(kind: MetricKind, symptom_kind: MetricKind | None) -> float:
    """How much a metric of `kind` counts, given the symptom's kind (None: no symptom)."""
    if kind is MetricKind.traffic:
        return TRAFFIC_WEIGHT
    if kind is MetricKind.other:
        return OTHER_WEIGHT
    if symptom_kind is None or symptom_kind not in _FAULT_KINDS or kind == symptom_kind:
        return 1.0
    return OTHER_FAULT_WEIGHT


# A call's outcome: it fails, it is slow, or it times out (both). Across a call, any of
# them on the callee explains any of them on the caller: a pool that times out makes its
# caller slow, a vendor that hangs makes its caller's requests fail with 504.
_OUTCOME = frozenset({MetricKind.errors, MetricKind.availability, MetricKind.latency})


def family(kind: MetricKind) -> MetricKind:
    """Kinds that explain each other across a call: errors, availability and latency are
    one family (the call's outcome); resources (cpu, memory) and traffic stand alone."""
    return MetricKind.errors if kind in _OUTCOME else kind


def strength(z: float) -> float:
    """Evidence strength of a robust z: 0 inside noise, then logarithmic (z 1000 is not 50x z 20)."""
    return math.log1p(max(z - Z0, 0.0))


@dataclass
class Finding:
    """What one CI shows. `metrics` is sorted strongest first."""

    ci: str
    metrics: list[tuple[Series, Magnitude, float]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    logs: list[LogSignal] = field(default_factory=list)
    known_errors: list[KnownError] = field(default_factory=list)
    onset_hint: float | None = None  # the case's onset (symptom time), for change recency

    @property
    def metric_anomaly(self) -> float:
        if not self.metrics:
            return 0.0
        _, mag, w = self.metrics[0]
        return w * strength(mag.z)

    @property
    def top_family(self) -> MetricKind | None:
        return family(self.metrics[0][0].kind) if self.metrics else None

    def family_anomaly(self, fam: MetricKind | None) -> float:
        """The strongest weighted evidence among this CI's metrics of family `fam`."""
        return max(
            (w * strength(m.z) for s, m, w in self.metrics if family(s.kind) == fam),
            default=0.0,
        )

    @property
    def anomaly(self) -> float:
        """Metric evidence plus the bonuses of changes, logs and known errors."""
        return self.metric_anomaly + self.bonus

    @property
    def bonus(self) -> float:
        """The evidence that is not a metric: recent changes, new error logs, known errors.

        A change just before the onset weighs more than one hours earlier; with no
        onset known every change counts as recent.
        """
        bonus = 0.0
        if self.changes:
            recent = self.onset_hint is None or any(
                self.onset_hint - c.at <= RECENT_CHANGE_S for c in self.changes
            )
            bonus = RECENT_CHANGE_BONUS if recent else CHANGE_BONUS
        if any(_ERROR_WORDS.search(s.template) for s in self.logs):
            bonus += NEW_ERROR_LOG_BONUS
        elif self.logs:
            bonus += NEW_LOG_BONUS
        if self.known_errors:
            bonus += KNOWN_ERROR_BONUS
        return bonus

    @property
    def families(self) -> set[MetricKind]:
        """The families this CI has metrics of (each is explained away on its own)."""
        return {family(s.kind) for s, _, _ in self.metrics}

    @property
    def onset(self) -> float | None:
        times = [m.onset for _, m, w in self.metrics if m.onset is not None and m.z >= Z0]
        return min(times) if times else None

    def saturated_by(self, t: float | None) -> bool:
        """This CI's own CPU was anomalous at or before `t`: a CPU-starved process waits
        for the CPU inside every call it times, so what it measures of its callees is slow
        too (the demo's sulu times its own database queries)."""
        if t is None:
            return False
        return any(
            s.kind is MetricKind.cpu and m.z >= Z0 and m.onset is not None and m.onset <= t
            for s, m, _ in self.metrics
        )

    def recent_change_before(self, t: float | None) -> bool:
        """A change on this CI at most RECENT_CHANGE_S before `t` (the case onset if None)."""
        t = self.onset_hint if t is None else t
        if t is None:
            return bool(self.changes)
        return any(0.0 <= t - c.at <= RECENT_CHANGE_S for c in self.changes)


def findings(case: Case) -> dict[str, Finding]:
    """One Finding per CI of the case."""
    out = {ci: Finding(ci, onset_hint=case.onset) for ci in case.cis()}
    symptom_kind = case.symptom.kind if case.symptom else None
    for s in case.series:
        mag = measure(s)
        if mag is None:
            continue
        out[s.ci].metrics.append((s, mag, kind_weight(s.kind, symptom_kind)))
    for f in out.values():
        f.metrics.sort(key=lambda t: (-t[2] * strength(t[1].z), -t[1].z, t[0].metric))
    onset = case.onset
    for c in case.changes:
        if onset is None or onset - CHANGE_LOOKBACK_S <= c.at <= onset + CHANGE_SKEW_S:
            out[c.ci].changes.append(c)
    for log in case.logs:
        if log.new:
            out[log.ci].logs.append(log)
    for f in out.values():
        templates = [s.template for s in f.logs]
        f.known_errors = [k for k in case.known_errors if k.matches(f.ci, templates)]
    return out


def _when(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _num(x: float) -> str:
    return f"{x:.4g}"


def metric_sentence(s: Series, m: Magnitude) -> str:
    ratio = m.ratio
    times = f", {ratio:.2g}x normal" if ratio is not None and ratio > 0 else ""
    return (
        f"magnitude: {s.metric} ({s.kind.value}) reached {_num(m.observed)} against a normal "
        f"median of {_num(m.baseline)}: robust z {m.z:.1f}{times}"
    )


def sentences(
    f: Finding, *, onset_rank: int | None, n_onsets: int, position: str | None
) -> list[str]:
    """Human-readable evidence for one candidate, strongest first."""
    out: list[str] = []
    strong = [(s, m) for s, m, _ in f.metrics if m.z >= Z0]
    for s, m in strong[:3]:
        out.append(metric_sentence(s, m))
    if len(strong) > 3:
        out.append(f"magnitude: {len(strong) - 3} more anomalous metric(s) on {f.ci}")
    if not strong:
        best = f.metrics[0] if f.metrics else None
        out.append(
            f"magnitude: no metric of {f.ci} left its normal range"
            + (f" (largest robust z {best[1].z:.1f} on {best[0].metric})" if best else "")
        )
    if f.onset is not None and onset_rank is not None:
        first = "among the first" if onset_rank == 1 else f"#{onset_rank}"
        out.append(f"onset: anomalous from {_when(f.onset)}, {first} of {n_onsets} anomalous CIs")
    if position:
        out.append(position)
    for c in f.changes[:3]:
        out.append(f"change: {c.summary or 'change'} at {_when(c.at)}")
    for log in f.logs[:3]:
        out.append(f"log: new template {log.template!r} ({log.count}x)")
    for k in f.known_errors[:3]:
        out.append(f"known error {k.id}: {k.title}")
    return out


__all__ = ["Finding", "family", "findings", "kind_weight", "sentences", "strength"]
