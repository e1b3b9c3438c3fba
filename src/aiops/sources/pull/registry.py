"""The `type:` key of sources.yaml → adapter class. Built-ins register here like any other.

Add a source type with `register(MyAdapter)`; the adapter names its `type_name` and
its pydantic `config_model` (a `SourceConfig` subclass with `extra="forbid"`).
"""

from __future__ import annotations

from collections.abc import Sequence

from aiops.errors import ConfigError
from aiops.sources.pull.base import PullSource, SourceConfig, SourceContext
from aiops.sources.pull.cloudwatch import CloudWatchSource
from aiops.sources.pull.logfile import LogFileSource
from aiops.sources.pull.probe import HttpProbeSource
from aiops.sources.pull.promapi import PrometheusApiSource
from aiops.sources.pull.scrape import ScrapeSource

_TYPES: dict[str, type[PullSource]] = {}


def register(adapter: type[PullSource], *, replace: bool = False) -> None:
    """Make `adapter` available as `type: <adapter.type_name>` in sources.yaml."""
    name = adapter.type_name
    if name in _TYPES and not replace and _TYPES[name] is not adapter:
        raise ValueError(f"source type {name!r} is already registered by {_TYPES[name]!r}")
    _TYPES[name] = adapter


def source_types() -> dict[str, type[PullSource]]:
    """A copy of the registry, for the loader and `aiops config check`."""
    return dict(_TYPES)


def build_source(config: SourceConfig, context: SourceContext | None = None) -> PullSource:
    adapter = _TYPES.get(config.type)
    if adapter is None:
        raise ConfigError(f"source {config.name!r}: unknown type {config.type!r}")
    return adapter.from_config(config, context or SourceContext())


def build_sources(
    configs: Sequence[SourceConfig], context: SourceContext | None = None
) -> list[PullSource]:
    ctx = context or SourceContext()
    return [build_source(c, ctx) for c in configs]


for _builtin in (
    ScrapeSource,
    PrometheusApiSource,
    LogFileSource,
    HttpProbeSource,
    CloudWatchSource,
):
    register(_builtin)
