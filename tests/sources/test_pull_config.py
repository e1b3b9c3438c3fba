"""sources.yaml: variables, per-type validation, every error with file:line; the registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from aiops.errors import ConfigError
from aiops.sources.pull import (
    HttpProbeSource,
    LogFileSource,
    ScrapeSource,
    SourceContext,
    build_sources,
    expand_vars,
    load_sources,
    register,
    source_types,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sulu" / "sources.yaml"
ENV = {"SULU_URL": "http://127.0.0.1:8101", "SULU_LOG": "/tmp/sulu/sulu.log"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_example_loads_and_builds_every_source():
    configs = load_sources(EXAMPLE, env=ENV)
    assert [c.name for c in configs] == ["sulu-metrics", "sulu-log", "sulu-health"]
    assert configs[0].url == "http://127.0.0.1:8101/metrics"  # type: ignore[attr-defined]
    assert configs[0].interval == 2.0 and configs[2].interval == 2.0
    assert str(configs[1].state_file) == "/tmp/sulu/sulu.log.pos"  # type: ignore[attr-defined]
    built = build_sources(configs, SourceContext(registry=CollectorRegistry()))
    assert [type(s) for s in built] == [ScrapeSource, LogFileSource, HttpProbeSource]


def test_example_without_variables_names_each_line(tmp_path: Path):
    with pytest.raises(ConfigError) as err:
        load_sources(EXAMPLE, env={})
    msg = str(err.value)
    assert f"{EXAMPLE}:8: sources.0.url: environment variable SULU_URL is not set" in msg
    assert f"{EXAMPLE}:18: sources.1.path: environment variable SULU_LOG is not set" in msg


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("${A}/x", {"A": "1"}, "1/x"),
        ("${A:-dflt}", {}, "dflt"),
        ("${A:-dflt}", {"A": ""}, "dflt"),
        ("${A}", {"A": ""}, ""),
        ("$${A} ${B}", {"B": "2"}, "${A} 2"),
        ("no vars $A", {}, "no vars $A"),
    ],
    ids=["set", "default", "empty-takes-default", "empty-is-set", "escape", "bare-dollar"],
)
def test_expand_vars(text: str, env: dict[str, str], expected: str):
    assert expand_vars(text, env) == expected


def test_unset_variable_raises_key_error():
    with pytest.raises(KeyError):
        expand_vars("${MISSING}", {})


@pytest.mark.parametrize(
    ("yaml", "expect"),
    [
        ("sources:\n  - name: a\n    type: prometheus_scrape\n    url: http://x/m\n    urll: 1\n",
         ":5: sources.0.urll: Extra inputs are not permitted"),
        ("sources:\n  - name: a\n    type: kafka\n",
         ":3: sources.0.type: unknown source type 'kafka' (known: cloudwatch, http_probe"),
        ("sources:\n  - name: a\n    url: http://x\n", ":2: sources.0: missing 'type'"),
        ("sources:\n  - name: a\n    type: http_probe\n    url: http://x\n    interval: soon\n",
         ":5: sources.0.interval: Value error, expected a duration"),
        ("sources:\n  - name: a\n    type: http_probe\n    url: ftp://x\n",
         ":4: sources.0.url: String should match pattern"),
        ("sources:\n  - {name: a, type: log_file, path: /x}\n  - {name: a, type: log_file, path: /y}\n",
         ":3: sources.1.name: duplicate source name 'a'"),
        ("sources:\n  - name: a b\n    type: log_file\n    path: /x\n",
         ":2: sources.0.name: String should match pattern"),
        ("srcs: []\n", ":1: srcs: Extra inputs are not permitted"),
        ("sources: [\n", "YAML syntax error"),
        ("sources:\n  - name: a\n    type: http_probe\n    url: http://x\n    expect_status: [700]\n",
         ":5: sources.0.expect_status: Value error, expect_status must list HTTP status codes"),
        ("sources:\n  - name: a\n    type: cloudwatch\n    region: eu-west-1\n    queries: []\n",
         ":5: sources.0.queries: List should have at least 1 item"),
    ],
    ids=["extra-key", "unknown-type", "no-type", "bad-duration", "bad-url", "duplicate-name",
         "bad-name", "bad-top-key", "yaml-syntax", "bad-status", "no-queries"],
)  # fmt: skip
def test_bad_sources_file_names_file_and_line(tmp_path: Path, yaml: str, expect: str):
    path = write(tmp_path, yaml)
    with pytest.raises(ConfigError) as err:
        load_sources(path, env={})
    assert expect in str(err.value)
    assert str(path) in str(err.value)


def test_all_errors_are_reported_at_once(tmp_path: Path):
    path = write(
        tmp_path,
        "sources:\n  - {name: a, type: log_file}\n  - {name: b, type: http_probe, url: x}\n",
    )
    with pytest.raises(ConfigError) as err:
        load_sources(path, env={})
    assert len(err.value.errors) == 2


def test_registry_maps_type_to_adapter_and_refuses_silent_override():
    types = source_types()
    assert types["prometheus_scrape"] is ScrapeSource and types["log_file"] is LogFileSource
    assert set(types) >= {"prometheus_api", "http_probe", "cloudwatch"}

    class Fake(ScrapeSource):
        type_name = "prometheus_scrape"

    with pytest.raises(ValueError, match="already registered"):
        register(Fake)
    register(ScrapeSource)  # the same class again is a no-op
