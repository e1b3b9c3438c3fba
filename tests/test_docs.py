"""Docs that cannot rot: every error code the code can send is documented in en and ja."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r'code(?:: str)? ?= ?"([a-z_]+)"|^CODE = "([a-z_]+)"|error_body\(\d+, "([a-z_]+)"',
                  re.M)


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for f in (ROOT / "src" / "aiops").rglob("*.py"):
        for m in CODE.finditer(f.read_text(encoding="utf-8")):
            found.add(next(g for g in m.groups() if g))
    return found


def test_the_scan_finds_codes() -> None:
    assert {"invalid_event", "unparsable", "conflict", "unknown_source"} <= codes_in_source()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_error_code_is_documented(lang: str) -> None:
    doc = (ROOT / "docs" / lang / "errors.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.M))
    missing = codes_in_source() - documented
    assert not missing, f"docs/{lang}/errors.md lacks: {sorted(missing)}"
