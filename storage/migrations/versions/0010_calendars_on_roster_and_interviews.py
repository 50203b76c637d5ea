"""calendars on the roster and on interviews

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interviewer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=16), nullable=True))
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("event_calendar", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("event_id", sa.String(length=1000), nullable=True))
        batch_op.add_column(
            sa.Column("event_noted", sa.String(length=16), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_column("event_noted")
        batch_op.drop_column("event_id")
        batch_op.drop_column("event_calendar")
        batch_op.drop_column("event_key")
    with op.batch_alter_table("interviewer", schema=None) as batch_op:
        batch_op.drop_column("country")
        batch_op.drop_column("calendar")
