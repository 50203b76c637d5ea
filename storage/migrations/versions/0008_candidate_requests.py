"""candidate requests (the candidate's side)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidate_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loop_id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accommodations_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["loop_id"], ["loop.id"]),
        sa.ForeignKeyConstraint(["stage_id"], ["stage.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("candidate_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_request_loop_id"), ["loop_id"])
        batch_op.create_index(batch_op.f("ix_candidate_request_stage_id"), ["stage_id"])
        batch_op.create_index(batch_op.f("ix_candidate_request_status"), ["status"])


def downgrade() -> None:
    with op.batch_alter_table("candidate_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_request_status"))
        batch_op.drop_index(batch_op.f("ix_candidate_request_stage_id"))
        batch_op.drop_index(batch_op.f("ix_candidate_request_loop_id"))
    op.drop_table("candidate_request")
