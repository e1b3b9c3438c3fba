"""rules.yaml: the example loads clean; every bad file fails with file:line and a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiops.errors import ConfigError
from aiops.rules import HealthParams, LogBurstParams, QuantileParams, RatioParams, load_rules

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "examples" / "sulu" / "rules.yaml"
BAD = sorted((HERE / "bad").glob("*.yaml"))


def test_sulu_example_has_the_baseline_rules():
    rules = load_rules(EXAMPLE)
    by_name = {r.name: r for r in rules.rules}
    assert set(by_name) == {
        "SuluHighErrorRatio", "SuluHighLatencyP95", "SuluHealthCheckFailing", "SuluErrorLogBurst",
        "SuluCpuSaturated", "SuluMemoryHigh",
    }  # fmt: skip
    ratio = by_name["SuluHighErrorRatio"]
    assert isinstance(ratio.spec, RatioParams) and ratio.spec.threshold == 0.05
    assert ratio.for_s == 60 and ratio.runbook == "sulu-error-ratio"
    p95 = by_name["SuluHighLatencyP95"]
    assert isinstance(p95.spec, QuantileParams) and p95.spec.quantile == 0.95 and p95.for_s == 120
    health = by_name["SuluHealthCheckFailing"]
    assert isinstance(health.spec, HealthParams) and health.spec.failures == 3
    burst = by_name["SuluErrorLogBurst"]
    assert isinstance(burst.spec, LogBurstParams) and burst.spec.levels == ["error", "critical"]
    assert all(r.labels["service"] == "sulu" for r in rules.rules)
    assert by_name["SuluCpuSaturated"].labels["ci"] == "sulu-host"
    assert rules.evaluation_interval == 5


def test_sulu_rules_name_metrics_that_sulu_exposes():
    from prometheus_client import generate_latest
    from prometheus_client.parser import text_string_to_metric_families

    from aiops.sim.metrics import make_metrics

    m = make_metrics()
    m.requests.labels("GET", "/", "200").inc()
    m.latency.labels("GET", "/").observe(0.1)
    text = generate_latest(m.registry).decode()
    names = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    rules = {r.name: r.spec for r in load_rules(EXAMPLE).rules}
    ratio = rules["SuluHighErrorRatio"]
    quantile = rules["SuluHighLatencyP95"]
    assert isinstance(ratio, RatioParams) and isinstance(quantile, QuantileParams)
    assert {ratio.numerator.metric, ratio.denominator.metric, quantile.metric + "_bucket"} <= names


def _expected(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: <message>'"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_rules_file_is_refused_with_file_line_and_message(path: Path):
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    message = str(err.value)
    assert _expected(path) in message
    assert str(path) in message


def test_there_are_bad_fixtures():
    assert len(BAD) >= 10


def test_missing_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_rules(tmp_path / "nope.yaml")


def test_empty_file_means_no_rules(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text("# nothing yet\n")
    assert load_rules(path).rules == []


def test_errors_in_several_rules_are_all_reported(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n"
        "  - {name: A, kind: nope, params: {}}\n"
        "  - {name: B, kind: threshold, params: {metric: x}}\n"
        "  - {name: C, kind: health, params: {failures: 0}}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    lines = str(err.value.message).splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:2", f"{path}:3", f"{path}:4"]


def test_scaled_copy_compresses_durations_only():
    rules = load_rules(EXAMPLE)
    fast = rules.scaled(0.25)
    by_name = {r.name: r for r in fast.rules}
    ratio = by_name["SuluHighErrorRatio"]
    assert ratio.for_s == 15 and isinstance(ratio.spec, RatioParams) and ratio.spec.window == 15
    assert ratio.spec.threshold == 0.05
    health = by_name["SuluHealthCheckFailing"].spec
    assert isinstance(health, HealthParams) and health.failures == 3
    assert fast.evaluation_interval == 1.25
    assert {r.name: r.for_s for r in rules.rules}["SuluHighErrorRatio"] == 60  # original kept
    with pytest.raises(ValueError):
        rules.scaled(0)
