"""hiring pools and candidate preferences

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loop", schema=None) as batch_op:
        # Loops that already exist are single-team loops with no preferences recorded.
        batch_op.add_column(
            sa.Column("pool", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("preferences", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("loop", schema=None) as batch_op:
        batch_op.drop_column("preferences")
        batch_op.drop_column("pool")
