"""The live profile: detector settings for scraped metrics and tailed logs.

The NAB defaults (`DetectorConfig()`) judge a sample against days of 5-minute history
(512..2048 samples). A live scrape every few seconds must learn within a minute, so the
live profile counts tens of samples, switches off the daily season (a demo cannot wait a
day) and the log-scale drop detector (the demo's timing was tuned without it), and leaves
repeat-damping and calibration to the alerting layer, which wants every evaluation's
verdict. One profile serves every live series; `detectors.yaml` may change
it (validated, errors as `file:line: path: message`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from aiops.config import load_config_file
from aiops.detect.alerting import AlertingConfig
from aiops.detect.logs import LogSignalConfig
from aiops.detect.metrics import DetectorConfig

LIVE_DETECTOR = DetectorConfig(
    horizons=(16, 32, 64),
    warmup=8,
    short=3,
    volatility=4,
    drop=False,
    season_s=0.0,
    history=64,
    calibration=0.0,
    suppress=0,
    damping=1.0,
    window=32,
    max_gap_s=60.0,
)


class LogsProfile(BaseModel):
    """Log signal settings for live streams (seconds and lines)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    warmup_s: float = Field(20.0, ge=0.0, description="no new-template signal before this")
    warmup_lines: int = Field(50, ge=0)
    burst_window_s: float = Field(60.0, gt=0.0)
    burst_min_errors: int = Field(10, ge=1)
    burst_factor: float = Field(5.0, gt=0.0)
    quiet_s: float = Field(15.0, gt=0.0, description="no error line for this long resolves")

    def signal_config(self) -> LogSignalConfig:
        return LogSignalConfig(
            warmup_s=self.warmup_s,
            warmup_lines=self.warmup_lines,
            burst_window_s=self.burst_window_s,
            burst_min_errors=self.burst_min_errors,
            burst_factor=self.burst_factor,
        )


class LiveConfig(BaseModel):
    """Everything `DetectorAnalyzer` needs; the defaults are the frozen demo configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    detector: DetectorConfig = LIVE_DETECTOR
    alerting: AlertingConfig = Field(default_factory=AlertingConfig)
    logs: LogsProfile = Field(default_factory=LogsProfile)
    quantile: float = Field(0.95, gt=0.0, lt=1.0, description="histogram quantile derived")
    min_events: float = Field(5.0, ge=1.0, description="observations behind a ratio/quantile")
    stale_s: float = Field(30.0, gt=0.0, description="a silent series' alert resolves after")
    max_series: int = Field(5000, ge=1, le=1_000_000)


def load_live_config(path: Path) -> LiveConfig:
    """`detectors.yaml` → LiveConfig; ConfigError naming file and line on bad content."""
    return load_config_file(path, LiveConfig)


__all__ = ["LIVE_DETECTOR", "LiveConfig", "LogsProfile", "load_live_config"]
