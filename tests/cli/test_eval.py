from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aiops.cli import _load, app
from aiops.cli.eval import _Pair, shadow_agents
from aiops.config import default_config_dir
from aiops.model.decisions import Autonomy


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _load()
    return CliRunner()


@pytest.mark.parametrize(
    "args",
    [["--scenarios", "nope"], ["--repeat", "0"], ["--time-scale", "0"],
     ["--time-scale", "nan"], ["--operator-csv", "/nonexistent.csv"],
     ["--llm-base-url", "http://127.0.0.1:1/v1"]],
)  # fmt: skip
def test_bad_usage_exits_2_without_a_traceback(
    runner: CliRunner, args: list[str], tmp_path: Path
) -> None:
    r = runner.invoke(app, ["eval", *args, "--report", str(tmp_path / "r")])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and "aiops eval:" in r.output


def test_shadow_mode_holds_only_the_remediate_agent_for_approval() -> None:
    cfg = shadow_agents(default_config_dir())
    kinds = {a.kind: a.autonomy for a in cfg.agents}
    assert kinds["remediate"] is Autonomy.approve
    assert all(v is not Autonomy.autonomous for v in kinds.values())


def test_an_overlapping_variant_toggles_both_faults_together() -> None:
    calls: list[tuple[Any, ...]] = []

    class Sup:
        name = "sup"

        def fault(self, *a: Any) -> None:
            calls.append(a)

    pair = _Pair(Sup(), "slow-db", "cpu-hog", {"duty": 0.9})
    pair.fault("slow-db", True, {"delay_ms": 1})
    pair.fault("slow-db", False, None)
    pair.fault("stop", True, None)
    assert calls == [("slow-db", True, {"delay_ms": 1}), ("cpu-hog", True, {"duty": 0.9}),
                     ("slow-db", False, None), ("cpu-hog", False, None), ("stop", True, None)]  # fmt: skip
    assert pair.name == "sup"


def test_a_bad_eval_config_exits_2_naming_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    p = tmp_path / "eval.yaml"
    p.write_text("cost:\n  nope: 1\n")
    r = runner.invoke(app, ["eval", "--config", str(p), "--report", str(tmp_path / "r")])
    assert r.exit_code == 2 and "eval.yaml:2" in r.output


def test_human_decision_needs_a_decision_and_a_reachable_server(runner: CliRunner) -> None:
    r = runner.invoke(app, ["human-decision", "INC-1", "--person", "alice"])
    assert r.exit_code == 2 and "at least one" in r.output
    r = runner.invoke(app, ["human-decision", "INC-1", "--person", "alice", "--triage", "P2",
                            "--url", "http://127.0.0.1:9"])  # fmt: skip
    assert r.exit_code == 1 and "cannot reach" in r.output and "Traceback" not in r.output


def test_shadow_mode_keeps_a_configured_llm_backend() -> None:
    from aiops.agents.config import configure_llm
    from aiops.agents.stage import load_agents_config

    llm = configure_llm(load_agents_config(default_config_dir()), "http://127.0.0.1:1/v1", "m")
    cfg = shadow_agents(default_config_dir(), llm)
    rem = next(a for a in cfg.agents if a.kind == "remediate")
    assert rem.autonomy is Autonomy.approve and rem.backend != "builtin"
