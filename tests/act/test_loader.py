"""Runbooks load with every problem reported as file:line: path: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiops.act.loader import load_runbook, load_runbooks
from aiops.errors import ConfigError

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples" / "sulu" / "runbooks"
BAD = sorted((HERE / "bad").glob("*.yaml"))


def test_every_example_runbook_loads_clean() -> None:
    books = load_runbooks(EXAMPLES)
    assert {
        "sulu-restart",
        "sulu-rollback-last-change",
        "sulu-restart-app",
        "sulu-disk-full",
        "sulu-scale-out",
    } <= set(books)
    assert books["sulu-restart"].change_type.value == "standard"
    assert books["sulu-restart-app"].change_type.value == "normal"


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_runbook_is_refused_with_its_line(path: Path) -> None:
    expect = path.read_text().splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(ConfigError) as err:
        load_runbook(path)
    assert str(path) in err.value.message
    assert expect in err.value.message


def test_duplicate_names_across_files_are_refused(tmp_path: Path) -> None:
    body = "name: same\nsteps: [{name: w, kind: wait, with: {seconds: 1}}]\n"
    (tmp_path / "a.yaml").write_text(body)
    (tmp_path / "b.yaml").write_text(body)
    with pytest.raises(ConfigError, match=r"b.yaml:1: name: duplicate runbook 'same'"):
        load_runbooks(tmp_path)


def test_shell_step_outside_the_allow_list_is_refused_at_load(tmp_path: Path) -> None:
    from aiops.model.policy_itsm import ChangePolicy

    p = tmp_path / "sh.yaml"
    p.write_text(
        "name: sh\nsteps:\n  - name: x\n    kind: shell\n    with: {command: rm, args: [-rf, /]}\n"
    )
    with pytest.raises(
        ConfigError, match=r"sh.yaml:5: steps.0.with: command 'rm' is not allow-listed"
    ):
        load_runbook(p, ChangePolicy())
