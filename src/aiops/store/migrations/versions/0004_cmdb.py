"""cmdb and changes

Revision ID: 0004_cmdb
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import aiops.store.types

revision = "0004_cmdb"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cmdb_services",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("pos", sa.Integer(), nullable=False),
        sa.Column("doc", _json(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cmdb_services")),
    )
    op.create_table(
        "cmdb_cis",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("pos", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=128), nullable=True),
        sa.Column("doc", _json(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cmdb_cis")),
    )
    op.create_index(op.f("ix_cmdb_cis_service"), "cmdb_cis", ["service"], unique=False)
    op.create_table(
        "cmdb_relations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cmdb_relations")),
        sa.UniqueConstraint("source", "type", "target", name=op.f("uq_cmdb_relations_source")),
    )
    op.create_index(op.f("ix_cmdb_relations_source"), "cmdb_relations", ["source"], unique=False)
    op.create_index(op.f("ix_cmdb_relations_target"), "cmdb_relations", ["target"], unique=False)
    op.create_table(
        "changes",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("ci", sa.String(length=128), nullable=False),
        sa.Column("service", sa.String(length=128), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("diff", _json(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("at", aiops.store.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_ci"), "changes", ["ci"], unique=False)
    op.create_index(op.f("ix_changes_at"), "changes", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_changes_at"), table_name="changes")
    op.drop_index(op.f("ix_changes_ci"), table_name="changes")
    op.drop_table("changes")
    op.drop_index(op.f("ix_cmdb_relations_target"), table_name="cmdb_relations")
    op.drop_index(op.f("ix_cmdb_relations_source"), table_name="cmdb_relations")
    op.drop_table("cmdb_relations")
    op.drop_index(op.f("ix_cmdb_cis_service"), table_name="cmdb_cis")
    op.drop_table("cmdb_cis")
    op.drop_table("cmdb_services")
