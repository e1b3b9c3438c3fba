"""The CMDB and the change record in the store. Every write is audited with before/after.

`sync` is the one way the CMDB is written: it compares the stored CMDB with the wanted
one and writes (and audits) only what differs, so seeding from `cmdb.yaml`, an API
edit and a CSV import all leave the same trail: one audit record per service, CI or
relation created, updated or deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from aiops.model.changes import ChangeRecord
from aiops.model.cmdb import Cmdb, ConfigurationItem, Relation, Service
from aiops.store import audit
from aiops.store.tables_cmdb import ChangeRow, CmdbCiRow, CmdbRelationRow, CmdbServiceRow


def relation_id(r: Relation) -> str:
    return f"{r.source} {r.type} {r.target}"


class CmdbRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def load(self) -> Cmdb:
        s = self.session
        services = s.execute(select(CmdbServiceRow.doc).order_by(CmdbServiceRow.pos)).scalars()
        cis = s.execute(select(CmdbCiRow.doc).order_by(CmdbCiRow.pos)).scalars()
        rels = s.execute(
            select(CmdbRelationRow.source, CmdbRelationRow.type, CmdbRelationRow.target).order_by(
                CmdbRelationRow.id
            )
        ).all()
        return Cmdb(
            services=[Service.model_validate(d) for d in services],
            cis=[ConfigurationItem.model_validate(d) for d in cis],
            relations=[Relation(source=a, type=t, target=b) for a, t, b in rels],
        )

    def is_empty(self) -> bool:
        s = self.session
        return not any(
            s.execute(select(t).limit(1)).first() is not None
            for t in (CmdbServiceRow.name, CmdbCiRow.name, CmdbRelationRow.id)
        )

    def sync(self, new: Cmdb, *, actor: str, now: datetime) -> int:
        """Make the store hold `new`; return how many objects changed (each one audited)."""
        old = self.load()
        entries: list[audit.Entry] = []

        def note(entity: str, eid: str, before: Any, after: Any) -> None:
            action = "create" if before is None else "delete" if after is None else "update"
            entries.append(audit.Entry(actor, entity, eid, action, before, after, now))

        for entity, table, old_items, new_items in (
            ("service", CmdbServiceRow, old.services, new.services),
            ("ci", CmdbCiRow, old.cis, new.cis),
        ):
            before = {x.name: x.model_dump(mode="json") for x in old_items}
            after = {x.name: x.model_dump(mode="json") for x in new_items}
            for name in before.keys() - after.keys():
                self.session.execute(delete(table).where(table.name == name))
                note(entity, name, before[name], None)
            for pos, (name, doc) in enumerate(after.items()):
                values: dict[str, Any] = {"name": name, "pos": pos, "doc": doc}
                if table is CmdbCiRow:
                    values["service"] = doc.get("service")
                if name not in before:
                    self.session.execute(insert(table), [values])
                    note(entity, name, None, doc)
                else:
                    self.session.execute(update(table).where(table.name == name).values(**values))
                    if before[name] != doc:
                        note(entity, name, before[name], doc)
        old_rels = {relation_id(r): r for r in old.relations}
        new_rels = {relation_id(r): r for r in new.relations}
        for rid in old_rels.keys() - new_rels.keys():
            r = old_rels[rid]
            self.session.execute(
                delete(CmdbRelationRow).where(
                    CmdbRelationRow.source == r.source,
                    CmdbRelationRow.type == r.type.value,
                    CmdbRelationRow.target == r.target,
                )
            )
            note("relation", rid, r.model_dump(mode="json"), None)
        for rid, r in new_rels.items():
            if rid not in old_rels:
                self.session.execute(
                    insert(CmdbRelationRow),
                    [{"source": r.source, "type": r.type.value, "target": r.target}],
                )
                note("relation", rid, None, r.model_dump(mode="json"))
        audit.append_many(self.session, entries)
        return len(entries)


class ChangeRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, change_id: str) -> ChangeRecord | None:
        row = self.session.get(ChangeRow, change_id)
        return _change(row) if row is not None else None

    def add(self, change: ChangeRecord, *, now: datetime) -> bool:
        """Record a change once; False when its id is already recorded (a re-delivery)."""
        if self.session.get(ChangeRow, change.id) is not None:
            return False
        doc = change.model_dump(mode="json")
        self.session.execute(insert(ChangeRow), [change.model_dump()])
        audit.append(
            self.session,
            actor=change.actor,
            entity="change",
            entity_id=change.id,
            action="create",
            before=None,
            after=doc,
            now=now,
        )
        return True

    def list(
        self,
        *,
        cis: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
    ) -> list[ChangeRecord]:
        """Newest first."""
        stmt = select(ChangeRow).order_by(ChangeRow.at.desc(), ChangeRow.id).limit(limit)
        if cis is not None:
            stmt = stmt.where(ChangeRow.ci.in_(cis))
        if since is not None:
            stmt = stmt.where(ChangeRow.at >= since)
        if until is not None:
            stmt = stmt.where(ChangeRow.at <= until)
        return [_change(r) for r in self.session.execute(stmt).scalars()]


def _change(r: ChangeRow) -> ChangeRecord:
    return ChangeRecord(
        id=r.id,
        ci=r.ci,
        service=r.service,
        kind=r.kind,
        summary=r.summary,
        diff=r.diff or {},
        source=r.source,
        at=r.at,
        actor=r.actor,
    )


__all__ = ["ChangeRepo", "CmdbRepo", "relation_id"]
