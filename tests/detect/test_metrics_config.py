"""Detector configuration: good defaults, strict keys, per-metric overrides."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aiops.detect import DetectorConfig, MetricsConfig


def test_defaults_are_valid_and_frozen() -> None:
    cfg = DetectorConfig()
    with pytest.raises(ValidationError):
        cfg.threshold = 0.5  # type: ignore[misc]


def test_horizons_out_of_range_are_rejected() -> None:
    with pytest.raises(ValidationError, match="horizons"):
        DetectorConfig(horizons=(1, 100_000))


def test_unknown_key_is_rejected() -> None:
    with pytest.raises(ValidationError, match="horizn"):
        DetectorConfig.model_validate({"horizn": 10})


def test_history_must_hold_the_window() -> None:
    with pytest.raises(ValidationError, match="history"):
        DetectorConfig(window=512, history=100)


def test_override_applies_to_matching_metric_only() -> None:
    cfg = MetricsConfig.model_validate({"overrides": {"http_*": {"threshold": 0.5}}})
    assert cfg.for_metric("http_requests_total").threshold == 0.5
    assert cfg.for_metric("http_requests_total").horizons == DetectorConfig().horizons
    assert cfg.for_metric("cpu").threshold == DetectorConfig().threshold


def test_invalid_override_names_its_pattern() -> None:
    with pytest.raises(ValidationError, match="overrides\\['disk_\\*'\\]"):
        MetricsConfig.model_validate({"overrides": {"disk_*": {"threshold": 7}}})


def test_negative_calibration_or_empty_score_memory_is_rejected() -> None:
    with pytest.raises(ValidationError, match="calibration"):
        DetectorConfig(calibration=-1.0)
    with pytest.raises(ValidationError, match="score_memory"):
        DetectorConfig(score_memory=0)
