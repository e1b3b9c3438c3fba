"""FileTailer: what real log files do to a tailer, one case per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiops.sources.pull.tailfile import FileTailer, clean_line


def tailer(path: Path, **over: object) -> FileTailer:
    opts: dict[str, object] = {"start_at": "beginning", "state_file": path.with_suffix(".pos")}
    opts.update(over)
    return FileTailer(path, **opts)  # type: ignore[arg-type]


def texts(t: FileTailer) -> list[str]:
    return [line.text for line in t.read().lines]


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)


def test_reads_only_new_complete_lines(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"one\ntwo\nthr")
    t = tailer(log)
    assert texts(t) == ["one", "two"]
    append(log, b"ee\nfour\n")
    assert texts(t) == ["three", "four"]
    assert texts(t) == []


def test_start_at_end_skips_existing_content(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"old\n")
    t = tailer(log, start_at="end", state_file=None)
    assert texts(t) == []
    append(log, b"new\n")
    assert texts(t) == ["new"]


def test_rename_rotation_drains_old_file_then_reads_new(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"a\n")
    t = tailer(log)
    assert texts(t) == ["a"]
    append(log, b"b\nlast-no-newline")
    log.rename(tmp_path / "app.log.1")
    log.write_bytes(b"c\n")
    res = t.read()
    assert [line.text for line in res.lines] == ["b", "last-no-newline", "c"]
    assert res.rotated


def test_copytruncate_restarts_at_zero(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"first line\nsecond line\n")
    t = tailer(log)
    texts(t)
    with log.open("r+b") as fh:
        fh.truncate(0)
    append(log, b"after\n")
    res = t.read()
    assert [line.text for line in res.lines] == ["after"]
    assert res.restarted_at_zero


def test_file_rewritten_in_place_longer_than_before_is_read_from_start(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"short\n")
    t = tailer(log)
    texts(t)
    with log.open("r+b") as fh:  # same inode, new content longer than our position
        fh.write(b"REPLACED content\nmore\n")
    assert texts(t) == ["REPLACED content", "more"]


def test_deleted_file_is_survived_and_followed_when_it_returns(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"a\n")
    t = tailer(log)
    assert texts(t) == ["a"]
    log.unlink()
    res = t.read()
    assert res.missing and res.lines == [] and res.error is None
    assert t.read().missing
    log.write_bytes(b"back\n")
    assert texts(t) == ["back"]


def test_missing_file_at_start_is_reported_not_raised(tmp_path: Path):
    t = tailer(tmp_path / "nope.log")
    res = t.read()
    assert res.missing and res.lines == []


def test_position_survives_restart(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"a\nb\npartial")
    first = tailer(log)
    assert texts(first) == ["a", "b"]
    first.close()
    append(log, b" done\nc\n")
    second = tailer(log)
    assert texts(second) == ["partial done", "c"]
    state = json.loads(log.with_suffix(".pos").read_text())
    assert state["offset"] == log.stat().st_size


def test_restart_after_rotation_reads_new_file_from_start(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"a\n")
    first = tailer(log)
    texts(first)
    first.close()
    log.rename(tmp_path / "app.log.1")
    log.write_bytes(b"fresh\n")
    assert texts(tailer(log)) == ["fresh"]


def test_corrupt_state_file_is_reported_and_ignored(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"a\n")
    log.with_suffix(".pos").write_text("{not json")
    t = tailer(log)
    res = t.read()
    assert [line.text for line in res.lines] == ["a"]
    assert res.state_error and "unreadable" in res.state_error


def test_huge_line_is_cut_counted_and_the_rest_skipped(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"A" * 5000 + b"\nnext\n")
    t = tailer(log, max_line_bytes=1000)
    res = t.read()
    assert [len(line.text) for line in res.lines] == [1000, 4]
    assert res.lines[0].truncated and not res.lines[1].truncated
    assert res.lines_cut == 1 and res.bytes_skipped == 4000


def test_huge_line_arriving_in_pieces_is_cut_once(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"")
    t = tailer(log, max_line_bytes=1000)
    total = []
    for _ in range(5):
        append(log, b"B" * 900)
        total += t.read().lines
    append(log, b"\nok\n")
    res = t.read()
    total += res.lines
    assert [(len(x.text), x.truncated) for x in total] == [(1000, True), (2, False)]


def test_huge_line_being_skipped_stays_skipped_across_restart(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"C" * 3000)
    first = tailer(log, max_line_bytes=1000)
    assert [len(x.text) for x in first.read().lines] == [1000]
    first.close()
    append(log, b"C" * 10 + b"\nok\n")
    assert texts(tailer(log, max_line_bytes=1000)) == ["ok"]


def test_binary_junk_is_skipped_and_counted(tmp_path: Path):
    log = tmp_path / "app.log"
    junk = bytes(range(256)) * 4
    log.write_bytes(b"before\n" + junk.replace(b"\n", b"") + b"\n" + b"\0" * 100 + b"\nafter\n")
    t = tailer(log)
    res = t.read()
    assert [line.text for line in res.lines] == ["before", "after"]
    assert res.bytes_skipped >= 1000


def test_non_utf8_bytes_are_replaced_not_fatal(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes("café ok\n".encode("latin-1") + "日本語\n".encode())
    assert texts(tailer(log)) == ["caf\ufffd ok", "日本語"]


def test_other_encodings_can_be_configured(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes("café\n".encode("latin-1"))
    assert texts(tailer(log, encoding="latin-1")) == ["café"]


def test_crlf_and_blank_lines(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"a\r\n\r\n\nb\r\n")
    assert texts(tailer(log)) == ["a", "b"]


def test_read_is_bounded_per_call(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"line\n" * 10_000)
    t = tailer(log, max_read_bytes=4096)
    first = t.read().lines
    assert 0 < len(first) < 10_000
    rest = []
    while batch := t.read().lines:
        rest += batch
    assert len(first) + len(rest) == 10_000


def test_line_ids_are_stable_offsets(tmp_path: Path):
    log = tmp_path / "app.log"
    log.write_bytes(b"a\nbb\nccc\n")
    lines = tailer(log).read().lines
    assert [x.offset for x in lines] == [0, 2, 5]
    assert len({x.file_id for x in lines}) == 1


def test_unreadable_path_is_an_error_not_a_crash(tmp_path: Path):
    log = tmp_path / "app.log"
    log.mkdir()  # opening works, reading fails (EISDIR): an OSError the tailer must absorb
    res = tailer(log).read()
    assert res.error and "app.log" in res.error and res.lines == []


@pytest.mark.parametrize(
    ("raw", "text", "skipped"),
    [
        (b"plain", "plain", 0),
        (b"with\0nul", "withnul", 1),
        (b"\0\0\0", "", 3),
        (b"tab\there", "tab\there", 0),
        (b"\x1b[31mred\x1b[0m", "[31mred[0m", 0),
        (b"\x01\x02\x03\x04\x05ab", "", 7),
    ],
    ids=["plain", "nul", "only-nul", "tab", "ansi", "mostly-control"],
)
def test_clean_line(raw: bytes, text: str, skipped: int):
    assert clean_line(raw) == (text, skipped)
