"""Metric kinds are guessed from the words of the metric name."""

from __future__ import annotations

import pytest

from aiops.diagnose.case import KnownError, MetricKind, kind_of


@pytest.mark.parametrize(
    ("metric", "kind"),
    [
        ("lat_90", MetricKind.latency),
        ("latency:Average", MetricKind.latency),
        ("cpu", MetricKind.cpu),
        ("mem", MetricKind.memory),
        ("lod", MetricKind.traffic),
        ("requests:Sum", MetricKind.traffic),
        ("availability:Average", MetricKind.availability),
        ("request_errors", MetricKind.errors),
        ("queue_depth", MetricKind.other),
    ],
    ids=lambda v: str(v),
)
def test_kind_is_guessed_from_metric_words(metric: str, kind: MetricKind) -> None:
    assert kind_of(metric) is kind


def test_known_error_matches_only_its_ci_and_pattern() -> None:
    ke = KnownError("KE-1", "pool exhausted", "pool exhausted", ci="db")
    assert ke.matches("db", ["ERROR Pool Exhausted after <*> ms"])
    assert not ke.matches("web", ["ERROR pool exhausted"])
    assert not ke.matches("db", ["INFO started"])
