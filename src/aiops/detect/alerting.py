"""From anomaly scores to alerts: page only for a sustained, material departure from normal.

A streaming detector flags novelty; novelty alone is not worth a page (a load burst, a
new maximum of a noisy series). `Hysteresis` keeps, per series, a learned normal (the
recent values seen while not alerting) and fires only when

- the detector flagged the series within the last `n` evaluations (armed), and
- in at least `k` of the last `n` evaluations the value was *material*: outside the whole
  range the normal window has had, by at least `beyond` times that range, AND at least
  `factor` times above or below the normal level (median).

Judging against the window's full range means a noisy or bursty series (load peaks, a
few events now and then at low traffic) has a wide range and cannot page on its noise,
while a steady series (memory, a ratio that is always 0) pages on a clear break.

Values join the normal only once `n` later evaluations have passed without firing, so
the start of an episode does not teach the normal its own anomaly; nor do the values of
an *excursion* (flagged and material, but too short to fire: a restart's dip), so the
next, real outage still stands out. A firing alert resolves after `clear` evaluations in
a row back inside the normal band; or, when the series has settled at its new level for
`adapt` evaluations without any new flag, the new level becomes the normal (a permanent
change is not an outage). When an episode ends back at the old normal (an alert
resolved, an excursion over), the verdict says `relearn`: the streaming detector's
memory holds the episode's values as if they were normal, and should start afresh, or a
second fault like the first would look familiar to it. While it relearns (the next
`normal` evaluations) the kept normal arms the alert by itself: a fault that starts
during the detector's warm-up would otherwise be learnt as its normal.
Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

RELATIVE_FLOOR = 1e-6  # the range unit of a flat series: a millionth of its level ...
ABSOLUTE_FLOOR = 1e-9  # ... and never zero


class AlertingConfig(BaseModel):
    """One configuration for every derived series."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    normal: int = Field(60, ge=4, le=4096, description="values the learned normal spans")
    min_normal: int = Field(10, ge=2, description="values needed before anything can fire")
    k: int = Field(3, ge=1, description="material evaluations needed among the last n")
    n: int = Field(4, ge=1, le=64, description="evaluations looked back over")
    factor: float = Field(1.5, gt=1.0, description="x-fold change vs normal that is material")
    beyond: float = Field(1.0, ge=0.0, description="ranges outside the normal range, material")
    clear: int = Field(3, ge=1, description="normal evaluations in a row that resolve")
    adapt: int = Field(30, ge=1, description="settled evaluations after which a level is normal")


class Transition(StrEnum):
    fired = "fired"
    resolved = "resolved"


@dataclass(frozen=True)
class Verdict:
    """What the last evaluation said, with the numbers for the explanation."""

    transition: Transition | None
    material: bool
    expected: float
    ratio: float  # observed / expected (inf when expected is 0)
    z: float  # how far outside the normal range, in ranges
    relearn: bool = False  # an episode ended back at normal: forget what the detector saw


def effect(x: float, normal: np.ndarray) -> tuple[float, float, float]:
    """(level, fold change in [1, inf], exceedance) of `x` against the `normal` window.

    level = median; the fold change is symmetric (a drop to a third and a tripling are
    both 3) on values clipped at 0; exceedance = distance outside [min, max] in units of
    max - min (floored, so a flat series still has a finite unit).
    """
    level = float(np.median(normal))
    lo_n, hi_n = float(normal.min()), float(normal.max())
    unit = max(hi_n - lo_n, RELATIVE_FLOOR * abs(level), ABSOLUTE_FLOOR)
    exceed = max(x - hi_n, lo_n - x, 0.0) / unit
    lo, hi = sorted((max(x, 0.0) + ABSOLUTE_FLOOR, max(level, 0.0) + ABSOLUTE_FLOOR))
    return level, hi / lo, exceed


class Hysteresis:
    """The alert state of one series (see the module docstring)."""

    def __init__(self, config: AlertingConfig | None = None) -> None:
        self.config = config or AlertingConfig()
        self.normal: deque[float] = deque(maxlen=self.config.normal)
        self.recent: deque[tuple[bool, bool]] = deque(maxlen=self.config.n)  # (flag, material)
        self._lag: deque[float] = deque()  # values still under judgement, not yet normal
        self.firing = False
        self._calm = 0  # evaluations in a row back inside normal, while firing
        self._settled = 0  # evaluations in a row without a flag, while firing
        self._since_fire: list[float] = []  # values while firing (the candidate new normal)
        self._excursion = False  # flagged and material values seen, not (yet) firing
        self._self_armed = 0  # evaluations left in which `material` arms without the detector

    def update(self, value: float, flagged: bool) -> Verdict:
        """Judge one value; `flagged` = the detector called it anomalous."""
        cfg = self.config
        if not math.isfinite(value):
            return Verdict(None, False, math.nan, math.nan, 0.0)
        if len(self.normal) < cfg.min_normal:
            self.normal.append(value)
            return Verdict(None, False, math.nan, math.nan, 0.0)
        level, fold, z = effect(value, np.fromiter(self.normal, float))
        material = fold >= cfg.factor and z >= cfg.beyond
        if self._self_armed > 0:  # the detector relearns: the kept normal judges alone
            self._self_armed -= 1
            flagged = flagged or material
        self.recent.append((flagged, material))
        ratio = value / level if level else math.inf
        transition = self._fire_or_resolve(value, flagged, material)
        relearn = transition is Transition.resolved and self._calm >= cfg.clear
        if self.firing:
            self._lag.clear()
            self._excursion = False
        elif transition is None:
            if flagged and material:  # an excursion: its values are not normal
                self._excursion = True
            else:
                if self._excursion and not material:  # it ended without firing
                    self._excursion, relearn = False, True
                self._lag.append(value)  # joins the normal once its window has passed
                if len(self._lag) > cfg.n:
                    self.normal.append(self._lag.popleft())
        if relearn:
            self._self_armed = cfg.normal
        return Verdict(transition, material, level, ratio, z, relearn)

    def _fire_or_resolve(self, value: float, flagged: bool, material: bool) -> Transition | None:
        cfg = self.config
        if not self.firing:
            armed = any(f for f, _ in self.recent)
            if armed and sum(m for _, m in self.recent) >= cfg.k:
                self.firing, self._calm, self._settled = True, 0, 0
                self._since_fire = [value]
                return Transition.fired
            return None
        self._since_fire = [*self._since_fire[-(cfg.normal - 1) :], value]
        self._calm = 0 if material else self._calm + 1
        self._settled = 0 if flagged else self._settled + 1
        if self._calm >= cfg.clear:
            self.firing = False
            self.recent.clear()
            return Transition.resolved
        if self._settled >= cfg.adapt:  # the new level is the normal now
            self.firing = False
            self.recent.clear()
            self.normal.clear()
            self.normal.extend(self._since_fire[-cfg.adapt :])
            return Transition.resolved
        return None


__all__ = ["AlertingConfig", "Hysteresis", "Transition", "Verdict", "effect"]
