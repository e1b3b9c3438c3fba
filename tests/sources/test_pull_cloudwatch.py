"""CloudWatchSource against botocore's Stubber: no network, exact request checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from prometheus_client import CollectorRegistry

from aiops.model import Sample
from aiops.sources.pull import CloudWatchConfig, CloudWatchSource
from aiops.sources.pull.cloudwatch import sample_name

NOW = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)

CONFIG = {
    "name": "aws",
    "type": "cloudwatch",
    "region": "ap-northeast-1",
    "lookback": "10m",
    "service": "sulu",
    "queries": [
        {"id": "cpu", "namespace": "AWS/EC2", "metric": "CPUUtilization",
         "dimensions": {"InstanceId": "i-123"}, "stat": "Average", "period": "1m"},
        {"id": "lat", "namespace": "AWS/ApplicationELB", "metric": "TargetResponseTime",
         "stat": "p95", "name": "alb_p95_seconds"},
    ],
}  # fmt: skip


@pytest.fixture
def client() -> Iterator[Any]:
    c = boto3.client(
        "cloudwatch", region_name="ap-northeast-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )  # fmt: skip
    yield c


def result(id_: str, points: list[tuple[datetime, float]]) -> dict[str, Any]:
    return {"Id": id_, "Label": id_, "StatusCode": "Complete",
            "Timestamps": [t for t, _ in points], "Values": [v for _, v in points]}  # fmt: skip


def make(client: Any, reg: CollectorRegistry) -> CloudWatchSource:
    return CloudWatchSource(CloudWatchConfig.model_validate(CONFIG), registry=reg, client=client)


async def test_get_metric_data_becomes_samples(client: Any):
    src = make(client, CollectorRegistry())
    t1, t2 = NOW - timedelta(minutes=2), NOW - timedelta(minutes=1)
    with Stubber(client) as stub:
        stub.add_response(
            "get_metric_data",
            {
                "MetricDataResults": [
                    result("cpu", [(t1, 12.5), (t2, 40.0)]),
                    result("lat", [(t2, 0.8)]),
                ]
            },  # fmt: skip
            {
                "MetricDataQueries": [
                    {
                        "Id": "cpu",
                        "ReturnData": True,
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "AWS/EC2",
                                "MetricName": "CPUUtilization",
                                "Dimensions": [{"Name": "InstanceId", "Value": "i-123"}],
                            },
                            "Period": 60,
                            "Stat": "Average",
                        },
                    },
                    {
                        "Id": "lat",
                        "ReturnData": True,
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "AWS/ApplicationELB",
                                "MetricName": "TargetResponseTime",
                                "Dimensions": [],
                            },
                            "Period": 60,
                            "Stat": "p95",
                        },
                    },
                ],
                "StartTime": NOW - timedelta(minutes=10),
                "EndTime": NOW,
                "ScanBy": "TimestampAscending",
            },  # fmt: skip
        )
        items = await src.poll(NOW)
        stub.assert_no_pending_responses()
    samples = [i for i in items if isinstance(i, Sample)]
    assert [(s.name, s.value, s.timestamp) for s in samples] == [
        ("aws_ec2_cpuutilization_average", 12.5, t1),
        ("aws_ec2_cpuutilization_average", 40.0, t2),
        ("alb_p95_seconds", 0.8, t2),
    ]
    assert samples[0].labels == {"instance_id": "i-123"} and samples[0].service == "sulu"
    assert src.health.up is True


async def test_pages_are_followed_and_old_points_not_repeated(client: Any):
    src = make(client, CollectorRegistry())
    t1, t2 = NOW - timedelta(minutes=2), NOW - timedelta(minutes=1)
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [result("cpu", [(t1, 1.0)])],
                                              "NextToken": "p2"})  # fmt: skip
        stub.add_response("get_metric_data", {"MetricDataResults": [result("cpu", [(t2, 2.0)])]},
                          {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY,
                           "ScanBy": ANY, "NextToken": "p2"})  # fmt: skip
        first = await src.poll(NOW)
        stub.add_response(
            "get_metric_data",
            {"MetricDataResults": [result("cpu", [(t1, 1.0), (t2, 2.0), (NOW, 3.0)])]},
        )
        second = await src.poll(NOW + timedelta(minutes=1))
    assert [s.value for s in first] == [1.0, 2.0]  # type: ignore[union-attr]
    assert [s.value for s in second] == [3.0]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("Throttling", "throttled"),
        ("AccessDenied", "api_error"),
        ("InvalidParameterValue", "api_error"),
    ],
)
async def test_api_errors_are_counted_not_raised(client: Any, code: str, reason: str):
    reg = CollectorRegistry()
    src = make(client, reg)
    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", service_error_code=code, service_message="nope")
        assert await src.poll(NOW) == []
    assert src.health.up is False and src.health.last_error_reason == reason
    assert code in (src.health.last_error or "")
    assert (
        reg.get_sample_value("aiops_source_errors_total", {"source": "aws", "reason": reason}) == 1
    )


async def test_unreachable_endpoint_is_a_connect_error():
    client = boto3.client(
        "cloudwatch", region_name="ap-northeast-1", endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=__import__("botocore.config").config.Config(
            connect_timeout=0.5, read_timeout=0.5, retries={"max_attempts": 1}
        ),
    )  # fmt: skip
    src = make(client, CollectorRegistry())
    assert await src.poll(NOW) == []
    assert src.health.last_error_reason == "connect"


def test_sample_names_follow_cloudwatch_exporter():
    cfg = CloudWatchConfig.model_validate(CONFIG)
    assert sample_name(cfg.queries[0]) == "aws_ec2_cpuutilization_average"
    assert sample_name(cfg.queries[1]) == "alb_p95_seconds"
