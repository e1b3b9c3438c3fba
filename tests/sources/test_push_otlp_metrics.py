import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aiops.errors import InvalidInput
from aiops.sources.push import translate_otlp_metrics

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
T1 = datetime(2024, 5, 1, 12, 1, tzinfo=UTC)
PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"
METRICS = ("body", "resourceMetrics", 0, "scopeMetrics", 0, "metrics")


def load(name="otlp_metrics.json"):
    return json.loads((PAYLOADS / name).read_text())


def translate(data):
    return {s.series_key: s for s in translate_otlp_metrics(data, now=NOW)}


def only(metric):
    data = load()
    data["resourceMetrics"][0]["scopeMetrics"][0]["metrics"] = [metric]
    return data


def point(**over):
    return {"timeUnixNano": "1714564860000000000", "asDouble": 1.0} | over


def refuse(data):
    with pytest.raises(InvalidInput) as info:
        translate_otlp_metrics(data, now=NOW)
    assert info.value.status == 422
    return info.value.errors


BASE = "instance=web-1,job=sulu/sulu-web"


def test_gauge_with_int_as_string_and_double():
    samples = translate(load())
    used = samples[f"system.memory.usage{{{BASE},state=used}}"]
    assert used.value == 734003200.0 and used.timestamp == T1
    assert (used.service, used.ci, used.source) == ("sulu-web", "host-1", "otlp")
    assert samples[f"process.cpu.utilization{{{BASE}}}"].value == 0.42


def test_sum_points_keep_their_attributes():
    samples = translate(load())
    key = f"http.server.requests{{http.response.status_code=500,http.route=/api/orders,{BASE}}}"
    assert samples[key].value == 17.0


def test_histogram_becomes_cumulative_buckets_sum_and_count():
    samples = translate(load())
    labels = f"http.route=/api/orders,{BASE}"
    buckets = {
        le: samples[f"http.server.duration_bucket{{{labels},le={le}}}"].value
        for le in ("50", "100", "250", "1000", "+Inf")
    }
    assert buckets == {"50": 812, "100": 1313, "250": 1503, "1000": 1543, "+Inf": 1549}
    assert samples[f"http.server.duration_sum{{{labels}}}"].value == 118234.5
    assert samples[f"http.server.duration_count{{{labels}}}"].value == 1549


def test_fixture_sample_count():
    assert len(translate_otlp_metrics(load(), now=NOW)) == 2 + 1 + 2 + 7


def test_fractional_bounds_keep_their_digits():
    hist = {
        "dataPoints": [point(count="3", bucketCounts=["1", "2", "0"], explicitBounds=[0.005, 2.5])]
    }
    keys = set(translate(only({"name": "h", "histogram": hist})))
    assert f"h_bucket{{{BASE},le=0.005}}" in keys and f"h_bucket{{{BASE},le=2.5}}" in keys


def test_histogram_without_sum_has_no_sum_sample():
    hist = {
        "dataPoints": [
            {
                "timeUnixNano": "1714564860000000000",
                "count": 2,
                "bucketCounts": [2],
                "explicitBounds": [],
            }
        ]
    }
    keys = set(translate(only({"name": "h", "histogram": hist})))
    assert keys == {f"h_count{{{BASE}}}", f"h_bucket{{{BASE},le=+Inf}}"}


def test_summary_becomes_quantiles_sum_and_count():
    summ = {"dataPoints": [{"timeUnixNano": "1714564860000000000", "count": "10", "sum": 5.5,
                            "quantileValues": [{"quantile": 0.5, "value": 0.4}, {"quantile": 0.99, "value": 1.2}]}]}  # fmt: skip
    samples = translate(only({"name": "rpc", "summary": summ}))
    assert samples[f"rpc{{{BASE},quantile=0.99}}"].value == 1.2
    assert samples[f"rpc_count{{{BASE}}}"].value == 10


def test_point_without_recorded_value_is_skipped():
    gauge = {"dataPoints": [point(flags=1, asDouble="NaN"), point(asDouble=2.0)]}
    assert [
        s.value for s in translate_otlp_metrics(only({"name": "g", "gauge": gauge}), now=NOW)
    ] == [2.0]


def test_resource_without_service_has_no_job_label():
    data = {
        "resourceMetrics": [
            {"scopeMetrics": [{"metrics": [{"name": "g", "gauge": {"dataPoints": [point()]}}]}]}
        ]
    }
    [sample] = translate_otlp_metrics(data, now=NOW)
    assert sample.labels == {} and sample.service is None


def test_point_attribute_overrides_resource_job():
    attrs = [{"key": "job", "value": {"stringValue": "mine"}}]
    [sample] = translate_otlp_metrics(
        only({"name": "g", "gauge": {"dataPoints": [point(attributes=attrs)]}}), now=NOW
    )
    assert sample.labels["job"] == "mine"


@pytest.mark.parametrize("data", [{}, {"resourceMetrics": []}], ids=str)
def test_empty_export_is_nothing(data):
    assert translate_otlp_metrics(data, now=NOW) == []


def test_exponential_histogram_is_refused_clearly():
    [detail] = refuse(only({"name": "e", "exponentialHistogram": {"dataPoints": []}}))
    assert detail.loc == METRICS + (0, "exponentialHistogram")
    assert "not supported; configure the exporter for explicit-bucket histograms" in detail.msg


@pytest.mark.parametrize(
    ("metric", "tail", "msg"),
    [
        ({"gauge": {"dataPoints": [point()]}}, ("name",), "expected a metric name"),
        ({"name": "m"}, (), "no gauge, sum, histogram or summary"),
        ({"name": "m", "gauge": []}, ("gauge",), "expected an object"),
        ({"name": "m", "gauge": {"dataPoints": [point(asDouble="NaN")]}}, ("gauge", "dataPoints", 0, "asDouble"), "not a finite number"),
        ({"name": "m", "gauge": {"dataPoints": [point(asDouble="Infinity")]}}, ("gauge", "dataPoints", 0, "asDouble"), "not a finite number"),
        ({"name": "m", "gauge": {"dataPoints": [point(asDouble="x")]}}, ("gauge", "dataPoints", 0, "asDouble"), "not a number"),
        ({"name": "m", "sum": {"dataPoints": [{"timeUnixNano": "1714564860000000000"}]}}, ("sum", "dataPoints", 0), "needs asDouble or asInt"),
        ({"name": "m", "sum": {"dataPoints": [{"timeUnixNano": "1", "asInt": "1.5"}]}}, ("sum", "dataPoints", 0, "asInt"), "not an integer"),
        ({"name": "m", "gauge": {"dataPoints": [point(timeUnixNano=None)]}}, ("gauge", "dataPoints", 0, "timeUnixNano"), "field required"),
        ({"name": "m", "gauge": {"dataPoints": [point(timeUnixNano="later")]}}, ("gauge", "dataPoints", 0, "timeUnixNano"), "not a nanosecond"),
        ({"name": "m", "gauge": {"dataPoints": [point(attributes=[{"key": "k"}, 1])]}}, ("gauge", "dataPoints", 0, "attributes", 1), "key: string"),
        ({"name": "m", "histogram": {"dataPoints": [point(count=3, bucketCounts=[1, 2], explicitBounds=[1, 2])]}}, ("histogram", "dataPoints", 0, "bucketCounts"), "2 bucketCounts for 2 explicitBounds"),
        ({"name": "m", "histogram": {"dataPoints": [point(count=3, bucketCounts=[1, 1, 1], explicitBounds=[2, 1])]}}, ("histogram", "dataPoints", 0, "explicitBounds"), "strictly increasing"),
        ({"name": "m", "histogram": {"dataPoints": [point(count=9, bucketCounts=[1, 1], explicitBounds=[1])]}}, ("histogram", "dataPoints", 0, "count"), "add up to 2, not count 9"),
        ({"name": "m", "histogram": {"dataPoints": [point(count=-1)]}}, ("histogram", "dataPoints", 0, "count"), "out of range"),
        ({"name": "m", "histogram": {"dataPoints": [point(count=1, bucketCounts="1")]}}, ("histogram", "dataPoints", 0, "bucketCounts"), "expected an array"),
        ({"name": "m", "summary": {"dataPoints": [point(quantileValues=[{"quantile": "x"}])]}}, ("summary", "dataPoints", 0, "quantileValues", 0, "quantile"), "not a number"),
    ],
    ids=lambda v: str(v)[:40],
)  # fmt: skip
def test_bad_metric_is_named(metric, tail, msg):
    [detail] = refuse(only(metric))
    assert detail.loc == METRICS + (0,) + tail
    assert msg in detail.msg


def test_every_bad_metric_is_listed_and_nothing_returned():
    data = load()
    metrics = data["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
    metrics[0]["gauge"]["dataPoints"][1]["asInt"] = "lots"
    metrics[3]["histogram"]["dataPoints"][0]["count"] = "1"
    metrics.append("x")
    errors = refuse(data)
    assert [d.loc[len(METRICS)] for d in errors] == [0, 3, 4]


@pytest.mark.parametrize(
    ("data", "loc"),
    [("text", ("body",)), ({"resourceMetrics": 1}, ("body", "resourceMetrics")),
     ({"resourceMetrics": [{"resource": {"attributes": "a"}}]}, ("body", "resourceMetrics", 0, "resource", "attributes"))],
    ids=["text", "number", "attrs"],
)  # fmt: skip
def test_bad_envelope_is_named(data, loc):
    assert refuse(data)[0].loc == loc
