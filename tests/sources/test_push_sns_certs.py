import httpx
import pytest

from aiops.sources.push.sns_certs import https_cert_loader

URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem"


def client(handler):
    return httpx.Client(transport=httpx.MockTransport(handler), timeout=2.0)


def test_fetches_the_pem_from_an_sns_host():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, content=b"-----BEGIN CERTIFICATE-----")

    assert https_cert_loader(client(handler))(URL) == b"-----BEGIN CERTIFICATE-----"
    assert seen == [URL]


def test_refuses_other_hosts_without_a_request():
    def handler(request):
        raise AssertionError("must not fetch")

    with pytest.raises(ValueError, match="refusing to fetch"):
        https_cert_loader(client(handler))("https://evil.example/cert.pem")


def test_does_not_follow_redirects_and_raises_on_error_status():
    def handler(request):
        return httpx.Response(302, headers={"location": "https://evil.example/x.pem"})

    with pytest.raises(httpx.HTTPStatusError):
        https_cert_loader(client(handler))(URL)


def test_oversized_answer_is_refused():
    def handler(request):
        return httpx.Response(200, content=b"x" * 100)

    with pytest.raises(ValueError, match="over 10 bytes"):
        https_cert_loader(client(handler), max_bytes=10)(URL)
