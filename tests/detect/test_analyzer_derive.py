"""Derived series: counter rates, 5xx ratio, histogram p95 and gauges from raw scrapes,
with counter resets, NaN, missing buckets and gaps handled."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from aiops.detect.derive import Deriver, increase
from aiops.model import Sample

T0 = datetime(2024, 1, 1, tzinfo=UTC)
TARGET = {"job": "app", "instance": "h:1"}


def s(name: str, value: float, i: int, **labels: str) -> Sample:
    return Sample(name=name, value=value, timestamp=T0 + timedelta(seconds=2 * i),
                  labels={**TARGET, **labels}, source="scrape", service="svc", ci="ci-1")  # fmt: skip


def by_family(points):  # type: ignore[no-untyped-def]
    return {p.family: p for p in points}


def test_counter_rate_sums_label_sets_per_second() -> None:
    d = Deriver()
    d.add([s("req_total", 10, 0, status="200"), s("req_total", 0, 0, status="500")])
    out = by_family(
        d.add([s("req_total", 30, 1, status="200"), s("req_total", 4, 1, status="500")])
    )
    assert out["rate:req_total"].value == pytest.approx(24 / 2)
    assert out["rate:req_total"].labels == TARGET  # per-request labels summed away


def test_error_ratio_is_the_share_of_5xx_increments() -> None:
    d = Deriver(min_events=5)
    d.add([s("req_total", 10, 0, status="200"), s("req_total", 0, 0, status="503")])
    out = by_family(
        d.add([s("req_total", 16, 1, status="200"), s("req_total", 2, 1, status="503")])
    )
    assert out["error_ratio:req_total"].value == pytest.approx(2 / 8)


def test_error_ratio_waits_for_enough_requests() -> None:
    d = Deriver(min_events=5)
    d.add([s("req_total", 10, 0, status="200")])
    first = by_family(
        d.add([s("req_total", 12, 1, status="200"), s("req_total", 1, 1, status="500")])
    )
    assert "error_ratio:req_total" not in first  # 3 requests: a gap, not a 33 % coin flip
    second = by_family(
        d.add([s("req_total", 15, 2, status="200"), s("req_total", 1, 2, status="500")])
    )
    assert second["error_ratio:req_total"].value == pytest.approx(1 / 6)


def test_a_counter_reset_counts_the_new_value_as_the_increase() -> None:
    assert increase(100.0, 7.0) == 7.0
    d = Deriver()
    d.add([s("cpu_seconds_total", 500.0, 0)])
    out = by_family(d.add([s("cpu_seconds_total", 1.0, 1)]))  # the process restarted
    assert out["rate:cpu_seconds_total"].value == pytest.approx(0.5)


def test_nan_counter_values_are_skipped_without_breaking_the_next_rate() -> None:
    d = Deriver()
    d.add([s("x_total", 10, 0)])
    out = by_family(d.add([s("x_total", math.nan, 1)]))
    assert out["rate:x_total"].value == 0.0
    out = by_family(d.add([s("x_total", 14, 2)]))
    assert out["rate:x_total"].value == pytest.approx(2.0)


def hist(i: int, counts: dict[str, float]) -> list[Sample]:
    out = [s("lat_seconds_bucket", c, i, le=le, route="/a") for le, c in counts.items()]
    total = max(counts.values())
    return [
        *out,
        s("lat_seconds_count", total, i, route="/a"),
        s("lat_seconds_sum", 1.0, i, route="/a"),
    ]


def test_histogram_p95_is_over_the_observations_since_the_last_point() -> None:
    d = Deriver(min_events=5)
    d.add(hist(0, {"0.1": 100, "1.0": 100, "+Inf": 100}))
    out = by_family(d.add(hist(1, {"0.1": 100, "1.0": 120, "+Inf": 120})))
    assert set(out) == {"p95:lat_seconds"}  # no _count/_sum series of their own
    assert 0.1 < out["p95:lat_seconds"].value <= 1.0  # the 20 new ones were all slow


def test_histogram_with_missing_inf_bucket_gives_no_point() -> None:
    d = Deriver(min_events=1)
    d.add(hist(0, {"0.1": 1, "1.0": 2}))
    assert d.add(hist(1, {"0.1": 5, "1.0": 9})) == []


def test_gauges_pass_through_and_info_metrics_are_skipped() -> None:
    d = Deriver()
    out = by_family(d.add([s("mem_bytes", 123.0, 0), s("build_info", 1.0, 0, version="1"),
                           s("up", math.nan, 0)]))  # fmt: skip
    assert out["mem_bytes"].value == 123.0
    assert "build_info" not in out and "up" not in out


def test_a_long_gap_restarts_rates_instead_of_averaging_over_it() -> None:
    d = Deriver(max_gap_s=10)
    d.add([s("x_total", 10, 0)])
    assert "rate:x_total" not in by_family(d.add([s("x_total", 1000, 100)]))
    assert by_family(d.add([s("x_total", 1004, 101)]))["rate:x_total"].value == pytest.approx(2)


def test_out_of_order_scrapes_are_ignored() -> None:
    d = Deriver()
    d.add([s("x_total", 10, 5)])
    assert d.add([s("x_total", 5, 4)]) == []
