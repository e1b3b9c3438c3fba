import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from aiops.errors import InvalidInput, Unauthorized
from aiops.model import EventKind, EventStatus, Severity
from aiops.sources.push import SnsVerifier, string_to_sign, translate_sns

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"
ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:sulu-db-high-cpu"
NOTIFY = {"x-amz-sns-message-type": "Notification", "Content-Type": "text/plain; charset=UTF-8"}


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def with_alarm(**over):
    """The ALARM fixture with fields of the embedded alarm replaced (None deletes)."""
    data = load("sns_cloudwatch_alarm.json")
    alarm = json.loads(data["Message"])
    for k, v in over.items():
        if v is None:
            alarm.pop(k, None)
        else:
            alarm[k] = v
    data["Message"] = json.dumps(alarm)
    return data


def translate(data, headers=NOTIFY, verifier=None):
    return translate_sns(headers, data, now=NOW, verifier=verifier)


def refuse(data, headers=NOTIFY):
    with pytest.raises(InvalidInput) as info:
        translate(data, headers)
    assert info.value.status == 422
    return info.value.errors


def test_alarm_fixture_gives_one_firing_event():
    result = translate(load("sns_cloudwatch_alarm.json"))
    assert result.kind == "notification" and result.subscribe_url is None
    assert result.message_id == "4c0d4b0a-7c3f-5d8e-9c57-0d2a6b8a7e11"
    [e] = result.events
    assert (e.source, e.kind, e.status) == ("cloudwatch", EventKind.alert, EventStatus.firing)
    assert e.fingerprint == ARN
    assert e.occurred_at == datetime(2024, 5, 1, 12, 2, 10, 512000, tzinfo=UTC)
    # AlarmDescription tags: service=sulu severity=critical; ci from DBInstanceIdentifier
    assert (e.service, e.ci, e.severity) == ("sulu", "sulu-db-1", Severity.critical)
    assert e.summary.startswith("sulu-db-high-cpu is ALARM: Threshold Crossed")
    assert e.labels == {
        "alertname": "sulu-db-high-cpu",
        "aws_region": "us-east-1",
        "aws_account_id": "123456789012",
        "namespace": "AWS/RDS",
        "metric_name": "CPUUtilization",
        "DBInstanceIdentifier": "sulu-db-1",
    }
    assert e.payload["OldStateValue"] == "OK" and e.payload["sns"]["TopicArn"].endswith(
        "aiops-alarms"
    )


def test_ok_fixture_resolves_the_same_stream():
    [alarm] = translate(load("sns_cloudwatch_alarm.json")).events
    [ok] = translate(load("sns_cloudwatch_ok.json")).events
    assert ok.status is EventStatus.resolved and ok.severity is Severity.info
    assert ok.fingerprint == alarm.fingerprint and ok.id != alarm.id


def test_insufficient_data_is_firing_info():
    [e] = translate(with_alarm(NewStateValue="INSUFFICIENT_DATA")).events
    assert e.status is EventStatus.firing and e.severity is Severity.info


def test_alarm_without_severity_tag_is_error():
    [e] = translate(with_alarm(AlarmDescription="CPU of the db")).events
    assert e.severity is Severity.error and e.service is None


def test_redelivery_gives_same_id():
    first = translate(load("sns_cloudwatch_alarm.json")).events[0]
    again = translate_sns(
        NOTIFY, load("sns_cloudwatch_alarm.json"), now=NOW + timedelta(hours=1), verifier=None
    )
    assert again.events[0].id == first.id


@pytest.mark.parametrize(
    ("dims", "service", "ci"),
    [
        (
            [{"name": "ClusterName", "value": "sulu-ecs"}, {"name": "ServiceName", "value": "web"}],
            "web",
            None,
        ),
        ([{"name": "InstanceId", "value": "i-0abc"}], None, "i-0abc"),
        ([{"Name": "FunctionName", "Value": "resize"}], None, "resize"),
        (
            [{"name": "LoadBalancer", "value": "app/sulu/50dc6c495c0c9188"}],
            None,
            "app/sulu/50dc6c495c0c9188",
        ),
    ],
    ids=["service-before-cluster", "instance", "capitalised-keys", "alb"],
)
def test_service_and_ci_from_dimensions(dims, service, ci):
    trigger = {"MetricName": "M", "Namespace": "N", "Dimensions": dims}
    [e] = translate(with_alarm(Trigger=trigger, AlarmDescription=None)).events
    assert (e.service, e.ci) == (service, ci)


def test_metric_math_alarm_takes_dimensions_from_each_metric():
    trigger = {"Metrics": [
        {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization",
                                                "Dimensions": [{"name": "InstanceId", "value": "i-1"}]}}},
        {"Id": "e1", "Expression": "m1 * 2"},
    ]}  # fmt: skip
    [e] = translate(with_alarm(Trigger=trigger)).events
    assert e.ci == "i-1" and e.labels["InstanceId"] == "i-1"


def test_alarm_without_arn_gets_a_stable_fingerprint():
    a = translate(with_alarm(AlarmArn=None)).events[0]
    b = translate(with_alarm(AlarmArn=None)).events[0]
    assert a.fingerprint == b.fingerprint and len(a.fingerprint) == 32


def test_state_change_time_falls_back_to_sns_timestamp():
    [e] = translate(with_alarm(StateChangeTime=None)).events
    assert e.occurred_at == datetime(2024, 5, 1, 12, 2, 10, 601000, tzinfo=UTC)


def test_header_name_is_case_insensitive_and_body_type_is_the_fallback():
    assert translate(
        load("sns_cloudwatch_alarm.json"), {"X-Amz-Sns-Message-Type": "Notification"}
    ).events
    assert translate(load("sns_cloudwatch_alarm.json"), {}).events


def test_subscription_confirmation_is_returned_to_log_not_fetched():
    result = translate(
        load("sns_subscription_confirmation.json"),
        {"x-amz-sns-message-type": "SubscriptionConfirmation"},
    )
    assert result.kind == "subscription_confirmation" and result.events == []
    assert result.topic_arn == "arn:aws:sns:us-east-1:123456789012:aiops-alarms"
    assert result.subscribe_url.startswith(
        "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"
    )
    assert result.subscribe_url_trusted


def test_confirmation_with_foreign_subscribe_url_is_marked_untrusted():
    data = dict(
        load("sns_subscription_confirmation.json"), SubscribeURL="https://evil.example/confirm"
    )
    assert not translate(data, {}).subscribe_url_trusted


def test_unsubscribe_confirmation_is_recognised():
    data = dict(load("sns_subscription_confirmation.json"), Type="UnsubscribeConfirmation")
    assert translate(data, {}).kind == "unsubscribe_confirmation"


@pytest.mark.parametrize(
    ("headers", "loc", "msg"),
    [
        ({"x-amz-sns-message-type": "SubscriptionConfirmation"}, ("headers", "x-amz-sns-message-type"), "but the body's Type"),
        ({"x-amz-sns-message-type": "Bogus"}, ("headers", "x-amz-sns-message-type"), "got 'Bogus'"),
    ],
    ids=["mismatch", "unknown"],
)  # fmt: skip
def test_bad_message_type_header_is_named(headers, loc, msg):
    data = load("sns_cloudwatch_alarm.json")
    if "Bogus" in headers.values():
        del data["Type"]
    [detail] = refuse(data, headers)
    assert detail.loc == loc and msg in detail.msg


def test_missing_type_everywhere_is_named():
    data = load("sns_cloudwatch_alarm.json")
    del data["Type"]
    assert refuse(data, {})[0].loc == ("body", "Type")


@pytest.mark.parametrize(
    ("message", "msg"),
    [
        (None, "expected a JSON string, got null"),
        ({"AlarmName": "x"}, "expected a JSON string, got object"),
        ("not json", "not JSON"),
        ('{"hello": "world"}', "not a CloudWatch alarm"),
        ("[1, 2]", "not a CloudWatch alarm"),
    ],
    ids=["null", "object", "text", "other-json", "array"],
)
def test_message_that_is_not_an_alarm_is_refused(message, msg):
    data = dict(load("sns_cloudwatch_alarm.json"), Message=message)
    [detail] = refuse(data)
    assert detail.loc == ("body", "Message") and msg in detail.msg


@pytest.mark.parametrize(
    ("over", "field", "msg"),
    [
        ({"NewStateValue": "BROKEN"}, "NewStateValue", "expected ALARM, OK or INSUFFICIENT_DATA"),
        ({"AlarmName": ""}, "AlarmName", "non-empty string"),
        ({"StateChangeTime": "yesterday"}, "StateChangeTime", "not a timestamp"),
        ({"StateChangeTime": "1901-01-01T00:00:00.000+0000"}, "StateChangeTime", "out of range"),
        ({"Trigger": {"Dimensions": "InstanceId=i-1"}}, "Trigger", "expected an array"),
        ({"Trigger": {"Dimensions": [{"name": "InstanceId"}]}}, "Trigger", "bad entry"),
        ({"AlarmArn": 5}, "AlarmArn", "non-empty string"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_bad_alarm_field_is_named(over, field, msg):
    errors = refuse(with_alarm(**over))
    assert errors[0].loc == ("body", "Message", field) and msg in errors[0].msg


def test_all_bad_alarm_fields_are_listed_at_once():
    errors = refuse(with_alarm(NewStateValue="X", StateChangeTime="nope"))
    assert {d.loc[-1] for d in errors} == {"NewStateValue", "StateChangeTime"}


@pytest.mark.parametrize("data", [[], "text", None], ids=repr)
def test_non_object_body_is_refused(data):
    assert refuse(data)[0].loc == ("body",)


def test_missing_topic_arn_is_refused():
    data = load("sns_cloudwatch_alarm.json")
    del data["TopicArn"]
    assert refuse(data)[0].loc == ("body", "TopicArn")


# --- with verification on --------------------------------------------------------------


@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(7)
        .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    pem = cert.public_bytes(serialization.Encoding.PEM)

    def sign(message):
        sig = key.sign(string_to_sign(message), padding.PKCS1v15(), hashes.SHA1())
        return dict(message, Signature=base64.b64encode(sig).decode())

    return sign, SnsVerifier(lambda url: pem)


def test_signed_notification_passes_verification(signer):
    sign, verifier = signer
    assert translate(sign(load("sns_cloudwatch_alarm.json")), verifier=verifier).events


def test_tampered_notification_is_refused_before_translation(signer):
    sign, verifier = signer
    data = sign(load("sns_cloudwatch_alarm.json"))
    data["Message"] = data["Message"].replace('"ALARM"', '"OK"')
    with pytest.raises(Unauthorized):
        translate(data, verifier=verifier)


def test_unsigned_fixture_passes_when_verification_is_off():
    # verifier=None is the local-demo default; the fixture's Signature is a dummy.
    assert translate(load("sns_cloudwatch_alarm.json"), verifier=None).events
