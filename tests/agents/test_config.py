"""agents.yaml: every bad file fails with file:line; the examples load; configure_llm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiops.agents.config import (
    AgentConfig,
    AgentKind,
    configure_llm,
    default_agents,
    load_agents,
)
from aiops.errors import ConfigError

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BAD = sorted((HERE / "bad").glob("*.yaml"))


def _expect(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_agents_file_is_rejected_with_file_and_line(path: Path, tmp_path: Path) -> None:
    target = tmp_path / "agents.yaml"
    shutil.copy(path, target)
    with pytest.raises(ConfigError) as exc:
        load_agents(target)
    msg = str(exc.value)
    assert _expect(path) in msg
    assert msg.startswith(f"{target}:")
    assert msg.split(":")[1].isdigit()  # a line number, always


@pytest.mark.parametrize("name", ["sulu/agents.yaml", "sulu/agents.ja.yaml", "llm/ollama.yaml"])
def test_example_agents_files_load_clean(name: str) -> None:
    cfg = load_agents(REPO / "examples" / name)
    assert {a.kind for a in cfg.agents} >= {
        AgentKind.triage,
        AgentKind.diagnose,
        AgentKind.remediate,
    }


def test_japanese_example_has_japanese_instructions() -> None:
    cfg = load_agents(REPO / "examples" / "sulu" / "agents.ja.yaml")
    assert all(a.language == "ja" for a in cfg.agents)
    assert "根本原因" in cfg.agents[1].instructions


def test_instruction_hash_changes_with_text_and_version() -> None:
    a = AgentConfig(name="t", kind=AgentKind.triage, instructions="Triage.")
    b = a.model_copy(update={"instructions": "Triage carefully."})
    c = a.model_copy(update={"instructions_version": "2"})
    assert len({a.instructions_hash, b.instructions_hash, c.instructions_hash}) == 3
    assert (
        a.instructions_hash
        == AgentConfig(name="x", kind="triage", instructions="Triage.\n").instructions_hash
    )


def test_configure_llm_points_every_agent_at_the_endpoint_and_keeps_the_rest() -> None:
    base = load_agents(REPO / "examples" / "sulu" / "agents.yaml")
    cfg = configure_llm(base, "http://127.0.0.1:9/v1", "qwen", "sk-secret-key-123456")
    assert {(a.backend, a.model) for a in cfg.agents} == {("cli-llm", "qwen")}
    assert [a.autonomy for a in cfg.agents] == [a.autonomy for a in base.agents]
    assert cfg.backends["cli-llm"].base_url == "http://127.0.0.1:9/v1"
    assert "sk-secret" not in cfg.model_dump_json()  # the key is never dumped
    assert base.agents[0].backend == "builtin"  # the original is untouched


def test_defaults_are_builtin_triage_diagnose_remediate() -> None:
    cfg = default_agents()
    assert [(a.name, a.backend) for a in cfg.agents] == [
        ("triage", "builtin"),
        ("diagnose", "builtin"),
        ("remediate", "builtin"),
    ]


def test_empty_agents_file_means_no_agents(tmp_path: Path) -> None:
    (tmp_path / "agents.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_agents(tmp_path / "agents.yaml").agents == []
