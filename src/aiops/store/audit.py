"""The append-only audit log and its SHA-256 hash chain.

Each record's hash covers its own canonical JSON and the previous record's hash, so
changing, deleting or reordering any row breaks every later link. `verify` walks the
chain and names the first record that no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from aiops.model import AuditRecord
from aiops.store.tables import AuditHeadRow, AuditRow

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def record_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    entity: str,
    entity_id: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    # Round-trip through JSON so what we hash is exactly what the database gives back.
    return None if value is None else json.loads(canonical(value))


@dataclass(frozen=True)
class Entry:
    """One record to append; `seq` and the hashes are assigned under the head lock."""

    actor: str
    entity: str
    entity_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    now: datetime


def append(
    session: Session,
    *,
    actor: str,
    entity: str,
    entity_id: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> AuditRecord:
    """Append one record inside the caller's transaction."""
    return append_many(session, [Entry(actor, entity, entity_id, action, before, after, now)])[0]


def append_many(session: Session, entries: Sequence[Entry]) -> list[AuditRecord]:
    """Append records in order, inside the caller's transaction, under one head lock.

    The head row is locked FOR UPDATE, so concurrent writers on PostgreSQL take turns;
    SQLite serialises writers anyway. One lock and one bulk insert per batch is what keeps
    auditing every state change affordable at thousands of events per second.
    """
    if not entries:
        return []
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHeadRow(id=1, seq=0, hash=GENESIS)
        session.add(head)
    seq, prev = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    for e in entries:
        seq += 1
        at = e.now.astimezone(UTC)
        before_j, after_j = _jsonable(e.before), _jsonable(e.after)
        digest = record_hash(
            prev_hash=prev, seq=seq, at=at, actor=e.actor, entity=e.entity,
            entity_id=e.entity_id, action=e.action, before=before_j, after=after_j,
        )
        rows.append({
            "seq": seq, "at": at, "actor": e.actor, "entity": e.entity,
            "entity_id": e.entity_id, "action": e.action, "before": before_j,
            "after": after_j, "prev_hash": prev, "hash": digest,
        })
        prev = digest
    session.execute(insert(AuditRow), rows)
    head.seq, head.hash = seq, prev
    return [AuditRecord(**r) for r in rows]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in order; stop at the first record that does not match."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for row in _iter_rows(session, batch):
        if row.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"record {expected_seq} is missing")
        if row.prev_hash != prev:
            return VerifyResult(False, checked, row.seq, "prev_hash does not match the record before")
        digest = record_hash(
            prev_hash=row.prev_hash,
            seq=row.seq,
            at=row.at,
            actor=row.actor,
            entity=row.entity,
            entity_id=row.entity_id,
            action=row.action,
            before=row.before,
            after=row.after,
        )
        if digest != row.hash:
            return VerifyResult(False, checked, row.seq, "content does not match its hash")
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHeadRow, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return VerifyResult(
            False, checked, checked + 1 if head.seq > checked else checked,
            f"chain ends at {checked} but the head says {head.seq}: records were removed",
        )
    return VerifyResult(True, checked)


def _iter_rows(session: Session, batch: int) -> Iterator[AuditRow]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def list_records(
    session: Session, *, entity: str | None = None, entity_id: str | None = None, limit: int = 100
) -> list[AuditRecord]:
    stmt = select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)
    if entity:
        stmt = stmt.where(AuditRow.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditRow.entity_id == entity_id)
    return [_to_model(r) for r in session.execute(stmt).scalars()]


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditRow)).scalar_one())


def _to_model(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        entity=row.entity,
        entity_id=row.entity_id,
        action=row.action,
        before=row.before,
        after=row.after,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )



def latest(session: Session, *, entity: str, entity_id: str) -> AuditRecord | None:
    """The newest record about one entity (used to skip re-recording unchanged config)."""
    row = session.execute(
        select(AuditRow)
        .where(AuditRow.entity == entity, AuditRow.entity_id == entity_id)
        .order_by(AuditRow.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return _to_model(row) if row is not None else None
