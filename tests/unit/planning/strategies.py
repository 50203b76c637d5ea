"""Hypothesis strategies for the planner's property tests: small random rosters, stages,
candidate availability, bookings and holds, in zones on both sides of the 2026 DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from bot.planning.model import Booking, Hold, Interval, Interviewer
from bot.planning.planner import PlanRequest
from bot.planning.templates import SeatTemplate, StageTemplate

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata",
         "Australia/Sydney"]  # fmt: skip
# Days around both 2026 DST changes (EU 25 Oct, US 1 Nov) and an ordinary week.
FIRST_DAYS = [date(2026, 10, 23), date(2026, 10, 26), date(2026, 10, 30), date(2026, 11, 2)]
ROLES = ["engineer", "director"]
TYPES = ["coding", "design", "chat"]


@st.composite
def interviewers(draw, pid: int) -> Interviewer:
    start_hour = draw(st.integers(6, 12))
    return Interviewer(
        id=pid,
        name=f"P{pid}",
        roles=frozenset(draw(st.sets(st.sampled_from(ROLES), min_size=1))),
        teams=frozenset(draw(st.sets(st.sampled_from(["core", "other"]), min_size=1))),
        interview_types=frozenset(draw(st.sets(st.sampled_from(TYPES), min_size=1))),
        tz=draw(st.sampled_from(ZONES)),
        work_start=time(start_hour),
        work_end=time(start_hour + draw(st.integers(3, 10))),
        work_days=frozenset(draw(st.sets(st.integers(0, 6), min_size=3))),
        weekly_cap=draw(st.integers(0, 3)),
        last_interviewed_at=draw(st.sampled_from(
            [None, datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)])),
        interviews_total=draw(st.integers(0, 3)),
    )  # fmt: skip


@st.composite
def stages(draw, key: str = "s", title: str = "S") -> StageTemplate:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True))
    seats = []
    for interview_type in types:
        minutes = draw(st.sampled_from([30, 45, 60]))
        low = draw(st.integers(0, 1))
        high = draw(st.integers(max(low, 1), 2))
        seats.append(SeatTemplate(
            interview_type, tuple(draw(st.sets(st.sampled_from(ROLES), min_size=1))),
            interview_type, minutes, (minutes, minutes), low, high,
            draw(st.integers(low, high)), recurring=draw(st.sampled_from([False, False, True])),
        ))  # fmt: skip
    return StageTemplate(key, title, "", "meeting", seats=tuple(seats),
                         break_minutes=draw(st.sampled_from([0, 10, 15])))  # fmt: skip


@st.composite
def availability(draw, first_day: date, zone: ZoneInfo) -> list[Interval]:
    windows = []
    for offset in draw(st.sets(st.integers(0, 1), min_size=1)):
        day = first_day + timedelta(days=offset)
        start = draw(st.integers(0, 20 * 4)) * 15 + draw(st.sampled_from([0, 5]))
        length = draw(st.integers(4, 16)) * 30
        opens = datetime.combine(day, time(0), zone) + timedelta(minutes=start)
        windows.append(
            Interval(opens.astimezone(UTC), (opens + timedelta(minutes=length)).astimezone(UTC))
        )
    return windows


@st.composite
def busy_times(draw, kind, size: int, base: datetime, most: int = 8) -> list:
    """Bookings or holds, for people 1..size, from three days before `base` to two after."""
    spans = []
    for _ in range(draw(st.integers(0, most))):
        begins = base + timedelta(minutes=15 * draw(st.integers(-4 * 24 * 3, 4 * 24 * 2)))
        ends = begins + timedelta(minutes=draw(st.sampled_from([30, 60, 120])))
        spans.append(kind(draw(st.integers(1, size)), begins, ends))
    return spans


@st.composite
def requests(draw, relaxed: bool = False) -> PlanRequest:
    size = draw(st.integers(1, 6))
    roster = [draw(interviewers(pid)) for pid in range(1, size + 1)]
    first_day = draw(st.sampled_from(FIRST_DAYS))
    candidate_tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(candidate_tz)
    base = datetime.combine(first_day, time(0), zone).astimezone(UTC)
    people = st.integers(1, size)
    return PlanRequest(
        stage=draw(stages()),
        teams=frozenset({"core"}),
        candidate_tz=candidate_tz,
        availability=draw(availability(first_day, zone)),
        roster=roster,
        not_before=base - timedelta(hours=draw(st.integers(-6, 24))),
        bookings=draw(busy_times(Booking, size, base)),
        holds=draw(busy_times(Hold, size, base, most=4)),
        exclude_ids=frozenset(draw(st.sets(people, max_size=1))),
        earlier_panels={pid: ("Round 1",) for pid in draw(st.sets(people, max_size=2))},
        min_notice=timedelta(hours=draw(st.sampled_from([0, 2]))),
        relax_cap=relaxed and draw(st.booleans()),
        allow_repeat=relaxed and draw(st.booleans()),
        alternative_days=0,
    )  # fmt: skip
