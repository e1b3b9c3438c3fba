"""Prometheus range maths: rate/increase with extrapolation, histogram_quantile."""

from __future__ import annotations

import math

import pytest

from aiops.rules.series import extrapolated_rate, histogram_quantile


def test_rate_of_steady_counter_is_its_slope():
    pts = [(float(t), 10.0 * t) for t in range(2, 62, 2)]  # 10/s, scraped every 2 s
    assert extrapolated_rate(pts, 0.0, 60.0) == pytest.approx(10.0)


def test_increase_extrapolates_to_window_edges():
    pts = [(10.0, 100.0), (20.0, 200.0), (30.0, 300.0)]  # 20 s sampled inside a 30 s window
    # start gap 10 s >= 1.1 * avg step (11)? no: 10 < 11, so extrapolate fully to 30 s
    assert extrapolated_rate(pts, 0.0, 30.0, is_rate=False) == pytest.approx(300.0)


def test_counter_reset_is_added_back():
    pts = [(0.5, 100.0), (10.0, 110.0), (20.0, 5.0), (30.0, 15.0)]
    inc = extrapolated_rate(pts, 0.0, 30.0, is_rate=False)
    assert inc is not None and inc == pytest.approx((10 + 5 + 10) * (30.0 / 29.5), rel=1e-6)


def test_rate_needs_two_points():
    assert extrapolated_rate([(1.0, 5.0)], 0.0, 60.0) is None
    assert extrapolated_rate([], 0.0, 60.0) is None


def test_extrapolation_never_goes_below_zero_for_a_new_counter():
    pts = [(50.0, 1.0), (55.0, 2.0), (60.0, 3.0)]
    inc = extrapolated_rate(pts, 0.0, 60.0, is_rate=False)
    assert inc is not None and inc <= 3.0 + 1e-9


BUCKETS = [(0.1, 50.0), (0.5, 80.0), (1.0, 90.0), (2.5, 100.0), (math.inf, 100.0)]


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0.5, 0.1), (0.8, 0.5), (0.95, 1.75), (0.25, 0.05), (1.0, 2.5)],
)
def test_histogram_quantile_interpolates_like_prometheus(q: float, expected: float):
    assert histogram_quantile(q, BUCKETS) == pytest.approx(expected)


def test_quantile_in_inf_bucket_is_the_highest_finite_bound():
    assert histogram_quantile(0.99, [(1.0, 10.0), (math.inf, 20.0)]) == 1.0


@pytest.mark.parametrize(
    "buckets",
    [[], [(math.inf, 5.0)], [(1.0, 5.0), (2.0, 6.0)], [(1.0, 0.0), (math.inf, 0.0)]],
    ids=["empty", "only-inf", "no-inf", "no-observations"],
)
def test_histogram_quantile_without_answer_is_nan(buckets: list[tuple[float, float]]):
    assert math.isnan(histogram_quantile(0.95, buckets))


def test_histogram_quantile_out_of_range_q():
    assert histogram_quantile(-0.1, BUCKETS) == -math.inf
    assert histogram_quantile(1.1, BUCKETS) == math.inf


def test_non_monotonic_buckets_are_smoothed():
    # 8 after 10 is a scrape between bucket updates: read as 10, so the median is in bucket 1
    value = histogram_quantile(0.5, [(0.1, 10.0), (0.5, 8.0), (1.0, 20.0), (math.inf, 20.0)])
    assert value == pytest.approx(0.1)
