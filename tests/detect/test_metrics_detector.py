"""MetricDetector: a scrape at a time (`observe_many`) gives the signals one SeriesDetector
per series would, with per-metric configs; single samples still work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from aiops.detect import MetricDetector, MetricsConfig, SeriesDetector
from aiops.detect.metrics.detector import to_signal
from aiops.model import Sample, Signal

T0 = datetime(2024, 1, 1, tzinfo=UTC)
CONFIG = MetricsConfig(overrides={"mem*": {"warmup": 16, "horizons": [32, 64], "season_s": 0}})


def scrape(step: int, rng: np.random.Generator) -> list[Sample]:
    at = T0 + timedelta(minutes=5 * step)
    out = []
    for name, host, level in [("cpu", "a", 10.0), ("cpu", "b", 50.0), ("mem", "a", 1e6)]:
        value = level * (1.0 + 0.05 * rng.normal())
        if step in (450, 520) and host == "a":
            value *= 4.0
        out.append(Sample(name=name, value=value, timestamp=at, labels={"host": host},
                          service="svc"))  # fmt: skip
    return out


def reference(samples: list[Sample], config: MetricsConfig) -> list[Signal]:
    detectors: dict[str, SeriesDetector] = {}
    signals = []
    for s in samples:
        cfg = config.for_metric(s.name)
        d = detectors.setdefault(s.series_key, SeriesDetector(cfg))
        score = d.update(s.timestamp.timestamp(), s.value)
        if score.is_anomaly:
            signals.append(to_signal(s, score, cfg.horizon))
    return signals


def test_observe_many_gives_the_signals_of_one_series_detector_per_series() -> None:
    rng = np.random.default_rng(0)
    scrapes = [scrape(i, rng) for i in range(600)]
    detector = MetricDetector(CONFIG)
    got = [signal for s in scrapes for signal in detector.observe_many(s)]
    want = reference([s for batch in scrapes for s in batch], CONFIG)
    assert got == want
    assert {s.series for s in got} >= {"cpu{host=a}", "mem{host=a}"}
    assert len(detector) == 3


def test_one_call_may_carry_several_samples_of_a_series() -> None:
    rng = np.random.default_rng(1)
    samples = [s for i in range(600) for s in scrape(i, rng)]
    detector = MetricDetector(CONFIG)
    got = [sig for i in range(0, 1800, 90) for sig in detector.observe_many(samples[i : i + 90])]
    assert got == reference(samples, CONFIG)


def test_single_samples_score_as_a_batch_of_one() -> None:
    rng = np.random.default_rng(2)
    samples = [s for i in range(600) for s in scrape(i, rng)]
    one, many = MetricDetector(CONFIG), MetricDetector(CONFIG)
    singles = [one.observe(s) for s in samples]
    assert [s for s in singles if s is not None] == many.observe_many(samples)
