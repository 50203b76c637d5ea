"""interviewer training, daily caps, stage holds

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("interview_type", sa.String(length=32), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("graduated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["interviewer_id"], ["interviewer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interviewer_id", "interview_type"),
    )
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("trainee_mode", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("lead_interview_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("sign_off", sa.String(length=16), nullable=False, server_default="")
        )
    with op.batch_alter_table("interviewer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_cap", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interviewer", schema=None) as batch_op:
        batch_op.drop_column("daily_cap")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_column("sign_off")
        batch_op.drop_column("lead_interview_id")
        batch_op.drop_column("trainee_mode")
    op.drop_table("trainee")
