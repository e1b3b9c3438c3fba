import pytest

from aiops.model import Severity
from aiops.normalize import SEVERITY_ALIASES, parse_severity, severity_or
from aiops.normalize.problems import FieldProblem


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("critical", Severity.critical), ("CRIT", Severity.critical), ("P1", Severity.critical),
        ("fatal", Severity.critical), ("error", Severity.error), ("err", Severity.error),
        ("Major", Severity.error), ("high", Severity.error), ("warning", Severity.warning),
        ("warn", Severity.warning), ("minor", Severity.warning), ("medium", Severity.warning),
        ("info", Severity.info), ("low", Severity.info), ("ok", Severity.info),
        (" Info ", Severity.info),
    ],
    ids=lambda v: str(v),
)  # fmt: skip
def test_aliases_map_to_levels(word, level):
    assert parse_severity(word) is level


def test_every_level_is_reachable_by_its_own_name():
    for level in Severity:
        assert SEVERITY_ALIASES[level.value] is level


@pytest.mark.parametrize("value", [5, None, ["error"], True], ids=repr)
def test_non_strings_are_refused_naming_the_type(value):
    with pytest.raises(FieldProblem, match="expected a severity word"):
        parse_severity(value)


def test_unknown_word_is_refused_listing_levels():
    with pytest.raises(FieldProblem, match="unknown severity 'bogus'; use critical, error"):
        parse_severity("bogus")


def test_lenient_form_falls_back_to_default():
    assert severity_or("bogus", Severity.warning) is Severity.warning
    assert severity_or(None, Severity.info) is Severity.info
    assert severity_or("page", Severity.info) is Severity.critical
