import pytest

from aiops.detect.logs.header import Layout, detect_layout
from aiops.errors import ConfigError

LAYOUTS = {
    "java_colon_component": [
        "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.A: Created thing {n}",
        "2015-10-18 18:01:48,963 WARN [main] org.apache.hadoop.B: Executing with tokens {n}",
    ],
    "apache_brackets": [
        "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok {n}",
        "[Sun Dec 04 04:47:44 2005] [error] mod_jk child in error state {n}",
    ],
    "zookeeper_dash": [
        "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:2181:Election@774] - Notification {n}",
        "2015-07-29 19:04:12,394 - WARN  [/10.10.34.11:3888:Listener@493] - Received request {n}",
    ],
    "openstack_dotted_then_bracket": [
        "nova.log 2017-05-16 00:00:00.008 25746 INFO nova.api.server [req-1 a b - - -] Request {n}",
        "nova.log 2017-05-16 00:00:01.008 25746 ERROR nova.compute.manager [req-2 a b - - -] Request {n}",
    ],
    "no_level_epoch_columns": [
        "134681 node-246 unix.hw state_change 1077804742 1 Request {n}",
        "350766 node-109 gige temperature 1084680778 1 Request {n}",
    ],
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_header_is_cut_off_for_common_layouts(name: str) -> None:
    lines = [LAYOUTS[name][i % 2].format(n=i) for i in range(40)]
    layout = detect_layout(lines)
    message, _ = layout.split(lines[3])
    assert message.endswith(" 3")
    assert not message[0].isdigit() and "INFO" not in message and "2015" not in message


def test_level_is_read_from_the_header() -> None:
    lines = [
        f"2020-01-01 10:00:0{i} {'ERROR' if i % 2 else 'INFO'} svc: thing {i}" for i in range(9)
    ]
    layout = detect_layout(lines)
    assert layout.split(lines[1]) == ("thing 1", "error")
    assert layout.split(lines[2]) == ("thing 2", "info")


def test_plain_messages_have_no_header() -> None:
    lines = ["User error occurred in module x", "Connection from 10.0.0.1 closed"] * 5
    layout = detect_layout(lines)
    assert layout.split(lines[0]) == ("User error occurred in module x", None)


def test_line_that_does_not_fit_the_layout_is_all_message() -> None:
    layout = detect_layout([f"2020-01-01 10:00:00 INFO svc: hello {i}" for i in range(10)])
    assert layout.split("    at com.example.Foo(Foo.java:12)") == (
        "at com.example.Foo(Foo.java:12)",
        None,
    )


def test_format_string_gives_the_content_and_level() -> None:
    layout = Layout.from_format("<Date> <Time> [<Level>] <Component>: <Content>")
    assert layout.split("2020-01-01 10:00:00 [WARN] db.pool: slow query 12ms") == (
        "slow query 12ms",
        "warning",
    )


@pytest.mark.parametrize(
    "fmt", ["<Date> <Level>", "<Date> <Bad-Name> <Content>", r"<Date> \[( <Content>"]
)
def test_bad_format_string_is_a_config_error(fmt: str) -> None:
    with pytest.raises(ConfigError):
        Layout.from_format(fmt)


def test_empty_sample_gives_no_header() -> None:
    assert detect_layout(["", "   "]).split(" x y ") == ("x y", None)
