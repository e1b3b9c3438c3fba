"""The data moves one way. A stage imports `model`, the shared base and the stages
before it; nothing imports the wiring (`runtime`, `worker`, `demo`), `web` or `cli`.

    sources → normalize → (rules | detect) → correlate → diagnose → agents → act/itsm → evaluate

Deviation, on purpose: `sources` adapters build events with `normalize.make_event`, the
one constructor of a valid Event, rather than each writing its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "aiops"

BASE = {"model", "errors", "config", "obs", "cmdb"}  # shared by every stage
STAGES = ["sources", "normalize", "rules", "detect", "correlate", "diagnose", "agents",
          "act", "itsm", "evaluate"]
SIDE = {"store": {"model"}, "bus": {"model"}, "sim": {"errors"}}
WIRING = {"runtime", "worker", "demo", "web", "cli"}


def allowed(pkg: str) -> set[str] | None:
    """Packages `pkg` may import; None = anything (the wiring layer)."""
    if pkg in WIRING:
        return None
    if pkg in SIDE:
        return SIDE[pkg] | {"errors", "config"}
    if pkg in BASE:
        return BASE - {pkg} if pkg in {"cmdb"} else {"errors", "model"}
    if pkg in STAGES:
        before = set(STAGES[: STAGES.index(pkg)])
        if pkg == "sources":
            before.add("normalize")
        return BASE | before
    return set()


def imports() -> list[tuple[str, str, str]]:
    found = []
    for f in SRC.rglob("*.py"):
        parts = f.relative_to(SRC).parts
        pkg = parts[0].removesuffix(".py")
        if pkg == "__init__":
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.startswith("aiops.") and name.split(".")[1] != pkg:
                    found.append((str(f.relative_to(SRC)), pkg, name.split(".")[1]))
    return found


@pytest.mark.parametrize("edge", imports(), ids=lambda e: f"{e[0]}->{e[2]}")
def test_imports_follow_the_data_flow(edge: tuple[str, str, str]) -> None:
    path, pkg, target = edge
    ok = allowed(pkg)
    assert ok is None or target in ok, f"{path}: {pkg} must not import aiops.{target}"


def test_nothing_imports_web_or_cli_except_the_wiring() -> None:
    bad = [e for e in imports() if e[2] in {"web", "cli"} and e[1] not in WIRING]
    assert bad == []
