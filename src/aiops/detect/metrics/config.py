"""Detector configuration: one default for every series, per-metric overrides by name pattern.

Windows count samples (irregular sampling only stretches them); the seasonal period is
a duration, matched on timestamps. The defaults are the frozen configuration measured by
`bench/nab.py`; nothing in them is specific to one series.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DetectorConfig(BaseModel):
    """Settings of one series detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    horizons: tuple[int, ...] = Field(
        (512, 1024, 2048),
        min_length=1,
        description="history lengths (samples) a new extreme is judged over; scores are averaged",
    )
    warmup: int = Field(128, ge=1, description="samples a feature needs before it may alarm")
    short: int = Field(5, ge=2, le=64, description="samples averaged by the level-shift detector")
    volatility: int = Field(
        12, ge=1, le=64, description="steps averaged by the volatility detector"
    )
    drop: bool = Field(
        True, description="also judge a positive series on a log scale (falls towards zero)"
    )
    season_s: float = Field(86400.0, ge=0.0, description="seasonal period in seconds; 0 = off")
    season_lags: int = Field(3, ge=1, le=14, description="past periods compared (closest wins)")
    history: int = Field(2048, ge=16, le=65536, description="samples kept for seasonal lags")
    calibration: float = Field(
        1.0, ge=0.0, le=100.0, description="weight of the past scores' rms in calibration; 0 = off"
    )
    score_memory: int = Field(
        1000, ge=1, le=1_000_000, description="samples the calibration's score history spans"
    )
    suppress: int = Field(100, ge=0, le=16384, description="samples an alarm damps smaller ones")
    damping: float = Field(0.1, ge=0.0, le=1.0, description="factor on a damped score")
    window: int = Field(256, ge=8, le=4096, description="samples behind 'expected' in signals")
    threshold: float = Field(0.13, gt=0.0, le=1.0, description="frozen decision threshold")
    max_gap_s: float = Field(7 * 86400.0, gt=0.0, description="a longer gap restarts warm-up")

    @property
    def horizon(self) -> int:
        """The longest history a feature is judged over."""
        return max(self.horizons)

    @model_validator(mode="after")
    def _history_holds_window(self) -> DetectorConfig:
        if any(not 2 <= h <= 16384 for h in self.horizons):
            raise ValueError(f"horizons must lie in 2..16384 samples, got {list(self.horizons)}")
        need = max(self.window, self.short, self.volatility + 1)
        if self.history < need:
            raise ValueError(f"history ({self.history}) must hold at least {need} samples")
        return self


class MetricsConfig(BaseModel):
    """Default detector settings plus overrides keyed by metric name glob (`http_*`).

    An override lists only the keys it changes; the first matching pattern wins.
    """

    model_config = ConfigDict(extra="forbid")

    default: DetectorConfig = Field(default_factory=DetectorConfig)
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _overrides_valid(self) -> MetricsConfig:
        for pattern, override in self.overrides.items():
            try:
                DetectorConfig.model_validate({**self.default.model_dump(), **override})
            except ValueError as exc:
                raise ValueError(f"overrides[{pattern!r}]: {exc}") from exc
        return self

    def for_metric(self, name: str) -> DetectorConfig:
        for pattern, override in self.overrides.items():
            if fnmatch.fnmatchcase(name, pattern):
                return DetectorConfig.model_validate({**self.default.model_dump(), **override})
        return self.default
