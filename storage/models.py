"""The tables. Times are aware UTC datetimes (see `UTCDateTime`); people's
zones are IANA names. Lists (roles, teams, interview types) are JSON arrays so
the same schema works on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _when(*, now: bool = False, nullable: bool = False, index: bool = False) -> Any:
    column = Column(UTCDateTime(), nullable=nullable, index=index)
    if now:
        return Field(default_factory=utcnow, sa_column=column)
    return Field(default=None, sa_column=column)


def _json(default_factory) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class Interviewer(SQLModel, table=True):
    __tablename__ = "interviewer"

    id: int | None = Field(default=None, primary_key=True)
    slack_user_id: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    roles: list[str] = _json(list)
    teams: list[str] = _json(list)
    interview_types: list[str] = _json(list)
    # None means "ask Slack": users.info's tz fills it in on first use.
    tz: str | None = Field(default=None, max_length=64)
    work_start: str = Field(default="09:00", max_length=5)
    work_end: str = Field(default="17:00", max_length=5)
    work_days: list[int] = _json(lambda: [0, 1, 2, 3, 4])
    weekly_cap: int = Field(default=5)
    # At most this many interviews on one of their local days; None: no daily cap.
    daily_cap: int | None = Field(default=None)
    active: bool = Field(default=True)
    # Where their calendar is (a CalDAV collection, a Google calendar id, a Microsoft user);
    # None: their email. `country` picks their public holidays (None: LOOPBOT_HOLIDAYS).
    calendar: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, max_length=16)


class Candidate(SQLModel, table=True):
    __tablename__ = "candidate"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, index=True)
    tz: str = Field(max_length=64)
    created_at: datetime = _when(now=True)
    # Set when `loopbot candidate forget` (or the retention run) erased the personal data.
    erased_at: datetime | None = _when(nullable=True)


class Loop(SQLModel, table=True):
    __tablename__ = "loop"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    track: str = Field(max_length=32)
    level: str = Field(max_length=8)
    # The team the loop is focused on; empty while a pool loop is still unfocused.
    team: str = Field(max_length=64)
    # The hiring pool the loop runs in (centralized hiring), or empty.
    pool: str = Field(default="", max_length=64)
    # Teams the candidate leans toward, captured at the recruiter screen.
    preferences: list[str] = _json(list)
    recruiter_id: int = Field(foreign_key="interviewer.id")
    hiring_manager_id: int = Field(foreign_key="interviewer.id")
    technical_format: str = Field(default="discussion", max_length=32)
    availability_text: str = Field(default="", max_length=2000)
    # The candidate's windows as parsed when typed: [[start_iso, end_iso], ...] in UTC.
    availability: list[list[str]] = _json(list)
    # Shown only to the recruiter, the hiring manager and panel members.
    accommodations: str = Field(default="", max_length=2000)
    extra_minutes_per_interview: int = Field(default=0)
    extra_break_minutes: int = Field(default=0)
    status: str = Field(default="open", max_length=16, index=True)
    # An offer's details (compensation, start_date, open_questions) and the candidate's
    # answer (outcome: accepted | declined); seen by the recruiter and hiring manager only.
    offer: dict = _json(dict)
    created_by: str = Field(max_length=32)
    created_at: datetime = _when(now=True)
    updated_at: datetime = _when(now=True)


class Stage(SQLModel, table=True):
    __tablename__ = "stage"
    __table_args__ = (UniqueConstraint("loop_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    loop_id: int = Field(foreign_key="loop.id", index=True)
    key: str = Field(max_length=32)
    position: int
    # pending → proposed → scheduled → completed → decided (or skipped)
    status: str = Field(default="pending", max_length=16)
    proposal: dict = _json(dict)


class Interview(SQLModel, table=True):
    __tablename__ = "interview"
    __table_args__ = (Index("ix_interview_interviewer_start", "interviewer_id", "start_at"),)

    id: int | None = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage.id", index=True)
    interviewer_id: int = Field(foreign_key="interviewer.id")
    role: str = Field(max_length=32)
    interview_type: str = Field(max_length=32)
    seat_key: str = Field(default="", max_length=64)
    start_at: datetime = _when()
    end_at: datetime = _when()
    # confirmed → completed; or declined / cancelled
    status: str = Field(default="confirmed", max_length=16)
    # When each timed prompt went out: a prompt whose time is set never fires again,
    # whatever the scheduler does (restarts, re-syncs, misfires).
    reminded_at: datetime | None = _when(nullable=True)
    prompted_at: datetime | None = _when(nullable=True)
    feedback_reminded_at: datetime | None = _when(nullable=True)
    escalated_recruiter_at: datetime | None = _when(nullable=True)
    escalated_manager_at: datetime | None = _when(nullable=True)
    # The interview's event on the interviewer's calendar: loopbot's stable key, the calendar
    # it was written to, the provider's id once the outbox wrote it, and what the calendar
    # sync last reported about it ("", "moved", "gone") so it is reported once.
    event_key: str | None = Field(default=None, max_length=200)
    event_calendar: str | None = Field(default=None, max_length=500)
    event_id: str | None = Field(default=None, max_length=1000)
    event_noted: str = Field(default="", max_length=16)
    # A trainee sitting in ("shadow" or "reverse_shadow"; empty for a panelist): their
    # feedback is practice and never counts. `lead_interview_id` is the panelist's interview
    # they sit in on; `sign_off` is the lead's verdict ("positive", "not_yet"), once given.
    trainee_mode: str = Field(default="", max_length=16)
    lead_interview_id: int | None = Field(default=None)
    sign_off: str = Field(default="", max_length=16)


class Trainee(SQLModel, table=True):
    """Someone in training for one interview type: `mode` is where they stand (shadow,
    reverse_shadow, graduated); the sessions they have done are their trainee interviews."""

    __tablename__ = "trainee"
    __table_args__ = (UniqueConstraint("interviewer_id", "interview_type"),)

    id: int | None = Field(default=None, primary_key=True)
    interviewer_id: int = Field(foreign_key="interviewer.id")
    interview_type: str = Field(max_length=32)
    mode: str = Field(default="shadow", max_length=16)
    started_at: datetime = _when(now=True)
    graduated_at: datetime | None = _when(nullable=True)


class Hold(SQLModel, table=True):
    """Time a live proposal holds tentatively for one interviewer until its Confirm.

    held → booked (Confirm), released (a fresh plan, Pick another time, a swap, the loop
    closed, or a proposal confirmed first took the time) or expired (its lifetime ran out).
    Later plans avoid the time of `held` rows whose `expires_at` is still ahead. Each change is
    noted in the unit of work (`changed_holds`), so a calendar can mirror holds as tentative
    events.
    """

    __tablename__ = "hold"
    __table_args__ = (Index("ix_hold_status_interviewer", "status", "interviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage.id", index=True)
    version: int  # the proposal version that placed it
    interviewer_id: int = Field(foreign_key="interviewer.id")
    start_at: datetime = _when()
    end_at: datetime = _when()
    created_at: datetime = _when(now=True)
    expires_at: datetime = _when(index=True)
    status: str = Field(default="held", max_length=16)
    ended_at: datetime | None = _when(nullable=True)
    why: str = Field(default="", max_length=200)  # why it ended, for the audit trail


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", unique=True)
    interviewer_id: int = Field(foreign_key="interviewer.id")
    signal: str = Field(max_length=16)
    ratings: dict = _json(dict)
    notes: str = Field(default="", max_length=10000)
    submitted_at: datetime = _when(now=True)
    updated_at: datetime = _when(now=True)


class Decision(SQLModel, table=True):
    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    loop_id: int = Field(foreign_key="loop.id", index=True)
    stage_id: int = Field(foreign_key="stage.id")
    kind: str = Field(max_length=16)
    decided_by: str = Field(max_length=32)
    decided_at: datetime = _when(now=True)
    note: str = Field(default="", max_length=2000)


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what, when. Updates and deletes are refused below."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(now=True, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    loop_id: int | None = Field(default=None, index=True)
    detail: dict = _json(dict)


class OutboxMessage(SQLModel, table=True):
    """A call to the outside world (Slack, mail, calendars) decided inside a transaction and
    sent after it, by the transport its `method` names.

    `ref` names a Slack message so later rows can thread under it (`thread_ref`) or edit it
    in place (`update_ref`) without knowing its ts yet.

    status: pending -> sending -> sent; a permanent refusal makes it `dead` (a dead letter,
    until an operator retries or dismisses it). `sending` with `attempt_started_at` marks an
    attempt on the wire; `in_doubt_since` is set once an attempt may have reached the other
    side without us hearing back, so the next one looks before it sends again."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    method: str = Field(max_length=64)
    payload: dict = _json(dict)
    ref: str | None = Field(default=None, max_length=200)
    thread_ref: str | None = Field(default=None, max_length=200)
    update_ref: str | None = Field(default=None, max_length=200)
    # The loop the call is about: a dead letter is shown to its recruiter.
    loop_id: int | None = Field(default=None, index=True)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _when(now=True, index=True)
    last_error: str = Field(default="", max_length=2000)
    created_at: datetime = _when(now=True)
    sent_at: datetime | None = _when(nullable=True)
    # What the transport answered (a Slack channel and ts, a calendar event id...).
    result: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    attempt_started_at: datetime | None = _when(nullable=True)
    in_doubt_since: datetime | None = _when(nullable=True)
    claimed_by: str | None = Field(default=None, max_length=64)
    dead_at: datetime | None = _when(nullable=True)


class SlackMessage(SQLModel, table=True):
    """Where a named message landed, so it can be threaded under or updated."""

    __tablename__ = "slack_message"

    ref: str = Field(primary_key=True, max_length=200)
    channel: str = Field(max_length=32)
    ts: str = Field(max_length=32)


class ProcessedRequest(SQLModel, table=True):
    """Slack retries and double clicks: the first delivery wins, the rest are no-ops."""

    __tablename__ = "processed_request"

    key: str = Field(primary_key=True, max_length=200)
    at: datetime = _when(now=True)


class ScheduledPrompt(SQLModel, table=True):
    """When a timed prompt of an interview is due: the scheduler's job store (one plain row
    per interview and kind, written in bulk by the re-sync, read by APScheduler)."""

    __tablename__ = "scheduled_prompt"

    interview_id: int = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=32)
    run_at: datetime = _when(index=True)


class LeaderLease(SQLModel, table=True):
    """Who runs the scheduler and the outbox sender, until when (SQLite; PostgreSQL uses an
    advisory lock instead)."""

    __tablename__ = "leader_lease"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    expires_at: datetime = _when()


class CalendarChannel(SQLModel, table=True):
    """A push channel a calendar provider keeps open for loopbot (a Google watch channel, a
    Microsoft Graph subscription): what every replica verifies notifications against, and what
    the leader renews and stops. `secret` is sent back with each notification (Google's channel
    token, Graph's clientState); it is never logged."""

    __tablename__ = "calendar_channel"

    id: str = Field(primary_key=True, max_length=200)  # Google's channel id, Graph's subscription
    provider: str = Field(max_length=16, index=True)  # google | microsoft
    resource: str = Field(default="", max_length=500)  # Google's resourceId, Graph's resource
    secret: str = Field(max_length=200)
    address: str = Field(max_length=2000)  # where the provider posts notifications
    expires: datetime | None = _when(nullable=True)
    opened_at: datetime = _when(now=True)


class CandidateRequest(SQLModel, table=True):
    """What loopbot asked a candidate for one stage: their availability, or to pick a time
    (`mode`). open -> answered (or withdrawn when the stage moved on without them). The
    candidate's page is reached through a signed link naming the loop and the stage."""

    __tablename__ = "candidate_request"

    id: int | None = Field(default=None, primary_key=True)
    loop_id: int = Field(foreign_key="loop.id", index=True)
    stage_id: int = Field(foreign_key="stage.id", index=True)
    mode: str = Field(max_length=16)  # availability | self_schedule
    status: str = Field(default="open", max_length=16, index=True)
    sent_by: str = Field(max_length=64)
    sent_at: datetime = _when(now=True)
    reminded_at: datetime | None = _when(nullable=True)
    answered_at: datetime | None = _when(nullable=True)
    # When the candidate told us about accommodations through this request's page.
    accommodations_at: datetime | None = _when(nullable=True)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state):
    # Bulk UPDATE/DELETE statements skip the per-row hooks below; refuse them here.
    if (state.is_update or state.is_delete) and state.bind_mapper is AuditEvent.__mapper__:
        raise ValueError("the audit log is append-only")


@event.listens_for(AuditEvent, "before_update")
def _refuse_audit_update(mapper, connection, target):
    raise ValueError("the audit log is append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_delete(mapper, connection, target):
    raise ValueError("the audit log is append-only")
