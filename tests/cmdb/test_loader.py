"""Every config error case, each a file in `bad/` opening with `# expect: <message>` lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiops.cmdb.loader import load_cmdb, load_policies
from aiops.errors import ConfigError
from aiops.model.cmdb import Criticality, RelationType
from aiops.model.policy import Policies

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples" / "sulu"
BAD = sorted((HERE / "bad").glob("*.yaml"))


def _expected(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [ln.removeprefix("# expect: ") for ln in lines if ln.startswith("# expect: ")]
    assert found, f"{path.name} has no '# expect:' line"
    return found


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_reports_each_expected_error_with_file_and_line(path):
    load = load_policies if path.name.startswith("policies_") else load_cmdb
    with pytest.raises(ConfigError) as err:
        load(path)
    message = err.value.message
    reported = message.splitlines()
    for want in _expected(path):
        assert want in message, f"missing {want!r} in:\n{message}"
    # No extra errors beyond the expected ones, and every line names the file.
    assert len(reported) == len(_expected(path)), message
    assert all(str(path) in line for line in reported)


def test_errors_are_reported_in_line_order():
    path = HERE / "bad" / "many_errors.yaml"
    with pytest.raises(ConfigError) as err:
        load_cmdb(path)
    lines = [int(ln.split(":")[1]) for ln in err.value.message.splitlines()]
    assert lines == sorted(lines)
    assert len(err.value.errors) == 5


def test_reference_errors_carry_a_stable_type(tmp_path):
    f = tmp_path / "cmdb.yaml"
    f.write_text(
        "cis:\n  - {name: a, type: app}\nrelations:\n  - {source: a, type: runs_on, target: b}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_cmdb(f)
    (detail,) = err.value.errors
    assert (detail.loc, detail.type) == (("relations", 0, "target"), "unknown_ref")


def test_missing_file_is_a_config_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read"):
        load_cmdb(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "text", ["", "# only a comment\n", "{}\n"], ids=["empty", "comment", "map"]
)
def test_empty_cmdb_and_policies_files_are_valid(tmp_path, text):
    f = tmp_path / "x.yaml"
    f.write_text(text)
    assert load_cmdb(f).cis == []
    assert load_policies(f) == Policies()


def test_sulu_example_cmdb_loads_clean():
    cmdb = load_cmdb(EXAMPLES / "cmdb.yaml")
    names = {c.name for c in cmdb.cis}
    assert names == {
        "sulu-web",
        "sulu-app",
        "sulu-db",
        "sulu-cache",
        "sulu-external-api",
        "sulu-host",
    }
    sulu = cmdb.service("sulu")
    assert sulu is not None
    assert sulu.criticality is Criticality.high
    assert sulu.service_window.always
    assert sulu.sla["P1"].response_s == 15 * 60
    assert set(sulu.sla) == {"P1", "P2", "P3", "P4", "P5"}
    assert all(c.service == "sulu" for c in cmdb.cis)
    assert {r.type for r in cmdb.relations} >= {RelationType.depends_on, RelationType.runs_on}


def test_sulu_example_policies_load_clean():
    p = load_policies(EXAMPLES / "policies.yaml")
    assert p.correlation.window_s == 300
    assert p.correlation.mitigated_window_s == 1800
    assert p.incidents.auto_close_after_s == 7 * 86400
    assert p.incidents.auto_resolve_after_s is None
    # The example spells out the defaults (apart from auto_close): keep them in step.
    assert p.priority == Policies().priority
    assert p.correlation == Policies().correlation
