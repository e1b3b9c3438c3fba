"""LogFileSource: log lines become valid Event(kind=log) with level, time and health."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from aiops.model import Event, EventKind, Severity
from aiops.sources.pull import LogFileConfig, LogFileSource
from aiops.sources.pull.logline import level_of, parse_line, parse_time

NOW = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)


def source(path: Path, reg: CollectorRegistry, **over: object) -> LogFileSource:
    cfg = LogFileConfig.model_validate(
        {"name": "sulu-log", "path": str(path), "start_at": "beginning", "service": "sulu",
         "ci": "sulu-app", "state_file": str(path) + ".pos", **over}
    )  # fmt: skip
    return LogFileSource(cfg, registry=reg)


def sulu_line(level: str, msg: str, ts: str = "2026-11-25T02:59:58.123Z") -> str:
    return json.dumps({"ts": ts, "level": level, "logger": "sulu.app", "msg": msg,
                       "fields": {"status": 500}})  # fmt: skip


async def test_json_lines_become_log_events(tmp_path: Path):
    log = tmp_path / "sulu.log"
    log.write_text(sulu_line("error", "GET /articles 500") + "\n" + sulu_line("info", "ok") + "\n")
    src = source(log, CollectorRegistry())
    items = await src.poll(NOW)
    await src.aclose()
    assert all(isinstance(i, Event) for i in items)
    err, info = items
    assert isinstance(err, Event) and isinstance(info, Event)
    assert err.kind == EventKind.log and err.source == "sulu-log"
    assert err.severity == Severity.error and err.labels["level"] == "error"
    assert err.summary == "GET /articles 500" and err.service == "sulu" and err.ci == "sulu-app"
    assert err.occurred_at == datetime(2026, 11, 25, 2, 59, 58, 123000, tzinfo=UTC)
    assert err.received_at == NOW
    assert err.payload["fields"]["fields"] == {"status": 500}
    assert info.severity == Severity.info
    Event.model_validate(err.model_dump())  # round-trips as a valid Event


async def test_same_message_shape_shares_fingerprint_and_ids_differ(tmp_path: Path):
    log = tmp_path / "sulu.log"
    log.write_text("ERROR db timeout after 1200 ms\nERROR db timeout after 900 ms\n")
    src = source(log, CollectorRegistry())
    a, b = await src.poll(NOW)
    await src.aclose()
    assert a.fingerprint == b.fingerprint  # type: ignore[union-attr]
    assert a.id != b.id  # type: ignore[union-attr]


async def test_reread_after_restart_keeps_event_ids(tmp_path: Path):
    log = tmp_path / "sulu.log"
    log.write_text("ERROR one\n")
    first = await source(log, CollectorRegistry(), state_file=None).poll(NOW)
    again = await source(log, CollectorRegistry(), state_file=None).poll(NOW)
    assert [e.id for e in first] == [e.id for e in again]  # type: ignore[union-attr]


async def test_text_line_without_time_uses_now(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_text("[WARN] cache cold\n")
    (event,) = await source(log, CollectorRegistry()).poll(NOW)
    assert isinstance(event, Event)
    assert event.occurred_at == NOW and event.severity == Severity.warning


async def test_cut_lines_and_skipped_bytes_show_in_health_and_metrics(tmp_path: Path):
    log = tmp_path / "sulu.log"
    log.write_bytes(b"E" * 2000 + b"\n" + b"\0" * 50 + b"\n")
    reg = CollectorRegistry()
    src = source(log, reg, max_line_bytes=1000)
    (event,) = await src.poll(NOW)
    assert isinstance(event, Event) and event.payload["truncated"] is True
    assert src.health.lines_cut == 1 and src.health.bytes_skipped == 1050
    assert reg.get_sample_value("aiops_tail_lines_truncated_total", {"source": "sulu-log"}) == 1
    assert reg.get_sample_value("aiops_tail_bytes_skipped_total", {"source": "sulu-log"}) == 1050


async def test_missing_file_is_a_counted_error_then_recovers(tmp_path: Path):
    log = tmp_path / "sulu.log"
    reg = CollectorRegistry()
    src = source(log, reg)
    assert await src.poll(NOW) == []
    assert src.health.up is False and src.health.last_error_reason == "missing"
    assert (
        reg.get_sample_value(
            "aiops_source_errors_total", {"source": "sulu-log", "reason": "missing"}
        )
        == 1
    )
    log.write_text("INFO up again\n")
    assert len(await src.poll(NOW)) == 1
    assert src.health.up is True


async def test_corrupt_state_file_counts_state_error_but_reads(tmp_path: Path):
    log = tmp_path / "sulu.log"
    log.write_text("INFO a\n")
    Path(str(log) + ".pos").write_text("garbage")
    reg = CollectorRegistry()
    src = source(log, reg)
    assert len(await src.poll(NOW)) == 1
    assert src.health.up is True
    assert (
        reg.get_sample_value("aiops_source_errors_total", {"source": "sulu-log", "reason": "state"})
        == 1
    )


@pytest.mark.parametrize(
    ("line", "level", "message"),
    [
        ('{"level":"ERROR","msg":"boom"}', "error", "boom"),
        ('{"levelname":"WARNING","message":"slow"}', "warning", "slow"),
        ('{"severity":"CRITICAL","event":"down"}', "critical", "down"),
        ('{"level":50,"msg":"pino error"}', "error", "pino error"),
        ('{"log":{"level":"warn"},"message":"ecs"}', "warning", "ecs"),
        ('{"msg":"no level"}', "unknown", "no level"),
        ("2026-11-25 03:00:00,123 ERROR sulu.db: pool exhausted", "error", None),
        ("2026-11-25T03:00:00Z [FATAL] gone", "critical", None),
        ("level=error msg=bad", "error", None),
        ("Errors are fine here", "unknown", None),
        ("GET /ERROR 200", "unknown", None),
        ("{not json", "unknown", None),
        ("[1, 2]", "unknown", None),
    ],
    ids=lambda v: str(v)[:24],
)
def test_parse_line_level(line: str, level: str, message: str | None):
    parsed = parse_line(line)
    assert parsed.level == level
    assert parsed.message == (message if message is not None else line)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-25T03:00:00Z", datetime(2026, 11, 25, 3, tzinfo=UTC)),
        ("2026-11-25 03:00:00,5", datetime(2026, 11, 25, 3, 0, 0, 500000, tzinfo=UTC)),
        (1764039600, datetime(2025, 11, 25, 3, tzinfo=UTC)),
        (1764039600000, datetime(2025, 11, 25, 3, tzinfo=UTC)),
        ("yesterday", None),
        (float("nan"), None),
        (True, None),
    ],
    ids=["iso-z", "comma-frac", "epoch-s", "epoch-ms", "text", "nan", "bool"],
)
def test_parse_time(value: object, expected: datetime | None):
    assert parse_time(value) == expected


def test_level_of_unknown_word_is_info():
    assert level_of("chatty") == ("unknown", Severity.info)
