"""A fixed organisation and four loops around Europe's end of summer time (Sunday 25 October
2026) and America's (Sunday 1 November 2026), for exact figures.

- Loop 10 (payments, L4) starts in the period and is declined at the technical screen.
- Loop 20 (the backend pool, L5) starts focused on payments and pivots to streaming while its
  manager screen is proposed: streaming drops that stage, so it is skipped.
- Loop 30 (the backend pool, unfocused, L4) started before the period and ends in an offer;
  its technical screen was re-planned after an interviewer dropped out.
- Loop 40 (search) is outside every team asked about, but its interviews still load Chen and Ben.

The period is the two weeks from Monday 19 October to Monday 2 November 2026 (UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.insights.rows import (
    Dataset,
    DecisionRow,
    EventRow,
    FeedbackRow,
    InterviewRow,
    LoopRow,
    Period,
    PersonRow,
    Place,
    StageRow,
)

PERIOD = Period(datetime(2026, 10, 19, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)

PIVOT_REASON = "Candidate prefers streaming's on-call model"
ADA, BEN, CHEN, DANA, EVE, FINN = 1, 2, 3, 4, 5, 6
ORDER = {
    "recruiter_screen": 0,
    "manager_screen": 1,
    "technical_screen": 2,
    "round_1": 3,
    "round_2": 4,
    "decision": 5,
}


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def october(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return at(10, day, hour, minute)


def stage(stage_id: int, loop_id: int, key: str, position: int, status: str) -> StageRow:
    title = key.replace("_", " ").capitalize()
    return StageRow(stage_id, loop_id, key, title, ORDER[key], position, status)


def interview(iid, stage_id, loop_id, who, start, end, status="completed") -> InterviewRow:
    return InterviewRow(iid, stage_id, loop_id, who, "coding", start, end, status)


def booked(loop_id: int, key: str, when: datetime) -> EventRow:
    return EventRow(when, "stage_booked", loop_id, "U_ADA", {"stage": key})


PEOPLE = (
    PersonRow(ADA, "U_ADA", "Ada", "Europe/Berlin", 5, ("payments", "streaming")),
    PersonRow(BEN, "U_BEN", "Ben", "America/New_York", 3, ("payments",)),
    PersonRow(CHEN, "U_CHEN", "Chen", "Europe/Berlin", 2, ("payments", "search")),
    PersonRow(DANA, "U_DANA", "Dana", "Asia/Tokyo", 4, ("streaming",)),
    PersonRow(EVE, "U_EVE", "Eve", "Europe/London", 3, ("streaming",)),
    PersonRow(FINN, "U_FINN", "Finn", "Europe/Berlin", 5, ("payments",), active=False),
)

LOOPS = (
    LoopRow(10, "ic", "L4", october(19, 9), "declined", (Place("payments"),), ADA, BEN),
    LoopRow(
        20,
        "ic",
        "L5",
        october(20, 10),
        "open",
        (Place("payments", "backend"), Place("streaming", "backend")),
        ADA,
        EVE,
    ),
    LoopRow(30, "ic", "L4", october(12, 9), "offer", (Place("", "backend"),), ADA, BEN),
    LoopRow(40, "ic", "L3", at(9, 1, 9), "open", (Place("search"),), BEN, BEN),
)

STAGES = (
    stage(101, 10, "recruiter_screen", 0, "decided"),
    stage(102, 10, "manager_screen", 1, "decided"),
    stage(103, 10, "technical_screen", 2, "decided"),
    stage(104, 10, "round_1", 3, "skipped"),
    stage(105, 10, "decision", 4, "skipped"),
    stage(201, 20, "recruiter_screen", 0, "decided"),
    stage(202, 20, "manager_screen", 1001, "skipped"),  # proposed, then dropped by the pivot
    stage(203, 20, "technical_screen", 1, "decided"),
    stage(204, 20, "round_1", 2, "scheduled"),
    stage(205, 20, "round_2", 3, "pending"),
    stage(206, 20, "decision", 4, "pending"),
    stage(301, 30, "recruiter_screen", 0, "decided"),
    stage(302, 30, "manager_screen", 1, "decided"),
    stage(303, 30, "technical_screen", 2, "decided"),
    stage(304, 30, "round_1", 3, "decided"),
    stage(305, 30, "decision", 4, "decided"),
    stage(401, 40, "technical_screen", 0, "scheduled"),
)

INTERVIEWS = (
    interview(1001, 101, 10, ADA, october(20, 9), october(20, 9, 30)),
    interview(1002, 102, 10, BEN, october(22, 14), october(22, 14, 45)),
    interview(1003, 103, 10, CHEN, october(26, 10), october(26, 11)),
    interview(2001, 201, 20, ADA, october(21, 9), october(21, 9, 30)),
    interview(2003, 203, 20, DANA, october(26, 9), october(26, 10)),
    interview(2004, 204, 20, DANA, october(29, 9), october(29, 9, 45)),
    interview(2005, 204, 20, EVE, october(29, 10), october(29, 10, 45)),
    interview(2006, 204, 20, CHEN, october(29, 11), october(29, 11, 45), "declined"),
    interview(3001, 301, 30, ADA, october(13, 9), october(13, 9, 30)),
    interview(3003, 303, 30, CHEN, october(19, 13), october(19, 14), "declined"),
    interview(3004, 303, 30, DANA, october(20, 13), october(20, 14)),
    # Sunday 23:30 in Berlin (CET since 03:00 that morning): Chen's week of 19 October.
    interview(3005, 304, 30, CHEN, october(25, 22, 30), october(25, 23, 15)),
    # Monday 00:30 in Berlin, still Sunday in UTC: Chen's week of 26 October.
    interview(3006, 304, 30, CHEN, october(25, 23, 30), october(26, 0, 15)),
    interview(3007, 304, 30, BEN, october(26, 14), october(26, 14, 45)),
    interview(4001, 401, 40, CHEN, october(27, 9), october(27, 10)),
    # Sunday 1 November 23:30 in New York (EST since that morning), Monday in UTC.
    interview(4002, 401, 40, BEN, at(11, 2, 4, 30), at(11, 2, 5, 15), "confirmed"),
)

FEEDBACK = (
    FeedbackRow(1001, ADA, october(20, 10, 30)),
    FeedbackRow(1002, BEN, october(23, 14, 45)),
    FeedbackRow(1003, CHEN, october(29, 11)),  # 72 hours: overdue
    FeedbackRow(2001, ADA, october(21, 10, 30)),
    FeedbackRow(2003, DANA, october(26, 12)),
    FeedbackRow(2004, DANA, october(29, 10, 45)),
    FeedbackRow(3001, ADA, october(13, 10)),
    FeedbackRow(3004, DANA, october(20, 15)),
    FeedbackRow(3005, CHEN, october(26, 8, 15)),
    FeedbackRow(3006, CHEN, october(26, 10, 15)),
    FeedbackRow(3007, BEN, october(26, 15, 45)),
)

DECISIONS = (
    DecisionRow(10, 101, "advance", october(21, 9)),
    DecisionRow(10, 102, "advance", october(23, 15)),
    DecisionRow(10, 103, "decline", october(29, 12)),
    DecisionRow(20, 201, "advance", october(21, 12)),
    DecisionRow(20, 202, "pivot", october(23, 12)),
    DecisionRow(20, 203, "advance", october(27, 9)),
    DecisionRow(30, 301, "advance", october(14, 9)),
    DecisionRow(30, 302, "advance", october(16, 10)),
    DecisionRow(30, 303, "advance", october(20, 16)),
    DecisionRow(30, 304, "advance", october(27, 10)),
    DecisionRow(30, 305, "offer", october(30, 10)),
)

EVENTS = (
    booked(10, "recruiter_screen", october(19, 12)),
    booked(10, "manager_screen", october(21, 15)),
    booked(10, "technical_screen", october(24, 9)),
    EventRow(
        october(29, 12),
        "decision_decline",
        10,
        "U_BEN",
        {"stage": "technical_screen", "note": "", "reason": "Not enough depth in system design"},
    ),
    booked(20, "recruiter_screen", october(20, 16)),
    EventRow(
        october(23, 12),
        "loop_pivoted",
        20,
        "U_ADA",
        {"from_": "payments", "to": "streaming", "reason": PIVOT_REASON},
    ),
    booked(20, "technical_screen", october(23, 14)),
    booked(20, "round_1", october(27, 11)),
    EventRow(october(27, 15), "interview_declined", 20, "U_CHEN", {"interview": 2006}),
    booked(30, "recruiter_screen", october(12, 10)),
    booked(30, "technical_screen", october(16, 12)),
    EventRow(october(18, 20), "interview_declined", 30, "U_CHEN", {"reason": "sick"}),  # before
    EventRow(october(19, 7), "interview_declined", 30, "U_CHEN", {"reason": "sick"}),
    EventRow(
        october(19, 8),
        "stage_replanned",
        30,
        "loopbot",
        {"why": "a panelist dropped out; re-planning"},
    ),
    booked(30, "technical_screen", october(19, 9)),  # the second booking: not time to schedule
    booked(30, "round_1", october(21, 9)),
    booked(40, "technical_screen", at(9, 2, 9)),
)

DATA = Dataset(PEOPLE, LOOPS, STAGES, INTERVIEWS, FEEDBACK, DECISIONS, EVENTS)
