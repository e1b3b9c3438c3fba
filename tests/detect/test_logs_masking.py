import pytest

from aiops.detect.logs.masking import mask_token, normalize_template


def skeleton(token: str) -> str:
    return mask_token(token)[0]


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("1893", "<*>"),
        ("-5", "<*>"),
        ("0.2477829", "<*>"),
        ("0x1f3a", "<*>"),
        ("10.251.73.220:50010", "<*>:<*>"),
        ("/10.10.34.11:45307", "<*>:<*>"),
        ("3b0d0b41-4e4b-4c5a-85f4-b55c42e2d1b8", "<*>"),
        ("/var/log/app/server.log", "<*>"),
        ("hdfs://host:9000/user/x", "hdfs://<*>"),
        ("2017-05-16", "<*>-<*>-<*>"),
        ("12:01:47,978", "<*>:<*>:<*>"),
        ("blk_-6952295868487656571", "<*>"),
        ("appattempt_1445144423722_0020_000001", "<*>"),
        ("rdd_4_2", "<*>"),
        ("(HWID=1973)", "(HWID=<*>)"),
        ("node-246", "node-<*>"),
        ("10.1.1.1,10.2.2.2", "<*>"),
        ("0xfffffffe", "<*>"),
        ("msra-sa-41/10.190.173.170:8030", "<*>/<*>:<*>"),
        ("host-7.dc1.example.com:443", "<*>:<*>"),
        ("/v2/abc/servers/detail?since=2017-05-16T00%3A00", "<*>"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_variables_are_masked(token: str, expected: str) -> None:
    assert skeleton(token) == expected


@pytest.mark.parametrize(
    "token", ["workerEnv.init()", "INFO", "BLOCK*", "mod_jk", "status:", "[TERM,"]
)
def test_words_stay_as_written(token: str) -> None:
    assert mask_token(token) == (token, token)


@pytest.mark.parametrize("token", ["alt0", "Slf4jLogger", "jk2_init()", "HttpServer2"])
def test_word_with_a_digit_is_weak_not_masked(token: str) -> None:
    skel, strong = mask_token(token)
    assert "<w>" in skel
    assert strong == token


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("a  b\tc ", "a b c"),
        ("took <*>.<*> s", "took <*> s"),
        ("id <*><*>", "id <*>"),
        ("flag true and NULL", "flag <*> and <*>"),
        ('"GET <*> HTTP/<*>" status', '"GET <*>" status'),
        ("core.<*>", "core.<*>"),
        ("x<*>y rest", "<*> rest"),
        ("Deleting /a/b/c now", "Deleting <*> now"),
    ],
)
def test_normalize_follows_loghub_conventions(template: str, expected: str) -> None:
    assert normalize_template(template) == expected
