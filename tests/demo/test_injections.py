"""The injection log: appended, read back, bad lines named by file:line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from aiops.demo.injections import Injection, InjectionLog, read_injections
from aiops.errors import InvalidInput

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_entries_read_back_as_written(tmp_path: Path) -> None:
    log = InjectionLog(tmp_path / "sub" / "injections.jsonl")
    a = Injection(T0, "slow-db", "inject", "slow-db", {"delay_ms": 400.0})
    b = Injection(T0, "none", "start")
    log.append(a)
    log.append(b)
    assert read_injections(log.path) == [a, b]


@pytest.mark.parametrize(
    "line, why",
    [
        ("{not json", "bad injection record"),
        ('{"at": "2026-01-01T00:00:00+00:00", "scenario": "x", "step": "boom"}', "unknown step"),
        ('{"at": "2026-01-01T00:00:00", "scenario": "x", "step": "start"}', "without a zone"),
        ('{"scenario": "x", "step": "start"}', "at"),
        ("[1, 2]", "bad injection record"),
    ],
)
def test_a_bad_line_is_reported_with_file_and_line(tmp_path: Path, line: str, why: str) -> None:
    path = tmp_path / "injections.jsonl"
    ok = '{"at": "2026-01-01T00:00:00+00:00", "scenario": "x", "step": "start"}'
    path.write_text(ok + "\n\n" + line + "\n")
    with pytest.raises(InvalidInput) as e:
        read_injections(path)
    assert f"{path}:3:" in str(e.value)
    assert why in str(e.value)
