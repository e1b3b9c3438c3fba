"""The audit log is a SHA-256 hash chain: verify passes on honest data, names the first
tampered, removed or reordered record otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update

from aiops.store import audit
from aiops.store.database import make_engine, migrate, session_factory
from aiops.store.tables import AuditHeadRow, AuditRow

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@pytest.fixture
def sessions(db_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()


def _write(sessions, n: int) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        for i in range(n):
            audit.append(
                s, actor="tester", entity="incident", entity_id=f"INC-{i % 3}",
                action="state", before={"state": "open", "n": i},
                after={"state": "acknowledged", "note": "日本語 ok", "f": 1.5},
                now=T0 + timedelta(seconds=i, microseconds=123),
            )


def test_honest_chain_verifies(sessions) -> None:  # type: ignore[no-untyped-def]
    _write(sessions, 10)
    with sessions() as s:
        result = audit.verify(s)
    assert result.ok and result.checked == 10


def test_each_record_links_to_the_previous_hash(sessions) -> None:  # type: ignore[no-untyped-def]
    _write(sessions, 3)
    with sessions() as s:
        rows = s.query(AuditRow).order_by(AuditRow.seq).all()
    assert rows[0].prev_hash == audit.GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]


def test_edited_row_is_named(sessions) -> None:  # type: ignore[no-untyped-def]
    _write(sessions, 6)
    with sessions.begin() as s:
        s.execute(update(AuditRow).where(AuditRow.seq == 4).values(actor="mallory"))
    with sessions() as s:
        result = audit.verify(s)
    assert not result.ok
    assert result.first_bad_seq == 4
    assert "hash" in result.reason


def test_edited_json_payload_is_detected(sessions) -> None:  # type: ignore[no-untyped-def]
    _write(sessions, 4)
    with sessions.begin() as s:
        s.execute(update(AuditRow).where(AuditRow.seq == 2).values(after={"state": "closed"}))
    with sessions() as s:
        assert audit.verify(s).first_bad_seq == 2


def test_deleted_middle_row_is_named(sessions) -> None:  # type: ignore[no-untyped-def]
    _write(sessions, 5)
    with sessions.begin() as s:
        s.execute(delete(AuditRow).where(AuditRow.seq == 3))
    with sessions() as s:
        result = audit.verify(s)
    assert not result.ok and result.first_bad_seq == 3


def test_truncated_tail_is_detected_by_the_head(sessions) -> None:  # type: ignore[no-untyped-def]
    _write(sessions, 5)
    with sessions.begin() as s:
        s.execute(delete(AuditRow).where(AuditRow.seq >= 4))
    with sessions() as s:
        result = audit.verify(s)
    assert not result.ok
    assert "removed" in result.reason


def test_rewritten_chain_without_head_update_is_detected(sessions) -> None:  # type: ignore[no-untyped-def]
    _write(sessions, 3)
    with sessions.begin() as s:
        s.execute(update(AuditHeadRow).values(hash="f" * 64))
    with sessions() as s:
        assert not audit.verify(s).ok
