"""What the stack writes for the worker, and how it picks its port (no processes)."""

from __future__ import annotations

import socket
from pathlib import Path

from aiops.demo.stack import pick_port, port_free, write_worker_config
from aiops.rules import load_rules
from aiops.sim.supervisor import SimConfig, Supervisor
from aiops.sources.pull import load_sources

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sulu"


def test_generated_sources_cover_each_instance_log_stderr_and_health(tmp_path: Path) -> None:
    sup = Supervisor(SimConfig(data_dir=tmp_path / "sim", instances=2))  # nothing spawned
    try:
        out = write_worker_config(sup, EXAMPLES, tmp_path / "config")
    finally:
        sup.close()
    configs = {c.name: c for c in load_sources(out / "sources.yaml", env={})}
    assert set(configs) == {
        "sulu-0-metrics", "sulu-0-log", "sulu-0-stderr",
        "sulu-1-metrics", "sulu-1-log", "sulu-1-stderr", "sulu-health",
    }  # fmt: skip
    assert str(configs["sulu-1-stderr"].path).endswith("sulu-1.stderr.log")  # type: ignore[attr-defined]
    assert all(c.service == "sulu" for c in configs.values())
    assert load_rules(out / "rules.yaml").rules  # the example's rules, unchanged


def test_a_taken_port_is_replaced_by_a_free_one() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        taken = s.getsockname()[1]
        assert not port_free(taken)
        got = pick_port(taken)
        assert got != taken and port_free(got)


def test_port_zero_means_any_free_port() -> None:
    assert pick_port(0) > 0
