"""Alert hysteresis: a single spike does not fire, a sustained material shift does,
recovery resolves, a noisy or seasonal normal never fires, and a new level is learnt."""

from __future__ import annotations

import math
import random

from aiops.detect.alerting import AlertingConfig, Hysteresis, Transition
from aiops.detect.live import LIVE_DETECTOR
from aiops.detect.metrics import SeriesDetector


def run(values: list[float], config: AlertingConfig | None = None) -> list[tuple[int, Transition]]:
    """Feed values through the live detector and the hysteresis; the transitions."""
    det, hyst = SeriesDetector(LIVE_DETECTOR), Hysteresis(config)
    out = []
    for i, v in enumerate(values):
        flagged = det.update(2.0 * i, v).is_anomaly
        verdict = hyst.update(v, flagged)
        if verdict.transition is not None:
            out.append((i, verdict.transition))
    return out


def noisy(n: int, level: float, sd: float, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [max(0.0, rng.gauss(level, sd)) for _ in range(n)]


def test_a_single_spike_does_not_fire() -> None:
    values = noisy(60, 50.0, 2.0)
    values[40] = 500.0
    assert run(values) == []


def test_a_sustained_material_shift_fires_within_a_few_readings_then_resolves() -> None:
    values = noisy(40, 50.0, 2.0) + noisy(15, 200.0, 2.0, seed=2) + noisy(20, 50.0, 2.0, seed=3)
    got = run(values)
    assert got[0][1] is Transition.fired and 40 <= got[0][0] <= 44
    assert got[1][1] is Transition.resolved and 55 <= got[1][0] <= 60
    assert len(got) == 2


def test_a_drop_to_zero_of_a_steady_series_fires() -> None:
    values = [1.0] * 30 + [0.0] * 6
    assert run(values)[0][1] is Transition.fired


def test_a_small_but_sustained_change_is_not_material() -> None:
    values = noisy(40, 100.0, 5.0) + noisy(30, 115.0, 5.0, seed=4)  # +15 %: within its range
    assert run(values) == []


def test_a_noisy_low_traffic_series_never_pages() -> None:
    rng = random.Random(7)
    values = [float(rng.choice([0, 0, 0, 1, 2, 0, 3])) for _ in range(300)]
    assert run(values) == []


def test_a_seasonal_normal_with_bursts_never_pages() -> None:
    """Load-like: a slow daily curve (150 readings) with Poisson-ish noise and short bursts."""
    rng = random.Random(3)
    values = []
    for i in range(450):
        level = 5.0 + 3.0 * math.sin(2 * math.pi * i / 150)
        if i % 45 in (20, 21, 22, 23):  # a 2x burst of four readings now and then
            level *= 2.0
        values.append(max(0.0, rng.gauss(level, math.sqrt(level))))
    assert run(values) == []


def test_a_permanent_new_level_becomes_normal_and_resolves() -> None:
    cfg = AlertingConfig(adapt=10)
    values = [10.0] * 30 + [100.0] * 30
    got = run(values, cfg)
    assert [t for _, t in got] == [Transition.fired, Transition.resolved]
    assert run(values + [100.0] * 20, cfg) == got  # and it does not fire again


def test_nan_and_inf_are_ignored() -> None:
    hyst = Hysteresis()
    for _ in range(20):
        hyst.update(5.0, False)
    for bad in (math.nan, math.inf, -math.inf):
        v = hyst.update(bad, True)
        assert v.transition is None and not v.material
    assert not hyst.firing


def test_nothing_fires_before_the_normal_is_learnt() -> None:
    assert run([1.0, 1.0, 1.0, 900.0, 900.0, 900.0, 900.0]) == []
