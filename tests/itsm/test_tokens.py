"""Signed approval links: genuine ones verify; expired, tampered, malformed ones do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aiops.itsm.tokens import LinkRefused, params_hash, sign, verify

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
KEY = b"k" * 32


def token(**over: object) -> str:
    args = {
        "change_id": "CHG-1",
        "approver": "alice",
        "decision": "approve",
        "params_hash": params_hash("r", {"n": 1}),
        "now": NOW,
        "ttl_s": 900,
        **over,
    }
    return sign(KEY, **args)  # type: ignore[arg-type]


def test_a_genuine_link_verifies_with_its_claim() -> None:
    c = verify(KEY, token(), now=NOW + timedelta(minutes=5))
    assert (c.change_id, c.approver, c.decision) == ("CHG-1", "alice", "approve")


def test_an_expired_link_is_refused() -> None:
    with pytest.raises(LinkRefused) as err:
        verify(KEY, token(), now=NOW + timedelta(minutes=16))
    assert err.value.code == "link_expired"


@pytest.mark.parametrize("edit", ["flip_char", "other_key", "swap_payload"])
def test_a_tampered_link_is_refused(edit: str) -> None:
    t = token()
    if edit == "flip_char":
        t = t[:5] + ("A" if t[5] != "A" else "B") + t[6:]
    elif edit == "other_key":
        t = sign(
            b"x" * 32,
            change_id="CHG-1",
            approver="alice",
            decision="approve",
            params_hash="h",
            now=NOW,
            ttl_s=900,
        )
    else:
        t = token(decision="deny").split(".")[0] + "." + t.split(".")[1]
    with pytest.raises(LinkRefused) as err:
        verify(KEY, t, now=NOW)
    assert err.value.code in ("link_tampered", "link_malformed")


@pytest.mark.parametrize("bad", ["", "a", "a.b.c", "!!!.???", "x" * 5000])
def test_malformed_links_are_refused(bad: str) -> None:
    with pytest.raises(LinkRefused):
        verify(KEY, bad, now=NOW)


def test_params_hash_depends_on_every_parameter_and_not_on_key_order() -> None:
    assert params_hash("r", {"a": 1, "b": 2}) == params_hash("r", {"b": 2, "a": 1})
    assert params_hash("r", {"a": 1}) != params_hash("r", {"a": 2})
    assert params_hash("r", {"a": 1}) != params_hash("s", {"a": 1})
