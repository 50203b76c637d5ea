"""Trainee seats on a proposal and at booking: how they are kept in the proposal JSON, the
lines the recruiter reads, and the trainee interviews a Confirm books beside the panel."""

from __future__ import annotations

from bot.loops.lookups import as_datetime
from bot.planning.trainees import TraineeSlot
from bot.slack_text import mention
from storage.models import Interview
from storage.uow import UnitOfWork

MODE_WORDS = {"shadow": "shadows", "reverse_shadow": "reverse-shadows"}


def trainee_json(seat: TraineeSlot) -> dict:
    return {
        "interviewer_id": seat.interviewer_id,
        "mode": seat.mode,
        "interview_type": seat.interview_type,
        "lead_id": seat.lead_id,
        "start": seat.start.isoformat(),
        "end": seat.end.isoformat(),
    }


def trainee_lines(uow: UnitOfWork, seats: list[dict]) -> list[str]:
    """ "@Kim shadows @Chen (coding) · trainee seat" for each trainee on the proposal."""
    lines = []
    for seat in seats:
        trainee = uow.interviewers.get(seat["interviewer_id"])
        lead = uow.interviewers.get(seat["lead_id"])
        lines.append(
            f"{mention(trainee.slack_user_id)} {MODE_WORDS[seat['mode']]} "
            f"{mention(lead.slack_user_id)} ({seat['interview_type'].replace('_', ' ')})"
            " · trainee seat, practice feedback only"
        )
    return lines


def seat_trainees(
    uow: UnitOfWork, stage, panel: list[Interview], seats: list[dict]
) -> list[Interview]:
    """Book each proposed trainee beside the panel interview at their time. A trainee who was
    booked elsewhere since, or whose interview changed (a swap, a shorter slot), is left out:
    a trainee seat never holds up a booking."""
    booked = []
    for seat in seats:
        start, end = as_datetime(seat["start"]), as_datetime(seat["end"])
        lead = next(
            (
                i
                for i in panel
                if (i.start_at, i.end_at, i.interview_type) == (start, end, seat["interview_type"])
            ),
            None,
        )
        if lead is None or uow.loops.bookings_between(start, end, seat["interviewer_id"]):
            continue
        if lead.interviewer_id == seat["interviewer_id"]:
            continue
        booked.append(
            uow.loops.add_interview(
                Interview(
                    stage_id=stage.id,
                    interviewer_id=seat["interviewer_id"],
                    role="trainee",
                    interview_type=seat["interview_type"],
                    seat_key=lead.seat_key,
                    start_at=start,
                    end_at=end,
                    status="confirmed",
                    trainee_mode=seat["mode"],
                    lead_interview_id=lead.id,
                )
            )
        )
    return booked
