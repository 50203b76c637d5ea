"""calendar push channels

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_channel",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("resource", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calendar_channel", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_channel_provider"), ["provider"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_channel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_channel_provider"))
    op.drop_table("calendar_channel")
