"""jit resources and grants

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import opsgate.store.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jit_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("resource", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("requester", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("requester_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("member_before", sa.Boolean(), nullable=True),
        sa.Column("granted_at", opsgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("due_at", opsgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", opsgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("revoke_claimed_until", opsgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("warned_at", opsgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("jira_issue_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("extended_from", sa.Integer(), nullable=True),
        sa.Column("created_at", opsgate.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["orgs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id"),
    )
    with op.batch_alter_table("jit_grants", schema=None) as batch_op:
        batch_op.create_index("ix_jit_grants_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_jit_grants_org_id"), ["org_id"], unique=False)

    op.create_table(
        "jit_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("system", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("group_name", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("jira_project", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("max_seconds", sa.Integer(), nullable=False),
        sa.Column("default_seconds", sa.Integer(), nullable=False),
        sa.Column("extra_approvers", sa.JSON(), nullable=False),
        sa.Column("managed", sa.Boolean(), nullable=False),
        sa.Column("created_at", opsgate.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["orgs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "name", name="uq_jit_resources_org_name"),
    )
    with op.batch_alter_table("jit_resources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jit_resources_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jit_resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jit_resources_org_id"))

    op.drop_table("jit_resources")
    with op.batch_alter_table("jit_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jit_grants_org_id"))
        batch_op.drop_index("ix_jit_grants_due")

    op.drop_table("jit_grants")
