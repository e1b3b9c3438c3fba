"""itsm: changes, approval-link nonces, problems, SLA clocks, notifications

Revision ID: 0003_itsm
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import aiops.store.types

revision = "0003_itsm"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, aiops.store.types.UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "itsm_link_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("change_id", sa.String(length=40), nullable=False),
        _at("used_at"),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_itsm_link_nonces")),
    )
    op.create_table(
        "itsm_notifications",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("dedup_key", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        _at("next_at"),
        _at("created_at"),
        sa.Column("doc", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itsm_notifications")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_itsm_notifications_dedup_key")),
    )
    op.create_index(op.f("ix_itsm_notifications_state"), "itsm_notifications", ["state"])
    op.create_table(
        "itsm_problems",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        _at("updated_at"),
        sa.Column("doc", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itsm_problems")),
        sa.UniqueConstraint("key", name=op.f("uq_itsm_problems_key")),
    )
    op.create_index(op.f("ix_itsm_problems_state"), "itsm_problems", ["state"])
    op.create_table(
        "itsm_changes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("incident_id", sa.String(length=40), nullable=True),
        sa.Column("runbook", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        _at("expires_at", nullable=True),
        sa.Column("doc", _json(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_itsm_changes_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itsm_changes")),
    )
    op.create_index(op.f("ix_itsm_changes_created_at"), "itsm_changes", ["created_at"])
    op.create_index(op.f("ix_itsm_changes_incident_id"), "itsm_changes", ["incident_id"])
    op.create_index(op.f("ix_itsm_changes_state"), "itsm_changes", ["state"])
    op.create_table(
        "itsm_incident_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        _at("at"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_itsm_incident_keys_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itsm_incident_keys")),
        sa.UniqueConstraint("incident_id", "key", name="uq_itsm_incident_keys_incident_id_key"),
    )
    op.create_index("ix_itsm_incident_keys_key_at", "itsm_incident_keys", ["key", "at"])
    op.create_table(
        "itsm_sla_clocks",
        sa.Column("incident_id", sa.String(length=40), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        _at("updated_at"),
        sa.Column("doc", _json(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_itsm_sla_clocks_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_itsm_sla_clocks")),
    )
    op.create_index(op.f("ix_itsm_sla_clocks_open"), "itsm_sla_clocks", ["open"])


def downgrade() -> None:
    op.drop_index(op.f("ix_itsm_sla_clocks_open"), table_name="itsm_sla_clocks")
    op.drop_table("itsm_sla_clocks")
    op.drop_index("ix_itsm_incident_keys_key_at", table_name="itsm_incident_keys")
    op.drop_table("itsm_incident_keys")
    for ix in ("state", "incident_id", "created_at"):
        op.drop_index(op.f(f"ix_itsm_changes_{ix}"), table_name="itsm_changes")
    op.drop_table("itsm_changes")
    op.drop_index(op.f("ix_itsm_problems_state"), table_name="itsm_problems")
    op.drop_table("itsm_problems")
    op.drop_index(op.f("ix_itsm_notifications_state"), table_name="itsm_notifications")
    op.drop_table("itsm_notifications")
    op.drop_table("itsm_link_nonces")
