import random

from aiops.detect.logs import LogMiner
from aiops.detect.logs.templates import MAX_LINE_CHARS


def test_lines_differing_in_variables_share_one_template() -> None:
    miner = LogMiner(layout="<Content>")
    a = miner.add("Received block blk_123 of size 67108864 from /10.0.0.1")
    b = miner.add("Received block blk_-99 of size 12 from /10.0.0.2")
    assert a.template_id == b.template_id
    assert b.template == "Received block <*> of size <*> from <*>"
    assert b.params == ("blk_-99", "12", "/10.0.0.2")
    assert a.is_new_template and not b.is_new_template


def test_different_messages_get_different_templates() -> None:
    miner = LogMiner(layout="<Content>")
    a = miner.add("Transitioned from NEW to INITED")
    b = miner.add("Transitioned from INITED to RUNNING")
    assert a.template_id != b.template_id


def test_weak_word_becomes_variable_once_it_varies() -> None:
    miner = LogMiner(layout="<Content>")
    assert miner.add("connected via alt0").template == "connected via alt0"
    miner.add("connected via eth1")
    assert miner.template_text(1) == "connected via <*>"


def test_template_ids_are_stable_when_lines_repeat_in_any_order() -> None:
    lines = [f"job {i} done in {i * 3} ms" for i in range(50)] + [
        f"user u{i} logged in" for i in range(50)
    ]
    random.Random(7).shuffle(lines)
    miner = LogMiner(layout="<Content>")
    first = {line: miner.add(line).template_id for line in lines}
    again = {line: miner.add(line).template_id for line in lines}
    assert first == again
    assert len(miner.templates) == 2


def test_header_layout_is_learnt_from_the_stream() -> None:
    miner = LogMiner()
    parsed = [
        miner.add(f"2020-01-01 10:00:{i:02d},000 INFO [main] a.b.C: started worker {i}")
        for i in range(300)
    ]
    assert parsed[-1].template == "started worker <*>"
    assert parsed[-1].level == "info"


def test_bad_input_never_raises() -> None:
    miner = LogMiner()
    junk: list[str | bytes] = [
        b"\xff\xfe\x00binary\x00junk\x80",
        "",
        "   ",
        "\x00\x01\x02",
        b"caf\xe9 latin-1 bytes",
        "x" * (MAX_LINE_CHARS * 3),
        "😀 emoji \u202e rtl",
    ]
    results = [miner.add(line) for line in junk]
    assert all(isinstance(r.template_id, int) for r in results)
    assert results[5].truncated and miner.stats.truncated == 1
    assert miner.stats.undecodable == 2
    assert miner.stats.empty >= 2


def test_huge_line_is_cut_to_the_limit() -> None:
    miner = LogMiner(layout="<Content>")
    parsed = miner.add("a " * MAX_LINE_CHARS)
    assert len(parsed.message) <= MAX_LINE_CHARS
