"""The scenario catalogue: one scenario per fault plus `none`, valid parameters."""

from __future__ import annotations

import math

import pytest

from aiops.demo.scenarios import ALL, NO_FAULT, TOUR, Timing, catalogue, select, select_many
from aiops.errors import InvalidInput
from aiops.sim.faults import FAULTS, check_params


def test_catalogue_has_every_fault_and_the_no_fault_period_last() -> None:
    cat = catalogue()
    assert list(cat)[:-1] == list(FAULTS)
    assert list(cat)[-1] == NO_FAULT
    assert cat[NO_FAULT].fault is None and cat[NO_FAULT].is_quiet


def test_every_scenario_parameter_is_within_the_fault_bounds() -> None:
    for s in catalogue().values():
        if s.fault is not None:
            assert check_params(s.fault, s.params) == s.params
            assert all(math.isfinite(v) for v in s.params.values())


def test_bounded_faults_stop_by_themselves() -> None:
    cat = catalogue()
    assert cat["cpu-hog"].params["max_s"] <= 600
    assert cat["memory-leak"].params["max_mb"] <= 1024


def test_all_selects_every_scenario_and_a_name_selects_one() -> None:
    assert [s.name for s in select(ALL)] == list(catalogue())
    assert [s.name for s in select("stop")] == ["stop"]


def test_unknown_scenario_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as e:
        select("reboot")
    assert "unknown scenario 'reboot'" in str(e.value)
    assert "slow-db" in str(e.value) and "all" in str(e.value)


@pytest.mark.parametrize("bad", ["", " ", "ALL", "stop\n", "x" * 10_000])
def test_malformed_scenario_names_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidInput):
        select(bad)


def test_select_many_drops_duplicates_and_keeps_order() -> None:
    got = [s.name for s in select_many(["stop", "error-burst", "stop"])]
    assert got == ["stop", "error-burst"]


def test_the_tour_is_made_of_known_faults() -> None:
    assert TOUR and all(name in FAULTS for name in TOUR)


def test_timing_rejects_negative_and_nan() -> None:
    Timing().check()
    with pytest.raises(InvalidInput) as e:
        Timing(detect_timeout_s=-1, no_fault_s=float("nan")).check()
    assert {d.loc for d in e.value.errors} == {("detect_timeout_s",), ("no_fault_s",)}
