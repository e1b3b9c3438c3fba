from __future__ import annotations

import pytest

from aiops.cmdb.csv_import import import_cis_csv
from aiops.errors import ConfigError


def _csv(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "cis.csv"
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_rows_become_cis_with_extra_columns_as_attributes(tmp_path):
    path = _csv(
        tmp_path,
        "name,type,service,owner,attr.port,zone\n"
        "sulu-app,app,sulu,team-a,8082,\n"
        "sulu-db,database,,,,eu-1\n",
    )
    app, db = import_cis_csv(path)
    assert (app.name, app.type, app.service, app.owner) == ("sulu-app", "app", "sulu", "team-a")
    assert app.attributes == {"port": "8082"}
    assert (db.service, db.owner, db.attributes) == (None, None, {"zone": "eu-1"})


def test_bom_blank_lines_and_quoted_multiline_cells_are_accepted(tmp_path):
    path = _csv(tmp_path, '\ufeffname,type,description\n\na,app,"two\nlines"\n\nb,host,\n')
    cis = import_cis_csv(path)
    assert [c.name for c in cis] == ["a", "b"]
    assert cis[0].description == "two\nlines"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "cis.csv:1: empty file: expected a header with name, type"),
        ("name,owner\nx,y\n", "cis.csv:1: missing column 'type'"),
        ("name,type,type\n", "cis.csv:1: column 'type' appears twice"),
        ("name,type\na,app\nb\n", "cis.csv:3: expected 2 columns, got 1"),
        ("name,type\na,app\n,host\n", "cis.csv:3: name: must not be empty"),
        ("name,type\na,App Server\n", "cis.csv:2: type: String should match pattern"),
        ("name,type\na,app\nb,db\na,host\n", "cis.csv:4: name: duplicate CI 'a' (first at line 2)"),
        ('name,type,description\na,app,"x\ny"\nb b,app,\n', "cis.csv:4: name: String should match"),
    ],
    ids=[
        "empty",
        "missing-column",
        "dup-column",
        "short-row",
        "empty-name",
        "bad-type",
        "dup-ci",
        "after-multiline",
    ],
)
def test_bad_csv_names_the_line(tmp_path, text, expected):
    with pytest.raises(ConfigError) as err:
        import_cis_csv(_csv(tmp_path, text))
    assert expected in err.value.message


def test_every_bad_row_is_reported_at_once(tmp_path):
    with pytest.raises(ConfigError) as err:
        import_cis_csv(_csv(tmp_path, "name,type\n,app\nok,app\nx,\n"))
    assert err.value.message.count("\n") == 1  # two problems, lines 2 and 4
    assert ":2: name:" in err.value.message and ":4: type:" in err.value.message


def test_non_utf8_nul_bytes_and_huge_cells_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="not UTF-8"):
        import_cis_csv(_csv(tmp_path, b"name,type\n\xff\xfe,app\n"))
    with pytest.raises(ConfigError, match=r"cis\.csv:2: name: String should match"):
        import_cis_csv(_csv(tmp_path, "name,type\na\x00,app\n"))
    with pytest.raises(
        ConfigError, match=r"cis\.csv:3: malformed CSV: field larger than field limit"
    ):
        import_cis_csv(
            _csv(tmp_path, "name,type,description\na,app,\nb,app," + "x" * 200_000 + "\n")
        )


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        import_cis_csv(tmp_path / "absent.csv")
