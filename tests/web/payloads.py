"""Realistic request bodies, as the real senders write them."""

from __future__ import annotations

import json
from typing import Any


def alertmanager(status: str = "firing", *, fingerprint: str = "a1b2c3d4e5f60718",
                 alertname: str = "SuluHighErrorRate", instance: str = "sulu-app",
                 starts: str = "2026-11-25T02:59:30Z") -> dict[str, Any]:
    ends = "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-25T03:05:00Z"
    labels = {"alertname": alertname, "service": "sulu", "instance": instance,
              "severity": "critical", "job": "sulu"}
    return {
        "version": "4",
        "groupKey": '{}:{alertname="' + alertname + '"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "aiops",
        "groupLabels": {"alertname": alertname},
        "commonLabels": labels,
        "commonAnnotations": {"summary": "sulu 5xx ratio above 5%"},
        "externalURL": "http://alertmanager.local:9093",
        "alerts": [
            {
                "status": status,
                "labels": labels,
                "annotations": {"summary": "sulu 5xx ratio above 5%",
                                "description": "error ratio 12% over 1m"},
                "startsAt": starts,
                "endsAt": ends,
                "generatorURL": "http://prometheus.local:9090/graph?g0.expr=...",
                "fingerprint": fingerprint,
            }
        ],
    }


def cloudwatch_alarm(state: str = "ALARM", *, alarm: str = "sulu-db-cpu-high") -> dict[str, Any]:
    message = {
        "AlarmName": alarm,
        "AlarmDescription": "DB CPU above 80%",
        "AWSAccountId": "123456789012",
        "AlarmConfigurationUpdatedTimestamp": "2026-11-01T00:00:00.000+0000",
        "NewStateValue": state,
        "NewStateReason": "Threshold Crossed: 1 datapoint [93.1] was greater than 80.0",
        "StateChangeTime": "2026-11-25T03:00:10.000+0000",
        "Region": "Asia Pacific (Tokyo)",
        "AlarmArn": f"arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:{alarm}",
        "OldStateValue": "OK" if state == "ALARM" else "ALARM",
        "Trigger": {
            "MetricName": "CPUUtilization",
            "Namespace": "AWS/RDS",
            "StatisticType": "Statistic",
            "Statistic": "AVERAGE",
            "Dimensions": [{"value": "sulu-db", "name": "DBInstanceIdentifier"}],
            "Period": 60,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanThreshold",
            "Threshold": 80.0,
        },
    }
    return {
        "Type": "Notification",
        "MessageId": f"b0c1d2e3-0000-4000-8000-{state.lower()[:4]:0>12}",
        "TopicArn": "arn:aws:sns:ap-northeast-1:123456789012:aiops-alarms",
        "Subject": f'{state}: "{alarm}" in Asia Pacific (Tokyo)',
        "Message": json.dumps(message),
        "Timestamp": "2026-11-25T03:00:10.500Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-x.pem",
        "UnsubscribeURL": "https://sns.ap-northeast-1.amazonaws.com/?Action=Unsubscribe",
    }


def sns_subscription_confirmation() -> dict[str, Any]:
    return {
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
        "TopicArn": "arn:aws:sns:ap-northeast-1:123456789012:aiops-alarms",
        "Message": "You have chosen to subscribe to the topic ...",
        "SubscribeURL": "https://sns.ap-northeast-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y",
        "Timestamp": "2026-11-25T03:00:00.000Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-x.pem",
    }


def otlp_logs() -> dict[str, Any]:
    return {
        "resourceLogs": [{
            "resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "sulu"}},
                {"key": "host.name", "value": {"stringValue": "sulu-host"}},
            ]},
            "scopeLogs": [{
                "scope": {"name": "sulu.app"},
                "logRecords": [{
                    "timeUnixNano": "1795575600000000000",
                    "observedTimeUnixNano": "1795575600100000000",
                    "severityNumber": 17,
                    "severityText": "ERROR",
                    "body": {"stringValue": "connection pool exhausted: timeout after 5.0s"},
                    "attributes": [{"key": "db.pool", "value": {"stringValue": "main"}},
                                   {"key": "retries", "value": {"intValue": "3"}}],
                    "traceId": "5b8efff798038103d269b633813fc60c",
                    "spanId": "eee19b7ec3c1b174",
                }],
            }],
        }]
    }


def otlp_metrics() -> dict[str, Any]:
    return {
        "resourceMetrics": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "sulu"}}]},
            "scopeMetrics": [{
                "scope": {"name": "sulu"},
                "metrics": [
                    {"name": "sulu_queue_depth", "gauge": {"dataPoints": [
                        {"timeUnixNano": "1795575600000000000", "asInt": "7"}]}},
                    {"name": "sulu_requests", "sum": {
                        "aggregationTemporality": 2, "isMonotonic": True,
                        "dataPoints": [{"timeUnixNano": "1795575600000000000", "asDouble": 1234.0,
                                        "attributes": [{"key": "status",
                                                        "value": {"stringValue": "500"}}]}]}},
                ],
            }],
        }]
    }
