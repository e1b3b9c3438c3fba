"""Log signals from mined lines: a new template, a template's rate changing, an error burst.

`LogSignalDetector.observe` takes each `ParsedLine` in order and returns the `Signal`s it
raises, each with a sentence saying what was expected and what came. Memory is bounded:
a few numbers per template and a deque of recent error times.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiops.detect.logs.templates import ParsedLine
from aiops.model import Severity, Signal

_ERROR_LEVELS = frozenset({"error", "critical"})


@dataclass(frozen=True)
class LogSignalConfig:
    """One default serves every stream; times in seconds."""

    warmup_s: float = 300.0  # no new-template signal before the stream is this old
    warmup_lines: int = 200  # ... nor before this many lines
    bucket_s: float = 60.0  # rate of a template is counted per bucket
    rate_min_buckets: int = 5  # buckets of history before a rate change can fire
    rate_factor: float = 4.0  # observed vs expected ratio that counts as a change
    rate_min_count: float = 10.0  # and at least this many lines in the larger side
    rate_alpha: float = 0.2  # weight of the newest bucket in the expected rate
    burst_window_s: float = 60.0
    burst_min_errors: int = 10
    burst_factor: float = 5.0  # errors in window vs usual errors per window


@dataclass
class _Rate:
    bucket: int
    count: int = 0
    mean: float = 0.0
    seen_buckets: int = 0


@dataclass
class LogSignalDetector:
    """Turns mined lines of one stream (`series`) into Signals."""

    series: str = "logs"
    config: LogSignalConfig = field(default_factory=LogSignalConfig)
    service: str | None = None
    _start: datetime | None = None
    _lines: int = 0
    _rates: dict[int, _Rate] = field(default_factory=dict)
    _errors: deque[datetime] = field(default_factory=deque)
    _error_mean: float = 0.0
    _error_windows: int = 0
    _window_start: datetime | None = None
    _window_errors: int = 0
    _in_burst: bool = False

    def observe(self, line: ParsedLine, *, now: datetime) -> list[Signal]:
        """Signals raised by this line. `now` is used when the line has no timestamp."""
        at = line.at or now
        if self._start is None:
            self._start = at
        self._lines += 1
        out: list[Signal] = []
        if line.is_new_template and self._warm(at):
            out.append(self._new_template(line, at))
        out.extend(self._rate(line, at))
        if line.level in _ERROR_LEVELS:
            burst = self._error(at, line)
            if burst is not None:
                out.append(burst)
        else:
            self._roll_error_window(at)
        return out

    def _warm(self, at: datetime) -> bool:
        assert self._start is not None
        old = (at - self._start).total_seconds() >= self.config.warmup_s
        return old and self._lines > self.config.warmup_lines

    def _signal(self, detector: str, at: datetime, **kw: object) -> Signal:
        return Signal(detector=detector, series=self.series, at=at, service=self.service, **kw)

    def _new_template(self, line: ParsedLine, at: datetime) -> Signal:
        severity = Severity.error if line.level in _ERROR_LEVELS else Severity.warning
        return self._signal(
            "log_new_template",
            at,
            score=0.7 if severity is Severity.error else 0.5,
            observed=1.0,
            expected=0.0,
            severity=severity,
            explanation=f"new log template #{line.template_id} after warm-up: {line.template!r}",
            labels={"template_id": str(line.template_id), "example": line.message[:200]},
        )

    def _rate(self, line: ParsedLine, at: datetime) -> list[Signal]:
        """Close the template's bucket when `at` passed it; compare its count to the usual."""
        cfg = self.config
        bucket = int(at.timestamp() // cfg.bucket_s)
        rate = self._rates.get(line.template_id)
        if rate is None:
            self._rates[line.template_id] = _Rate(bucket=bucket, count=1)
            return []
        out: list[Signal] = []
        if bucket > rate.bucket:
            out.extend(self._close_bucket(line, rate, at))
            # buckets with no line in between count as zeros in the expected rate
            gap = min(bucket - rate.bucket - 1, 1000)
            rate.mean *= (1 - cfg.rate_alpha) ** gap
            rate.seen_buckets += gap
            rate.bucket, rate.count = bucket, 0
        rate.count += 1
        return out

    def _close_bucket(self, line: ParsedLine, rate: _Rate, at: datetime) -> list[Signal]:
        cfg = self.config
        observed, expected = float(rate.count), rate.mean
        fired: list[Signal] = []
        if rate.seen_buckets >= cfg.rate_min_buckets:
            hi, lo = max(observed, expected), max(min(observed, expected), 0.5)
            if hi >= cfg.rate_min_count and hi / lo >= cfg.rate_factor:
                direction = "rose" if observed > expected else "fell"
                ratio = hi / lo
                fired.append(
                    self._signal(
                        "log_rate_change",
                        at,
                        since=datetime.fromtimestamp(rate.bucket * cfg.bucket_s, tz=at.tzinfo),
                        score=min(1.0, math.log(ratio) / math.log(cfg.rate_factor * 4)),
                        observed=observed,
                        expected=round(expected, 3),
                        explanation=(
                            f"template #{line.template_id} {direction}: {observed:.0f} lines per "
                            f"{cfg.bucket_s:.0f}s, usually {expected:.1f} ({line.template!r})"
                        ),
                        labels={"template_id": str(line.template_id)},
                    )
                )
        a = cfg.rate_alpha if rate.seen_buckets else 1.0
        rate.mean = (1 - a) * rate.mean + a * observed
        rate.seen_buckets += 1
        return fired

    def _roll_error_window(self, at: datetime) -> None:
        """Keep the usual number of errors per window, from windows that have ended."""
        window = timedelta(seconds=self.config.burst_window_s)
        if self._window_start is None:
            self._window_start = at
        ended = int((at - self._window_start) / window)
        if ended >= 1:
            a = 0.1 if self._error_windows else 1.0
            self._error_mean = (1 - a) * self._error_mean + a * self._window_errors
            self._error_mean *= 0.9 ** min(ended - 1, 1000)  # the quiet windows after it
            self._error_windows += ended
            self._window_errors = 0
            self._window_start += window * ended
        while self._errors and at - self._errors[0] > window:
            self._errors.popleft()
        if self._in_burst and len(self._errors) < self.config.burst_min_errors // 2:
            self._in_burst = False

    def _error(self, at: datetime, line: ParsedLine) -> Signal | None:
        self._roll_error_window(at)
        self._errors.append(at)
        self._window_errors += 1
        cfg = self.config
        count = len(self._errors)
        expected = self._error_mean
        if self._in_burst or count < cfg.burst_min_errors or count < cfg.burst_factor * expected:
            return None
        self._in_burst = True
        return self._signal(
            "log_error_burst",
            at,
            since=self._errors[0],
            score=min(
                1.0, 0.5 + count / (4 * max(cfg.burst_min_errors, cfg.burst_factor * expected))
            ),
            observed=float(count),
            expected=round(expected, 3),
            severity=Severity.error,
            explanation=(
                f"{count} error lines in {cfg.burst_window_s:.0f}s, usually {expected:.1f}; "
                f"latest: {line.message[:160]!r}"
            ),
            labels={"template_id": str(line.template_id)},
        )
