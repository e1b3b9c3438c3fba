"""The live profile: defaults validate, detectors.yaml errors name file and line, and
the demo builds the detectors only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiops.demo.stack import detector_analyzers
from aiops.detect.live import LIVE_DETECTOR, LiveConfig, load_live_config
from aiops.errors import ConfigError


def test_the_live_profile_learns_within_tens_of_samples() -> None:
    cfg = LiveConfig()
    assert cfg.detector == LIVE_DETECTOR
    assert cfg.detector.warmup <= 16 and cfg.detector.horizon <= 128
    assert cfg.alerting.min_normal + cfg.alerting.n <= 20  # ≈ 40 s of 2 s scrapes


def test_the_live_profile_keeps_the_drop_detector_off_unless_configured(tmp_path: Path) -> None:
    assert LIVE_DETECTOR.drop is False  # the demo's timing was tuned without it
    path = tmp_path / "detectors.yaml"
    path.write_text("detector:\n  drop: true\n")
    assert load_live_config(path).detector.drop is True


def test_detectors_yaml_overrides_and_validates(tmp_path: Path) -> None:
    path = tmp_path / "detectors.yaml"
    path.write_text("alerting:\n  k: 2\n  n: 3\n")
    assert load_live_config(path).alerting.k == 2
    path.write_text("alerting:\n  k: 2\n  factor: 0.5\n")
    with pytest.raises(ConfigError) as info:
        load_live_config(path)
    assert "detectors.yaml:3: alerting.factor" in str(info.value)


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "detectors.yaml"
    path.write_text("alertin: {}\n")
    with pytest.raises(ConfigError):
        load_live_config(path)


def test_detection_mode_picks_the_analyzers(tmp_path: Path) -> None:
    assert detector_analyzers("rules", tmp_path) == []
    assert [a.name for a in detector_analyzers("both", tmp_path)] == ["detectors"]
    with pytest.raises(ValueError):
        detector_analyzers("magic", tmp_path)
