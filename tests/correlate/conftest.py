"""Factories for correlation tests: events, alerts, incidents and the sulu topology.

All times derive from one fixed instant `T0`; tests say `at(40)` for "40 s after T0".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aiops.cmdb.loader import load_cmdb
from aiops.cmdb.topology import Topology
from aiops.model import Alert, Event, Incident

T0 = datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC)
SULU_CMDB = Path(__file__).resolve().parents[2] / "examples" / "sulu" / "cmdb.yaml"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def make_event() -> Callable[..., Event]:
    def make(**over: Any) -> Event:
        data: dict[str, Any] = {
            "id": "ev-1",
            "source": "native",
            "service": "sulu",
            "ci": "sulu-app",
            "severity": "error",
            "summary": "sulu-app p99 latency above 2 s",
            "labels": {"alertname": "HighLatency", "service": "sulu"},
            "occurred_at": T0,
            "received_at": T0,
            "fingerprint": "fp-1",
        }
        data.update(over)
        return Event.model_validate(data)

    return make


@pytest.fixture
def make_alert() -> Callable[..., Alert]:
    def make(**over: Any) -> Alert:
        data: dict[str, Any] = {
            "id": "ALR-1",
            "fingerprint": "fp-1",
            "source": "native",
            "name": "HighLatency",
            "service": "sulu",
            "ci": "sulu-app",
            "severity": "error",
            "summary": "sulu-app p99 latency above 2 s",
            "labels": {"alertname": "HighLatency"},
            "first_seen": T0,
            "last_seen": T0,
        }
        data.update(over)
        return Alert.model_validate(data)

    return make


@pytest.fixture
def make_incident() -> Callable[..., Incident]:
    def make(**over: Any) -> Incident:
        data: dict[str, Any] = {
            "id": "INC-1",
            "title": "sulu-app p99 latency above 2 s",
            "service": "sulu",
            "cis": ["sulu-app"],
            "opened_at": T0,
            "updated_at": T0,
        }
        data.update(over)
        return Incident.model_validate(data)

    return make


@pytest.fixture(scope="session")
def sulu() -> Topology:
    return Topology(load_cmdb(SULU_CMDB))
