import pytest

from aiops.errors import InvalidInput, TooLarge, Unparsable
from aiops.normalize import parse_json_body


def test_valid_json_is_decoded():
    assert parse_json_body(b'{"a": [1, 2.5, "x"]}', max_bytes=100) == {"a": [1, 2.5, "x"]}


def test_utf8_bom_is_accepted():
    assert parse_json_body(b"\xef\xbb\xbf[1]", max_bytes=100) == [1]


def test_body_over_limit_is_413_with_sizes():
    with pytest.raises(TooLarge) as info:
        parse_json_body(b"[" + b"1," * 600 + b"1]", max_bytes=1024)
    err = info.value
    assert err.status == 413 and err.code == "body_too_large"
    assert err.errors[0].loc == ("body",)
    assert "1203 bytes; the limit is 1024" in err.errors[0].msg


def test_body_exactly_at_limit_is_accepted():
    body = b'"' + b"x" * 8 + b'"'
    assert parse_json_body(body, max_bytes=len(body)) == "x" * 8


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"a": 1,\n "b": }', "line 2 column 7"),
        (b"{'a': 1}", "line 1 column 2"),
        (b'{"a": 1} trailing', "line 1 column 10"),
    ],
    ids=["missing-value", "single-quotes", "trailing-garbage"],
)
def test_malformed_json_is_400_with_line_and_column(body, expected):
    with pytest.raises(Unparsable) as info:
        parse_json_body(body, max_bytes=1000)
    assert info.value.status == 400
    assert expected in info.value.errors[0].msg
    assert info.value.errors[0].type == "json_invalid"


@pytest.mark.parametrize(
    "body", [b"[NaN]", b'{"v": Infinity}', b"[-Infinity]", b"[1e400]"], ids=str
)
def test_non_finite_numbers_are_refused(body):
    with pytest.raises(Unparsable, match="invalid JSON"):
        parse_json_body(body, max_bytes=1000)


def test_invalid_utf8_names_the_offset():
    with pytest.raises(Unparsable) as info:
        parse_json_body(b'{"a": "\xff"}', max_bytes=100)
    assert info.value.errors[0].msg == "not UTF-8: byte 0xff at offset 7"


@pytest.mark.parametrize("body", [b"", b"  \n "], ids=["empty", "blank"])
def test_empty_body_is_unparsable(body):
    with pytest.raises(Unparsable, match="empty body"):
        parse_json_body(body, max_bytes=100)


def test_deep_nesting_is_unparsable_not_a_crash():
    body = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(Unparsable, match="nested too deeply"):
        parse_json_body(body, max_bytes=1_000_000)


def test_huge_integer_is_unparsable():
    with pytest.raises(Unparsable):
        parse_json_body(b"[" + b"9" * 5000 + b"]", max_bytes=10_000)


def test_errors_are_invalid_input_for_one_handler():
    assert issubclass(Unparsable, InvalidInput) and issubclass(TooLarge, InvalidInput)
