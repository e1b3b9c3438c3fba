"""The CMDB and the change record in the store (see `aiops.store.repos.cmdb`).

Services and CIs keep their whole pydantic document in `doc` (the columns beside it
are what queries filter on); relations are one row each. `pos` keeps the file order,
so an export reads like the file it came from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aiops.store.tables import Base
from aiops.store.types import JsonType, UTCDateTime


class CmdbServiceRow(Base):
    __tablename__ = "cmdb_services"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    pos: Mapped[int] = mapped_column(Integer)
    doc: Mapped[dict[str, Any]] = mapped_column(JsonType)


class CmdbCiRow(Base):
    __tablename__ = "cmdb_cis"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    pos: Mapped[int] = mapped_column(Integer)
    service: Mapped[str | None] = mapped_column(String(128), index=True)
    doc: Mapped[dict[str, Any]] = mapped_column(JsonType)


class CmdbRelationRow(Base):
    __tablename__ = "cmdb_relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(128), index=True)
    type: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(128), index=True)

    __table_args__ = (UniqueConstraint("source", "type", "target"),)


class ChangeRow(Base):
    __tablename__ = "changes"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    ci: Mapped[str] = mapped_column(String(128), index=True)
    service: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    diff: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    source: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
