"""Pull sources: poll targets on an interval and translate what they say.

    sources.yaml ──load_sources──► [SourceConfig] ──build_sources──► [PullSource]
    Scheduler: every `interval`, source.poll(now) → [Sample | Event] → sink

Built-in types (see `registry`): `prometheus_scrape`, `prometheus_api`, `log_file`,
`http_probe`, `cloudwatch`. Adapters translate only; they never decide. Failures of a
target or of its data are recorded in `source.health` and in the `aiops_source_*`
metrics, never raised.
"""

from aiops.sources.pull.base import (
    HttpSourceConfig,
    Item,
    PullSource,
    SourceConfig,
    SourceContext,
)
from aiops.sources.pull.cloudwatch import CloudWatchConfig, CloudWatchSource, MetricQuery
from aiops.sources.pull.config import expand_vars, load_sources
from aiops.sources.pull.health import ErrorReason, SourceHealth, SourceMetrics, metrics_for
from aiops.sources.pull.logfile import LogFileConfig, LogFileSource
from aiops.sources.pull.probe import HttpProbeSource, ProbeConfig
from aiops.sources.pull.promapi import PrometheusApiConfig, PrometheusApiSource
from aiops.sources.pull.registry import build_source, build_sources, register, source_types
from aiops.sources.pull.scheduler import Scheduler, poll_safely
from aiops.sources.pull.scrape import ScrapeConfig, ScrapeSource

__all__ = [
    "CloudWatchConfig",
    "CloudWatchSource",
    "ErrorReason",
    "HttpProbeSource",
    "HttpSourceConfig",
    "Item",
    "LogFileConfig",
    "LogFileSource",
    "MetricQuery",
    "ProbeConfig",
    "PrometheusApiConfig",
    "PrometheusApiSource",
    "PullSource",
    "Scheduler",
    "ScrapeConfig",
    "ScrapeSource",
    "SourceConfig",
    "SourceContext",
    "SourceHealth",
    "SourceMetrics",
    "build_source",
    "build_sources",
    "expand_vars",
    "load_sources",
    "metrics_for",
    "poll_safely",
    "register",
    "source_types",
]
