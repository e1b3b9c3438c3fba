import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from aiops.errors import Retryable, Unauthorized
from aiops.sources.push import SnsVerifier, is_sns_url, string_to_sign

NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"
CERT_URL = (
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem"
)


def load(name):
    return json.loads((PAYLOADS / name).read_text())


def make_cert(key, *, days=365, start=NOW - timedelta(days=1)):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def pem(key):
    return make_cert(key)


def sign(message, key, version="1"):
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signed = dict(message, SignatureVersion=version)
    signature = key.sign(string_to_sign(signed), padding.PKCS1v15(), algorithm)
    signed["Signature"] = base64.b64encode(signature).decode()
    return signed


class Loader:
    def __init__(self, pem):
        self.pem, self.urls = pem, []

    def __call__(self, url):
        self.urls.append(url)
        return self.pem


def test_string_to_sign_of_notification_follows_sns_order():
    msg = {"Type": "Notification", "MessageId": "m", "TopicArn": "t", "Message": "hi",
           "Timestamp": "ts", "Subject": "s", "Extra": "ignored"}  # fmt: skip
    assert string_to_sign(msg) == (
        b"Message\nhi\nMessageId\nm\nSubject\ns\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"
    )
    del msg["Subject"]
    assert b"Subject" not in string_to_sign(msg)


def test_string_to_sign_of_confirmation_includes_token_and_url():
    msg = load("sns_subscription_confirmation.json")
    keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    expected = "".join(f"{k}\n{msg[k]}\n" for k in keys)
    assert string_to_sign(msg) == expected.encode()


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize(
    "name",
    ["sns_cloudwatch_alarm.json", "sns_cloudwatch_ok.json", "sns_subscription_confirmation.json"],
)
def test_valid_signature_passes(key, pem, name, version):
    loader = Loader(pem)
    SnsVerifier(loader).verify(sign(load(name), key, version), now=NOW)
    assert loader.urls == [CERT_URL]


def test_certificate_is_cached_per_url(key, pem):
    loader = Loader(pem)
    verifier = SnsVerifier(loader)
    for _ in range(3):
        verifier.verify(sign(load("sns_cloudwatch_alarm.json"), key), now=NOW)
    assert loader.urls == [CERT_URL]


def deny(message, pem, *, now=NOW):
    with pytest.raises(Unauthorized) as info:
        SnsVerifier(Loader(pem)).verify(message, now=now)
    assert info.value.status == 401 and info.value.code == "invalid_signature"
    return info.value.errors[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("Message", '{"AlarmName": "forged"}'), ("Timestamp", "2024-05-01T13:00:00.000Z"),
     ("TopicArn", "arn:aws:sns:us-east-1:999999999999:evil"), ("Subject", "changed")],
    ids=lambda v: str(v)[:20],
)  # fmt: skip
def test_tampered_message_fails(key, pem, field, value):
    message = sign(load("sns_cloudwatch_alarm.json"), key)
    message[field] = value
    detail = deny(message, pem)
    assert detail.loc == ("body", "Signature")
    assert detail.msg == "signature does not match the message"


def test_signature_by_another_key_fails(key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    deny(sign(load("sns_cloudwatch_alarm.json"), other), make_cert(key))


def test_version_mismatch_fails(key, pem):
    message = sign(load("sns_cloudwatch_alarm.json"), key, "1")
    message["SignatureVersion"] = "2"
    deny(message, pem)


@pytest.mark.parametrize(
    "url",
    [
        "http://sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem",
        "https://evil.example/sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com:8443/cert.pem",
        "https://user@sns.us-east-1.amazonaws.com/cert.pem",
        "https://s3.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com/cert.txt",
        None,
    ],
    ids=lambda v: str(v)[:45],
)
def test_wrong_certificate_host_fails_without_fetching(key, pem, url):
    message = dict(load("sns_cloudwatch_alarm.json"), SigningCertURL=url)
    loader = Loader(pem)
    with pytest.raises(Unauthorized) as info:
        SnsVerifier(loader).verify(sign(message, key), now=NOW)
    assert info.value.errors[0].loc == ("body", "SigningCertURL")
    assert loader.urls == []


def test_sns_hosts_in_china_regions_are_accepted():
    assert is_sns_url("https://sns.cn-north-1.amazonaws.com.cn/x.pem", pem=True)


@pytest.mark.parametrize(
    ("field", "value", "loc"),
    [
        ("SignatureVersion", "3", "SignatureVersion"),
        ("SignatureVersion", None, "SignatureVersion"),
        ("Signature", "not base64!!", "Signature"),
        ("Signature", None, "Signature"),
        ("MessageId", None, "MessageId"),
    ],
    ids=lambda v: str(v),
)
def test_malformed_signature_fields_fail(key, pem, field, value, loc):
    message = sign(load("sns_cloudwatch_alarm.json"), key)
    message[field] = value
    assert deny(message, pem).loc == ("body", loc)


def test_expired_certificate_fails(key):
    old = make_cert(key, days=30, start=NOW - timedelta(days=400))
    detail = deny(sign(load("sns_cloudwatch_alarm.json"), key), old)
    assert "not valid at this time" in detail.msg


def test_non_rsa_certificate_fails(key):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    detail = deny(sign(load("sns_cloudwatch_alarm.json"), key), make_cert(ec_key))
    assert "no RSA key" in detail.msg


def test_garbage_certificate_fails(key):
    detail = deny(sign(load("sns_cloudwatch_alarm.json"), key), b"not a pem")
    assert "not a PEM X.509 certificate" in detail.msg


def test_loader_failure_is_retryable(key):
    def broken(url):
        raise OSError("connection refused")

    with pytest.raises(Retryable, match="connection refused"):
        SnsVerifier(broken).verify(sign(load("sns_cloudwatch_alarm.json"), key), now=NOW)


def test_default_verifier_builds_the_https_loader_lazily(monkeypatch, key, pem):
    import aiops.sources.push.sns_signature as module

    built = []

    def fake_default():
        built.append(True)
        return Loader(pem)

    monkeypatch.setattr(module, "_default_loader", fake_default)
    verifier = SnsVerifier()
    assert built == []  # constructing it touches no network
    verifier.verify(sign(load("sns_cloudwatch_alarm.json"), key), now=NOW)
    assert built == [True]
