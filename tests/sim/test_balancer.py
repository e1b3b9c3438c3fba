"""The front's backend list: round robin, reread on change, dead backends benched."""

from __future__ import annotations

import json
import os
from pathlib import Path

from aiops.sim.balancer import BENCH_S, Backends


def _write(path: Path, urls: list[str], mtime: float) -> None:
    path.write_text(json.dumps(urls))
    os.utime(path, (mtime, mtime))


def test_round_robin_over_the_file(tmp_path: Path) -> None:
    f = tmp_path / "b.json"
    _write(f, ["http://127.0.0.1:1", "http://127.0.0.1:2"], 1000)
    b = Backends(f)
    firsts = [b.order(now=10.0 + i)[0] for i in range(4)]
    assert firsts == ["http://127.0.0.1:1", "http://127.0.0.1:2"] * 2


def test_file_change_is_picked_up_and_garbage_keeps_the_last_list(tmp_path: Path) -> None:
    f = tmp_path / "b.json"
    _write(f, ["http://127.0.0.1:1"], 1000)
    b = Backends(f)
    assert b.order(now=10.0) == ["http://127.0.0.1:1"]
    _write(f, ["http://127.0.0.1:3"], 2000)
    assert b.order(now=11.0) == ["http://127.0.0.1:3"]
    f.write_text("{half a file")
    os.utime(f, (3000, 3000))
    assert b.order(now=12.0) == ["http://127.0.0.1:3"]
    f.unlink()
    assert b.order(now=13.0) == ["http://127.0.0.1:3"]


def test_benched_backend_is_skipped_until_the_bench_ends(tmp_path: Path) -> None:
    f = tmp_path / "b.json"
    _write(f, ["http://127.0.0.1:1", "http://127.0.0.1:2"], 1000)
    b = Backends(f)
    b.order(now=10.0)
    b.bench("http://127.0.0.1:1", now=10.0)
    assert b.order(now=10.5) == ["http://127.0.0.1:2"]
    assert "http://127.0.0.1:1" in b.order(now=10.0 + BENCH_S + 0.5)


def test_all_benched_still_tries_them(tmp_path: Path) -> None:
    f = tmp_path / "b.json"
    _write(f, ["http://127.0.0.1:1"], 1000)
    b = Backends(f)
    b.order(now=10.0)
    b.bench("http://127.0.0.1:1", now=10.0)
    assert b.order(now=10.5) == ["http://127.0.0.1:1"]
