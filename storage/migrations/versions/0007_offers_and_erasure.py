"""offer details on a loop; when a candidate's personal data was erased

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loop", schema=None) as batch_op:
        # Loops that already exist recorded no offer details.
        batch_op.add_column(
            sa.Column("offer", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("loop", schema=None) as batch_op:
        batch_op.drop_column("offer")
