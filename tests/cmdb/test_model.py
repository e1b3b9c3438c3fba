"""The CMDB and policy models (src/aiops/model/{cmdb,policy,duration}.py) on their own."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time

import pytest
from pydantic import ValidationError

from aiops.model.cmdb import Cmdb, ConfigurationItem, ServiceWindow
from aiops.model.duration import format_duration, parse_duration
from aiops.model.events import Severity
from aiops.model.policy import Policies, PriorityPolicy


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(30, 30), (1.5, 1.5), ("45", 45), ("30s", 30), ("5m", 300), ("1h30m", 5400),
     ("2d", 172800), ("1w", 604800), ("250ms", 0.25), (" 5M ", 300), ("0", 0)],
)  # fmt: skip
def test_durations_accept_the_written_forms(value, seconds):
    assert parse_duration(value) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "value", ["5 min", "m5", "", "5x", "1h 30m", "-5", -1, math.nan, math.inf, True, None, [5]]
)
def test_durations_reject_everything_else_with_the_accepted_forms(value):
    with pytest.raises(ValueError, match="expected a duration such as 30s, 5m, 1h30m"):
        parse_duration(value)


@pytest.mark.parametrize(
    ("seconds", "text"), [(40, "40 s"), (119.6, "2 min"), (300, "5 min"),
                          (3600, "1 h"), (7500, "2 h 5 min"), (259200, "3 d")]
)  # fmt: skip
def test_format_duration_is_short_and_human(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("text", "days", "start", "end", "zone"),
    [
        ("24x7", (0, 1, 2, 3, 4, 5, 6), time(0), time(0), "UTC"),
        ("weekdays 10-19", (0, 1, 2, 3, 4), time(10), time(19), "UTC"),
        ("mon-sat 08:30-20:00 Asia/Tokyo", (0, 1, 2, 3, 4, 5), time(8, 30), time(20), "Asia/Tokyo"),
        ("fri-mon 22-06", (0, 4, 5, 6), time(22), time(6), "UTC"),
        ("mon,wed 9-17", (0, 2), time(9), time(17), "UTC"),
    ],
)
def test_service_window_text_forms(text, days, start, end, zone):
    w = ServiceWindow.model_validate(text)
    assert (w.days, w.start, w.end, w.timezone) == (days, start, end, zone)


def test_service_window_mapping_form_and_str_round_trip():
    w = ServiceWindow.model_validate({"days": ["weekdays"], "start": "10:00", "end": "19:00"})
    assert str(w) == "mon,tue,wed,thu,fri 10:00-19:00"
    assert ServiceWindow.model_validate(str(w)) == w
    assert str(ServiceWindow()) == "24x7"


@pytest.mark.parametrize(
    "text", ["24x5", "24x7 UTC", "weekdays", "weekdays ten-19", "funday 10-19", "mon 10:75-11"]
)
def test_service_window_rejects_bad_text(text):
    with pytest.raises(ValidationError):
        ServiceWindow.model_validate(text)


def test_service_window_contains_respects_days_hours_and_zone():
    w = ServiceWindow.model_validate("weekdays 10-19 Asia/Tokyo")
    wed_noon_jst = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wed 12:00 in Tokyo
    assert w.contains(wed_noon_jst)
    assert not w.contains(datetime(2026, 11, 25, 11, 0, tzinfo=UTC))  # Wed 20:00 JST
    assert not w.contains(datetime(2026, 11, 28, 3, 0, tzinfo=UTC))  # Saturday
    assert not w.contains(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # 19:00 JST: end exclusive


def test_overnight_window_belongs_to_the_day_it_starts():
    w = ServiceWindow.model_validate("fri 22-06")
    assert w.contains(datetime(2026, 11, 27, 23, 0, tzinfo=UTC))  # Fri 23:00
    assert w.contains(datetime(2026, 11, 28, 5, 59, tzinfo=UTC))  # Sat 05:59, Friday's night
    assert not w.contains(datetime(2026, 11, 27, 5, 0, tzinfo=UTC))  # Fri 05:00: Thursday's night


def test_ci_attributes_accept_scalars_only():
    ci = ConfigurationItem(name="a", type="app", attributes={"port": 80, "ha": True, "x": None})
    assert ci.attributes["port"] == 80
    with pytest.raises(ValidationError):
        ConfigurationItem(name="a", type="app", attributes={"nested": {"no": 1}})


def test_cmdb_lookups():
    cmdb = Cmdb.model_validate({"services": [{"name": "s"}], "cis": [{"name": "c", "type": "app"}]})
    assert cmdb.service("s") is not None and cmdb.service("x") is None
    assert cmdb.ci("c") is not None and cmdb.ci("s") is None


def test_partial_priority_maps_are_filled_from_the_defaults():
    p = PriorityPolicy.model_validate({"urgency_by_severity": {"warning": 2}})
    assert p.urgency_by_severity[Severity.warning] == 2
    assert p.urgency_by_severity[Severity.critical] == 1
    assert len(p.impact_by_criticality) == 4


def test_policies_defaults_are_the_documented_ones():
    p = Policies()
    assert (p.correlation.window_s, p.correlation.max_cmdb_distance) == (300, 2)
    assert p.incidents.auto_mitigate_when_all_resolved is True
    assert p.priority.matrix == [[1, 2, 3], [2, 3, 4], [3, 4, 5]]
