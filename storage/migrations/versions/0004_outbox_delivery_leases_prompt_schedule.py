"""outbox delivery state, dead letters, leader lease, prompt schedule

The outbox becomes transport-agnostic and never gives up on a retryable failure: rows carry
the loop they concern, the transport's result, and the in-doubt bookkeeping of an attempt
that may have reached the other side. `failed` rows become dead letters.

Timed prompts move from APScheduler's pickled `apscheduler_jobs` to `scheduled_prompt`, one
plain row per (interview, kind), which is re-synced in one pass from the interviews at start
(so nothing is copied over). `leader_lease` elects the one scheduler on SQLite.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("loop_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("attempt_started_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("in_doubt_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_message_loop_id", ["loop_id"], unique=False)
        batch_op.create_index(
            "ix_outbox_message_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )
    op.execute(
        "UPDATE outbox_message SET status = 'dead', dead_at = sent_at WHERE status = 'failed'"
    )

    op.create_table(
        "scheduled_prompt",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("interview_id", "kind"),
    )
    op.create_index("ix_scheduled_prompt_run_at", "scheduled_prompt", ["run_at"], unique=False)

    op.create_table(
        "leader_lease",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )

    op.drop_index("ix_apscheduler_jobs_next_run_time", table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")


def downgrade() -> None:
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"], unique=False
    )
    op.drop_table("leader_lease")
    op.drop_index("ix_scheduled_prompt_run_at", table_name="scheduled_prompt")
    op.drop_table("scheduled_prompt")
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status IN ('dead', 'dismissed')")
    op.execute("UPDATE outbox_message SET status = 'pending' WHERE status = 'sending'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_status_next_attempt_at")
        batch_op.drop_index("ix_outbox_message_loop_id")
        batch_op.drop_column("dead_at")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("in_doubt_since")
        batch_op.drop_column("attempt_started_at")
        batch_op.drop_column("result")
        batch_op.drop_column("loop_id")
