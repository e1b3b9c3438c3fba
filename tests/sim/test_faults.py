"""The fault catalogue validates control input with reasons, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aiops.errors import AiopsError, InvalidInput, NotFound, Unparsable
from aiops.sim.faults import FAULTS, FaultBoard, check_params, parse_switch

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

REQUIRED = {
    "stop",
    "slow-db",
    "db-pool-exhaustion",
    "memory-leak",
    "cpu-hog",
    "error-burst",
    "dependency-timeout",
    "disk-full",
    "config-change",
}


def test_catalogue_has_every_fault_of_the_issue() -> None:
    assert REQUIRED <= set(FAULTS)


def test_switch_body_parses_and_merges_defaults() -> None:
    on, params = parse_switch("slow-db", b'{"on": true, "params": {"delay_ms": 250}}')
    assert on is True and params == {"delay_ms": 250.0}
    on, params = parse_switch("memory-leak", b'{"on": false}')
    assert on is False and params == {"rate_mb_s": 4.0, "max_mb": 256.0}


def test_unknown_fault_is_not_found_and_lists_known_ones() -> None:
    with pytest.raises(NotFound, match="known faults: stop, slow-db"):
        parse_switch("slow-disk", b'{"on": true}')


@pytest.mark.parametrize(
    ("body", "exc", "loc"),
    [
        (b"{not json", Unparsable, ("body",)),
        (b"\xff\xfe", Unparsable, ("body",)),
        (b"[1, 2]", InvalidInput, ("body",)),
        (b'{"on": "yes"}', InvalidInput, ("body", "on")),
        (b"{}", InvalidInput, ("body", "on")),
        (b'{"on": true, "extra": 1}', InvalidInput, ("body", "extra")),
        (b'{"on": true, "params": [1]}', InvalidInput, ("body", "params")),
        (
            b'{"on": true, "params": {"delay_ms": "fast"}}',
            InvalidInput,
            ("body", "params", "delay_ms"),
        ),
        (
            b'{"on": true, "params": {"delay_ms": NaN}}',
            InvalidInput,
            ("body", "params", "delay_ms"),
        ),
        (
            b'{"on": true, "params": {"delay_ms": 1e12}}',
            InvalidInput,
            ("body", "params", "delay_ms"),
        ),
        (
            b'{"on": true, "params": {"delay_ms": true}}',
            InvalidInput,
            ("body", "params", "delay_ms"),
        ),
        (b'{"on": true, "params": {"depth": 3}}', InvalidInput, ("body", "params", "depth")),
    ],
    ids=[
        "not-json",
        "binary",
        "array",
        "on-string",
        "on-missing",
        "extra-key",
        "params-list",
        "param-string",
        "param-nan",
        "param-huge",
        "param-bool",
        "param-unknown",
    ],
)
def test_bad_switch_bodies_are_rejected_with_location(
    body: bytes, exc: type[AiopsError], loc: tuple[str, ...]
) -> None:
    with pytest.raises(exc) as info:
        parse_switch("slow-db", body)
    assert info.value.errors and tuple(info.value.errors[0].loc) == loc


def test_every_bad_param_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as info:
        check_params("cpu-hog", {"duty": 7, "max_s": -1, "x": 1})
    assert len(info.value.errors) == 3


def test_board_reports_change_only_on_transitions_and_keeps_since() -> None:
    board = FaultBoard()
    assert board.switch("slow-db", True, {"delay_ms": 100.0}, now=NOW)
    assert not board.switch("slow-db", True, {"delay_ms": 200.0}, now=NOW.replace(hour=13))
    assert board.active["slow-db"].since == NOW
    assert board.param("slow-db", "delay_ms") == 200.0
    assert board.switch("slow-db", False, {}, now=NOW)
    assert not board.switch("slow-db", False, {}, now=NOW)
    assert board.param("slow-db", "delay_ms") == 400.0  # default once off


def test_restore_puts_back_a_durable_fault_only() -> None:
    from aiops.sim.faults import parse_switch_request

    assert parse_switch_request("disk-full", b'{"on": true, "restore": true}') == (True, {}, True)
    for name, body in [
        ("memory-leak", b'{"on": true, "restore": true}'),  # held by the process: not durable
        ("disk-full", b'{"on": false, "restore": true}'),  # restoring means switching on
        ("disk-full", b'{"on": true, "restore": "yes"}'),
    ]:
        with pytest.raises(InvalidInput) as info:
            parse_switch_request(name, body)
        assert tuple(info.value.errors[0].loc) == ("body", "restore")


def test_durable_faults_are_those_a_restart_cannot_clear() -> None:
    durable = {n for n, s in FAULTS.items() if s.durable}
    assert durable == {"slow-db", "error-burst", "dependency-timeout", "disk-full", "config-change"}


def test_change_log_skips_a_torn_line_and_counts_a_fleet_change_once(tmp_path) -> None:
    from aiops.sim.changelog import ChangeLog

    clock = iter([NOW, NOW, NOW.replace(minute=5)])
    log = ChangeLog(tmp_path / "changes.jsonl", lambda: next(clock))
    first = log.record("deploy", "deploy sulu 1 -> 2", {"version": ["1", "2"]})
    again = log.record("deploy", "deploy sulu 1 -> 2", {"version": ["1", "2"]})  # instance 2
    with (tmp_path / "changes.jsonl").open("a") as fh:
        fh.write('{"id": 2, "at": "torn')  # a process killed mid-write
    fh_ok = log.record("deploy", "deploy sulu 1 -> 2", {"version": ["1", "2"]})  # later: new
    assert again == first
    assert [c.id for c in log.all()] == [1, 2]
    assert fh_ok.id == 2
