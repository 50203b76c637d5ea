"""Time plan_stage on a 60-person roster and a week of availability, then at 50, 500 and
5,000 people for a stage that fits and two that do not (whose explanation of what is
missing must stay bounded). Run as a script (`make bench`).

.venv/bin/python -m tests.unit.planning.bench_planner
"""

from __future__ import annotations

import random
import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.planning.model import Booking, Hold, Interval, Interviewer
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.template_loader import load_templates

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Berlin", "Europe/London"]
ROLE_TYPES = {
    "engineer": ("coding", "system_design", "technical_discussion"),
    "director": ("partnership",),
    "partner": ("partnership",),
    "leader": ("partnership",),
}


def roster(rng: random.Random, size: int = 60) -> list[Interviewer]:
    people = [
        Interviewer(1, "HM", frozenset({"hiring_manager"}), frozenset({"core"}), frozenset(),
                    "America/New_York"),
        Interviewer(2, "Rec", frozenset({"recruiter"}), frozenset({"core"}), frozenset(),
                    "America/New_York"),
    ]  # fmt: skip
    base = ["engineer"] * 40 + ["director"] * 6 + ["partner"] * 6 + ["leader"] * 6
    roles = [base[n % len(base)] for n in range(size - 2)]
    for pid, role in enumerate(roles, start=3):
        people.append(Interviewer(
            pid, f"P{pid}", frozenset({role}), frozenset({"core"}), frozenset(ROLE_TYPES[role]),
            rng.choice(ZONES), weekly_cap=rng.randint(3, 6),
            last_interviewed_at=datetime(2026, 11, rng.randint(1, 20), tzinfo=UTC),
            interviews_total=rng.randint(0, 30),
        ))  # fmt: skip
    return people


def bookings(rng: random.Random, people, monday: datetime) -> list[Booking]:
    out = []
    for person in people:
        for _ in range(rng.randint(1, 4)):
            start = monday + timedelta(minutes=30 * rng.randint(0, 48 * 5))
            out.append(Booking(person.id, start, start + timedelta(minutes=rng.choice([30, 60]))))
    return out


def week(tz: str, monday) -> list[Interval]:
    zone = ZoneInfo(tz)
    return [
        Interval(datetime.combine(monday + timedelta(days=d), time(8), zone).astimezone(UTC),
                 datetime.combine(monday + timedelta(days=d), time(18), zone).astimezone(UTC))
        for d in range(5)
    ]  # fmt: skip


def main() -> None:
    rng = random.Random(1)
    book = load_templates()
    people = roster(rng)
    monday = datetime(2026, 11, 23).date()
    busy = bookings(rng, people, datetime(2026, 11, 23, tzinfo=UTC))
    cases = {
        "round_1 (found)": (book.stage("ic", None, "round_1"), "America/New_York", busy),
        "round_2 (found)": (book.stage("ic", None, "round_2"), "Asia/Kolkata", busy),
        "round_2 (no plan: directors booked solid, + alternatives)": (
            book.stage("ic", None, "round_2"), "America/New_York",
            busy + [Booking(p.id, datetime(2026, 11, 23, tzinfo=UTC),
                            datetime(2026, 11, 28, tzinfo=UTC))
                    for p in people if "director" in p.roles],
        ),
        "round_1 (no plan: hiring manager at cap, + alternatives)": (
            book.stage("ic", None, "round_1"), "America/New_York",
            busy + [Booking(1, datetime(2026, 11, 23, 1, 0, tzinfo=UTC) + timedelta(hours=h),
                            datetime(2026, 11, 23, 1, 30, tzinfo=UTC) + timedelta(hours=h))
                    for h in range(0, 120, 24)],
        ),
    }  # fmt: skip
    engineers = [p.id for p in people if "engineer" in p.roles]
    directors = [p.id for p in people if "director" in p.roles]
    # Other proposals hold half the engineers Monday to Wednesday; a third of the engineers
    # and every director sat on earlier stages of the loop.
    held = [
        Hold(pid, datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC))
        for pid in engineers[::2]
    ]
    earlier = {pid: ("Round 1",) for pid in engineers[::3] + directors}
    loop_cases = {
        "round_1 (found, engineers held and on earlier panels)": (
            book.stage("ic", None, "round_1"), "America/New_York", busy),
        "round_2 (found, a forced repeat: every director sat before)": (
            book.stage("ic", None, "round_2"), "America/New_York", busy),
    }  # fmt: skip
    for name, (stage, tz, booked) in {**cases, **loop_cases}.items():
        in_loop = name in loop_cases
        request = PlanRequest(
            stage=stage, teams=frozenset({"core"}), candidate_tz=tz,
            availability=week(tz, monday), roster=people, bookings=booked,
            not_before=datetime(2026, 11, 21, tzinfo=UTC),
            fixed={"hiring_manager": 1, "recruiter": 2},
            holds=held if in_loop else (), earlier_panels=earlier if in_loop else {},
            allow_repeat=in_loop,
        )  # fmt: skip
        timings = []
        for _ in range(20):
            began = clock.perf_counter()
            result = plan_stage(request)
            timings.append((clock.perf_counter() - began) * 1000)
        timings.sort()
        print(f"{name:60s} {type(result).__name__:7s} median {timings[10]:6.1f} ms  "
              f"max {timings[-1]:6.1f} ms")  # fmt: skip


def scaling() -> None:
    """The same stages at 50, 500 and 5,000 people: the time should grow with the roster,
    not with the roster times the start times."""
    book = load_templates()
    monday = datetime(2026, 11, 23).date()
    print("\nroster scaling (median of 5 runs)")
    times: dict[str, dict[int, float]] = {}
    for size in (50, 500, 5000):
        rng = random.Random(1)
        people = roster(rng, size)
        busy = bookings(rng, people, datetime(2026, 11, 23, tzinfo=UTC))
        sunday = [
            Interval(datetime(2026, 11, 29, 9, tzinfo=UTC), datetime(2026, 11, 29, 18, tzinfo=UTC))
        ]
        directors_booked = busy + [
            Booking(p.id, datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))
            for p in people
            if "director" in p.roles
        ]
        cases = {
            "round_1 found": (
                book.stage("ic", None, "round_1"),
                week("America/New_York", monday),
                busy,
            ),
            "round_2 no plan (directors booked solid)": (
                book.stage("ic", None, "round_2"),
                week("America/New_York", monday),
                directors_booked,
            ),
            "round_1 no plan (only a Sunday given)": (
                book.stage("ic", None, "round_1"),
                sunday,
                busy,
            ),
        }
        for name, (stage, windows, booked) in cases.items():
            request = PlanRequest(
                stage=stage,
                teams=frozenset({"core"}),
                candidate_tz="America/New_York",
                availability=windows,
                roster=people,
                bookings=booked,
                not_before=datetime(2026, 11, 21, tzinfo=UTC),
                fixed={"hiring_manager": 1, "recruiter": 2},
            )
            timings = []
            for _ in range(5):
                began = clock.perf_counter()
                result = plan_stage(request)
                timings.append((clock.perf_counter() - began) * 1000)
            median = sorted(timings)[2]
            times.setdefault(name, {})[size] = median
            print(f"  {size:5d} people  {name:42s} {type(result).__name__:7s} {median:8.1f} ms")
    for name, by_size in times.items():
        print(f"  {name:42s} 5,000 people / 500 people: ×{by_size[5000] / by_size[500]:.1f}")


if __name__ == "__main__":
    main()
    scaling()
