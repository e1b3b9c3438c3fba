from __future__ import annotations

import pytest

from aiops.correlate.similarity import alert_tokens, best_match, jaccard, label_tokens, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HighLatencyP99", {"high", "latency", "p99"}),
        ("HTTPServerErrors", {"http", "server", "errors"}),
        ("checkout 5xx errors on the api", {"checkout", "5xx", "errors", "api"}),
        ("pod sulu-app-7f9c8d6b5-xk2lz at 10.0.0.12", {"pod", "sulu", "app"}),
        ("", set()),
    ],
    ids=["camel", "acronym", "stopwords", "ids-dropped", "empty"],
)
def test_words_split_names_and_drop_noise(text, expected):
    assert words(text) == expected


def test_japanese_text_gives_character_bigrams():
    assert words("接続エラー") == {"接続", "続エ", "エラ", "ラー"}


def test_label_tokens_skip_ignored_and_empty_labels():
    labels = {"alertname": "X", "instance": "h1:9100", "severity": "Critical", "team": ""}
    assert label_tokens(labels, ignore={"alertname", "instance"}) == {"severity=critical"}


def test_alert_tokens_combine_name_summary_and_labels():
    toks = alert_tokens("DiskFull", "disk nearly full", {"mount": "/var"})
    assert toks == {"disk", "full", "nearly", "mount=/var"}


def test_jaccard_bounds():
    assert jaccard({"a", "b"}, {"a", "b"}) == 1.0
    assert jaccard({"a"}, {"b"}) == 0.0
    assert jaccard(set(), set()) == 0.0
    assert jaccard({"a", "b", "c"}, {"b", "c", "d"}) == pytest.approx(0.5)


def test_best_match_takes_the_maximum_and_zero_for_none():
    assert best_match({"a", "b"}, [{"x"}, {"a", "b"}, {"a"}]) == 1.0
    assert best_match({"a"}, []) == 0.0
