"""Robust z-scores: direction by kind, floors for constant, count and ratio series."""

from __future__ import annotations

import numpy as np

from aiops.diagnose.case import MetricKind, Series
from aiops.diagnose.magnitude import direction, measure, robust_scale


def _s(normal, anomalous, kind=MetricKind.latency, **kw) -> Series:
    return Series(
        "x", kind.value, np.array(normal, float), np.array(anomalous, float), kind=kind, **kw
    )


def test_direction_follows_the_kind_of_metric() -> None:
    assert direction(MetricKind.latency) == 1
    assert direction(MetricKind.availability) == -1
    assert direction(MetricKind.traffic) == 0


def test_latency_drop_is_not_an_anomaly_but_a_rise_is() -> None:
    normal = [10, 11, 9, 10, 10.5, 9.5, 10, 10]
    assert measure(_s(normal, [5, 5])).z == 0.0
    assert measure(_s(normal, [20, 20])).z > 10


def test_availability_counts_falls_only() -> None:
    normal = [99.0, 99.5, 99.2, 99.4, 99.1, 99.3, 99.2, 99.4]
    kind = MetricKind.availability
    assert measure(_s(normal, [100.0], kind)).z == 0.0
    assert measure(_s(normal, [90.0], kind)).z > 10


def test_constant_normal_period_uses_a_relative_floor_not_zero() -> None:
    # memory constant in the normal period; +8 kB out of 400 MB is noise, +40% is not
    normal = [4e8] * 20
    assert measure(_s(normal, [4e8 + 8192], MetricKind.memory)).z < 1
    assert measure(_s(normal, [5.6e8], MetricKind.memory)).z > 100


def test_counts_get_a_poisson_floor() -> None:
    assert robust_scale(np.zeros(20), 0.0, counts=True) == 1.0
    assert measure(_s([0] * 20, [2, 1], MetricKind.traffic)).z <= 2.0


def test_ratio_over_few_requests_is_noise() -> None:
    normal = [100.0] * 30
    one_of_two = _s(normal, [50.0], MetricKind.availability, samples=np.array([2.0]))
    many = _s(normal, [97.0], MetricKind.availability, samples=np.array([1000.0]))
    assert measure(one_of_two).z < 2
    assert measure(many).z > 20


def test_recent_level_keeps_the_smaller_z() -> None:
    normal = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 1.0]
    shifted = _s(normal, [2.0], recent=np.array([2.0]))  # the level moved before the onset
    assert measure(shifted).z == 0.0


def test_missing_values_are_ignored_and_all_missing_gives_none() -> None:
    assert measure(_s([np.nan, 1, 1, 1], [np.nan, 5])) is not None
    assert measure(_s([np.nan, np.nan], [1.0])) is None
    assert measure(_s([1.0, 1.0], [np.nan])) is None


def test_onset_is_the_first_anomalous_time() -> None:
    s = _s([1.0] * 10, [1.0, 1.0, 9.0, 9.0], times=np.array([10.0, 20.0, 30.0, 40.0]))
    assert measure(s).onset == 30.0


def test_one_more_connection_in_use_than_usual_is_not_a_huge_anomaly() -> None:
    # a whole-number gauge (connections in use, queue length) that sat at 0
    s = Series("db", "pool_in_use", np.zeros(30), np.array([1.0, 1.0]), kind=MetricKind.other)
    m = measure(s)
    assert m is not None and m.z <= 1.0
    big = Series("db", "pool_in_use", np.zeros(30), np.array([20.0]), kind=MetricKind.other)
    assert measure(big).z >= 10.0  # type: ignore[union-attr]
