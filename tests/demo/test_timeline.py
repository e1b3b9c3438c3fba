"""The timeline takes any kind of entry and prints one line each when not live."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from aiops.demo.timeline import Timeline

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def make() -> tuple[Timeline, io.StringIO]:
    buf = io.StringIO()
    clock = iter(T0 + timedelta(seconds=i) for i in range(100))
    tl = Timeline(Console(file=buf, width=200, color_system=None), clock=lambda: next(clock))
    return tl, buf


def test_each_entry_is_one_line_with_kind_text_and_reference() -> None:
    tl, buf = make()
    with tl:
        tl.add("fault", "slow-db injected")
        tl.add("incident", "opened P2: latency", ref="INC-1")
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2
    assert "fault" in lines[0] and "slow-db injected" in lines[0] and "+   1.0s" in lines[0]
    assert "opened P2: latency" in lines[1] and "[INC-1]" in lines[1]


def test_later_stages_add_their_own_kinds_without_changes() -> None:
    tl, buf = make()
    e = tl.add("diagnosis", "root cause sulu-db (0.82)", ref="INC-1", score=0.82)
    assert e.kind == "diagnosis" and e.data == {"score": 0.82}
    assert "diagnosis" in buf.getvalue() and "root cause sulu-db" in buf.getvalue()


def test_markup_in_texts_is_printed_as_is() -> None:
    tl, buf = make()
    tl.add("alert", "[red]not markup[/red] and [INC]")
    assert "[red]not markup[/red]" in buf.getvalue()


def test_only_the_newest_entries_are_kept() -> None:
    buf = io.StringIO()
    tl = Timeline(Console(file=buf), keep=3)
    for i in range(5):
        tl.add("info", f"n{i}")
    assert [e.text for e in tl.entries] == ["n2", "n3", "n4"]


def test_a_live_timeline_renders_the_status_and_entries() -> None:
    buf = io.StringIO()
    tl = Timeline(Console(file=buf, width=120, force_terminal=True), live=True)
    with tl:
        tl.set_status("scenario 1/2: stop")
        tl.add("fault", "stop injected")
    out = buf.getvalue()
    assert "scenario 1/2: stop" in out and "stop injected" in out
