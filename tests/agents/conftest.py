"""Factories for agent tests: sulu incidents as each fault makes them, and a local
OpenAI-compatible server (`llm_server`) with scripted answers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from llm_server import ScriptedLLM  # noqa: E402


@pytest.fixture
def llm_server() -> Iterator[ScriptedLLM]:
    server = ScriptedLLM()
    server.start()
    yield server
    server.stop()
