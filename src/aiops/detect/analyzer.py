"""`DetectorAnalyzer`: the anomaly detectors as a worker analyzer (beside the baseline rules).

    samples ─► Deriver (rates, 5xx ratio, p95, gauges) ─► SeriesFleet (live profile)
                                                          └► Hysteresis ─┐
    log lines ─► LogMiner ─► LogSignalDetector (error burst, new error template)
                                                                         ├► FamilyAlerts
                                                                         ┘   Event(kind=signal)

Events carry `source="detectors"`, the service/CI of the data, a severity from the score,
the signal's explanation as summary, and labels naming the detector and the series. One
fingerprint per (service, CI, derived family): every series of a family (instances,
label sets) shares one alert, which fires when the first series fires and resolves when
the last one does. Nothing here knows a metric name.

The points of one scrape are scored together by a `SeriesFleet` (one numpy step for all
series; the numbers of one `SeriesDetector` per series), then judged point by point in
their order. The fleet and `_series` forget the least recently seen series by the same
rule over the same keys, so they always hold the same series.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from aiops.detect.alerting import Hysteresis, Transition, Verdict
from aiops.detect.derive import Deriver, Point
from aiops.detect.live import LiveConfig
from aiops.detect.logs import Layout, LogMiner, LogSignalDetector
from aiops.detect.metrics import Score, SeriesFleet, StreamResult
from aiops.model import Event, EventKind, EventStatus, Sample, Severity, Signal
from aiops.normalize import fingerprint, make_event

SOURCE = "detectors"
ERROR_SCORE = 0.9  # a ten-fold change (or a new error template burst) pages as an error
_ERROR_LEVELS = frozenset({Severity.error, Severity.critical})


@dataclass
class _Series:
    state: Hysteresis
    family: str
    key: tuple[str | None, str | None, str]
    last_at: float = 0.0


@dataclass
class _Family:
    """One alert stream: the series of a family that currently fire."""

    fp: str
    service: str | None
    ci: str | None
    family: str
    firing: set[str] = field(default_factory=set)
    fired_at: datetime | None = None
    last_error_at: datetime | None = None  # log families: resolve after a quiet spell


@dataclass
class _LogStream:
    miner: LogMiner
    signals: LogSignalDetector


class DetectorAnalyzer:
    """Metric and log anomaly detection with alert hysteresis (see the module docstring)."""

    name = SOURCE

    def __init__(self, config: LiveConfig | None = None) -> None:
        self.config = config or LiveConfig()
        cfg = self.config
        self.deriver = Deriver(quantile=cfg.quantile, min_events=cfg.min_events,
                               max_gap_s=cfg.detector.max_gap_s)  # fmt: skip
        self._series: OrderedDict[str, _Series] = OrderedDict()
        self._fleet = SeriesFleet(cfg.max_series)
        self._families: dict[str, _Family] = {}
        self._logs: dict[str, _LogStream] = {}

    # -- the Analyzer protocol -----------------------------------------------------------

    def observe(self, items: Sequence[Sample | Event], now: datetime) -> list[Event]:
        samples = [i for i in items if isinstance(i, Sample)]
        out: list[Event] = []
        if samples:
            points = [p for p in self.deriver.add(samples) if math.isfinite(p.value)]
            scores = self._scores(points)
            for i, point in enumerate(points):
                out.extend(self._point(point, scores, i, now))
        for item in items:
            if isinstance(item, Event) and item.kind is EventKind.log:
                out.extend(self._log(item, now))
        return out

    def tick(self, now: datetime) -> list[Event]:
        """Resolve alerts whose series went silent, and log alerts after a quiet spell."""
        out: list[Event] = []
        t = now.timestamp()
        for key, s in list(self._series.items()):
            if s.state.firing and t - s.last_at > self.config.stale_s:
                s.state.firing = False
                out.extend(self._family_change(s, key, Transition.resolved, now, None, None))
        quiet = self.config.logs.quiet_s
        for fam in self._families.values():
            last = fam.last_error_at
            if fam.firing and last is not None and (now - last).total_seconds() > quiet:
                fam.firing.clear()
                out.append(self._event(fam, EventStatus.resolved, now, "no error lines for "
                                       f"{quiet:.0f} s", {}))  # fmt: skip
        return out

    # -- metrics -------------------------------------------------------------------------

    def _scores(self, points: list[Point]) -> StreamResult:
        """The detector's verdict on each point, all series of the scrape in one step."""
        return self._fleet.score([p.series for p in points], [p.at.timestamp() for p in points],
                                 [p.value for p in points], self.config.detector)  # fmt: skip

    def _series_of(self, p: Point) -> _Series:
        s = self._series.pop(p.series, None)
        if s is None:
            s = _Series(Hysteresis(self.config.alerting), p.family, (p.service, p.ci, p.family))
            while len(self._series) >= self.config.max_series:
                self._series.popitem(last=False)
        self._series[p.series] = s
        return s

    def _point(self, p: Point, scores: StreamResult, i: int, now: datetime) -> list[Event]:
        s = self._series_of(p)
        s.last_at = p.at.timestamp()
        verdict = s.state.update(p.value, bool(scores.is_anomaly[i]))
        if verdict.relearn:  # the episode is over: its values must not pass for normal
            self._fleet.forget(p.series)
        if verdict.transition is None:
            return []
        return self._family_change(s, p.series, verdict.transition, now, scores.at(i), verdict, p)

    def _family_change(
        self,
        s: _Series,
        series: str,
        transition: Transition,
        now: datetime,
        score: Score | None,
        verdict: Verdict | None,
        p: Point | None = None,
    ) -> list[Event]:
        fam = self._family(*s.key)
        was = bool(fam.firing)
        if transition is Transition.fired:
            fam.firing.add(series)
        else:
            fam.firing.discard(series)
        if was == bool(fam.firing):
            return []
        if fam.firing:
            assert verdict is not None and score is not None and p is not None
            fam.fired_at = now
            return [self._fired(fam, series, score, verdict, p, now)]
        why = "back to normal" if verdict is not None else "no data"
        return [self._event(fam, EventStatus.resolved, now, f"{series}: {why}", {})]

    def _fired(
        self, fam: _Family, series: str, score: Score, v: Verdict, p: Point, now: datetime
    ) -> Event:
        fold = max(v.ratio, 1 / v.ratio) if v.ratio not in (0.0, math.inf) else math.inf
        strength = 1.0 - 1.0 / fold if fold > 1 else 0.0
        a = self.config.alerting
        direction = "above" if p.value > v.expected else "below"
        text = (
            f"{score.detector or 'level'}: {series} is {p.value:.4g}, {direction} its normal "
            f"{v.expected:.4g} ({_fold(fold)}; {min(v.z, 999):.1f}x its normal range beyond it) in "
            f"{a.k} of the "
            f"last {a.n} readings"
        )
        labels = {"detector": score.detector or "level", "series": series[:200]}
        payload = {"observed": p.value, "expected": v.expected, "z": _finite(v.z),
                   "fold": _finite(fold), "score": round(strength, 3), "kind": p.kind}  # fmt: skip
        return self._event(fam, EventStatus.firing, now, text, labels, strength, payload)

    # -- logs ----------------------------------------------------------------------------

    def _log(self, e: Event, now: datetime) -> list[Event]:
        stream = self._logs.get(e.source)
        if stream is None:
            cfg = self.config.logs.signal_config()
            stream = _LogStream(LogMiner(Layout()), LogSignalDetector(
                series=f"logs:{e.source}", config=cfg, service=e.service))  # fmt: skip
            self._logs[e.source] = stream
        parsed = stream.miner.add(e.summary, at=e.occurred_at)
        parsed = replace(parsed, level=e.severity.value)
        out: list[Event] = []
        if e.severity in _ERROR_LEVELS:
            for fam in self._families.values():
                if fam.family.startswith("logs:") and fam.firing and fam.service == e.service:
                    fam.last_error_at = max(fam.last_error_at or now, now)
        for sig in stream.signals.observe(parsed, now=now):
            out.extend(self._log_signal(sig, e, now))
        return out

    def _log_signal(self, sig: Signal, e: Event, now: datetime) -> list[Event]:
        if sig.detector == "log_error_burst":
            family = "logs:error_burst"
        elif sig.detector == "log_new_template" and sig.severity in _ERROR_LEVELS:
            family = "logs:new_error_template"
        else:
            return []  # rate changes and new info lines are not worth a page
        fam = self._family(e.service, e.ci, family)
        fam.last_error_at = now
        if fam.firing:
            return []
        fam.firing.add(sig.series)
        fam.fired_at = now
        labels = {"detector": sig.detector, "series": sig.series}
        payload = {"observed": sig.observed, "expected": sig.expected, "score": sig.score}
        return [self._event(fam, EventStatus.firing, now, sig.explanation, labels, sig.score,
                            payload)]  # fmt: skip

    # -- events --------------------------------------------------------------------------

    def _family(self, service: str | None, ci: str | None, family: str) -> _Family:
        fp = fingerprint(SOURCE, service or "", ci or "", family)
        fam = self._families.get(fp)
        if fam is None:
            fam = self._families[fp] = _Family(fp, service, ci, family)
        return fam

    def _event(
        self,
        fam: _Family,
        status: EventStatus,
        now: datetime,
        summary: str,
        labels: dict[str, str],
        score: float = 0.0,
        payload: dict[str, object] | None = None,
    ) -> Event:
        fired = fam.fired_at or now
        severity = Severity.error if score >= ERROR_SCORE else Severity.warning
        return make_event(
            source=SOURCE,
            kind=EventKind.signal,
            fingerprint=fam.fp,
            id=fingerprint(fam.fp, status.value, fired.isoformat(), now.isoformat()),
            occurred_at=now,
            now=now,
            service=fam.service,
            ci=fam.ci,
            severity=severity,
            status=status,
            summary=summary[:500],
            labels={
                "alertname": f"Anomaly {fam.family}",
                "family": fam.family,
                "analyzer": SOURCE,
                **labels,
            },  # fmt: skip
            payload={"fired_at": fired.isoformat(), **(payload or {})},
        )


def _fold(fold: float) -> str:
    return "no longer near it" if math.isinf(fold) else f"{fold:.1f}x"


def _finite(x: float) -> float | None:
    return round(x, 4) if math.isfinite(x) else None


__all__ = ["SOURCE", "DetectorAnalyzer"]
