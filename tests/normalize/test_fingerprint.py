from aiops.normalize import VOLATILE_LABELS, fingerprint, native_fingerprint, stable_labels


def test_fingerprint_is_32_hex_and_stable():
    fp = fingerprint("alertmanager", {"a": "1", "b": "2"})
    assert len(fp) == 32 and int(fp, 16) >= 0
    assert fp == fingerprint("alertmanager", {"b": "2", "a": "1"})


def test_fingerprint_parts_are_unambiguous():
    assert fingerprint("a", "bc") != fingerprint("ab", "c")
    assert fingerprint("a") != fingerprint("a", "")
    assert fingerprint({"a": "b"}) != fingerprint("a", "b")


def test_fingerprint_is_a_pinned_value():
    # Changing the encoding would split every stored alert stream: pin it.
    assert fingerprint("x") == "b8b96a3e73906111b7ccb81d4b817475"


def base(**over):
    args = dict(source="s", kind="alert", service="svc", ci="ci-1", labels={"alertname": "A"})
    return native_fingerprint(**(args | over))


def test_native_default_ignores_volatile_labels():
    assert base(labels={"alertname": "A", "value": "93", "trace_id": "ab"}) == base()
    assert "timestamp" in VOLATILE_LABELS and "request_id" in VOLATILE_LABELS


def test_native_default_separates_source_service_ci_kind_and_labels():
    fps = {
        base(),
        base(source="t"),
        base(service="other"),
        base(ci="ci-2"),
        base(kind="change"),
        base(labels={"alertname": "B"}),
    }
    assert len(fps) == 6


def test_summary_counts_only_without_alertname_and_digits_are_masked():
    no_name = dict(labels={"disk": "sda"})
    assert base(summary="disk 91% full", **no_name) == base(summary="disk 97% full", **no_name)
    assert base(summary="disk full", **no_name) != base(summary="cpu hot", **no_name)
    assert base(summary="disk full") == base(summary="cpu hot")  # alertname present


def test_stable_labels_match_case_insensitively():
    assert stable_labels({"Value": "1", "TraceId": "x", "env": "prod"}) == {"env": "prod"}
