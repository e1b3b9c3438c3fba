from datetime import UTC, datetime, timedelta

import pytest

from aiops.normalize import from_unix_nanos, parse_timestamp
from aiops.normalize.problems import FieldProblem

T = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01T12:00:00Z", T),
        ("2024-05-01T21:00:00+09:00", T),
        ("2024-05-01T12:00:00.000+0000", T),  # CloudWatch
        ("2024-05-01t12:00:00z", T),
        ("2024-05-01 12:00:00", T),  # naive -> UTC
        ("2024-05-01T12:00", T),
        ("2024-05-01T12:00:00.123456789Z", T + timedelta(microseconds=123456)),
        (1714564800, T),
        (1714564800.5, T + timedelta(milliseconds=500)),
        (1714564800123, T + timedelta(milliseconds=123)),
    ],
    ids=lambda v: str(v),
)
def test_accepted_forms_give_aware_utc(raw, expected):
    got = parse_timestamp(raw)
    assert got == expected
    assert got.tzinfo is UTC


@pytest.mark.parametrize(
    "raw",
    ["yesterday", "", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T25:00:00Z", "1714564800"],
    ids=str,
)
def test_garbage_strings_are_not_timestamps(raw):
    with pytest.raises(FieldProblem) as info:
        parse_timestamp(raw)
    assert info.value.msg == f"not a timestamp: {raw!r}"


@pytest.mark.parametrize(
    "raw",
    ["1969-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "0001-01-01T00:00:00Z", -1, 5_000_000_000,
     10**30, "9999-12-31T23:59:59+14:00"],
    ids=str,
)  # fmt: skip
def test_years_outside_1970_2100_are_refused(raw):
    with pytest.raises(FieldProblem, match="out of range"):
        parse_timestamp(raw)


def test_last_moment_of_2100_is_accepted():
    assert parse_timestamp("2100-12-31T23:59:59Z").year == 2100


@pytest.mark.parametrize("raw", [True, None, [], {}, float("nan"), float("inf")], ids=repr)
def test_wrong_types_and_non_finite_are_refused(raw):
    with pytest.raises(FieldProblem):
        parse_timestamp(raw)


def test_offset_is_converted_not_dropped():
    got = parse_timestamp("2024-05-01T00:00:00-05:00")
    assert got == datetime(2024, 5, 1, 5, tzinfo=UTC)
    assert got.utcoffset() == UTC.utcoffset(None)


def test_unix_nanos_string_and_int():
    assert from_unix_nanos("1714564800123456789") == T + timedelta(microseconds=123456)
    assert from_unix_nanos(1714564800000000000) == T


@pytest.mark.parametrize("raw", [None, "0", 0], ids=repr)
def test_unix_nanos_zero_or_absent_is_none(raw):
    assert from_unix_nanos(raw) is None


@pytest.mark.parametrize("raw", ["-5", "12ab", "1.5e18", 1.5e18, True, "1" * 25], ids=repr)
def test_unix_nanos_garbage_is_refused(raw):
    with pytest.raises(FieldProblem):
        from_unix_nanos(raw)
