"""Free/busy for 500 interviewers over two weeks, read from a real Radicale server, then the
planner on that data.

Each person's calendar holds a recurring daily stand-up, two meetings and (one in ten) an
out-of-office week. Prints the HTTP calls made and the seconds taken, one request at a time
and with the adapter's default parallelism, then plan_stage timings with those busy blocks.
Run: `make bench` (or `python -m tests.bench.bench_freebusy`). Needs the radicale package.
"""

from __future__ import annotations

import random
import time as clock
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendars.caldav import CalDavCalendar
from bot.planning.model import BusyTime, Interval, Interviewer
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.template_loader import load_templates
from loopbot.calendar_seed import CalendarSeeder, typical_week
from loopbot.local_radicale import LocalRadicale

PEOPLE = 500
MONDAY = date(2026, 11, 23)
ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Berlin", "Europe/London"]
ROLE_TYPES = {
    "engineer": ("coding", "system_design", "technical_discussion"),
    "director": ("partnership",),
    "partner": ("partnership",),
    "leader": ("partnership",),
}
ROLES = ["engineer"] * 7 + ["director", "partner", "leader"]


def people(rng: random.Random) -> list[tuple[str, str]]:
    """(email, zone); the first two, the hiring manager and the recruiter, in New York."""
    return [
        (f"interviewer{n}@example.com", ZONES[0] if n < 2 else rng.choice(ZONES))
        for n in range(PEOPLE)
    ]


def roster(staff: list[tuple[str, str]], rng: random.Random) -> list[Interviewer]:
    # Calendar meetings go to the planner as busy time (PlanRequest.busy), which never counts
    # toward a weekly cap, so everyone keeps an ordinary cap.
    chosen = [
        Interviewer(1, "HM", frozenset({"hiring_manager"}), frozenset({"core"}), frozenset(),
                    staff[0][1], weekly_cap=5),
        Interviewer(2, "Rec", frozenset({"recruiter"}), frozenset({"core"}), frozenset(),
                    staff[1][1], weekly_cap=5),
    ]  # fmt: skip
    for pid, (_email, zone) in enumerate(staff[2:], start=3):
        role = ROLES[pid % len(ROLES)]
        chosen.append(Interviewer(
            pid, f"P{pid}", frozenset({role}), frozenset({"core"}), frozenset(ROLE_TYPES[role]),
            zone, weekly_cap=5, interviews_total=rng.randint(0, 30),
        ))  # fmt: skip
    return chosen


def working_day(offset: int, zone: ZoneInfo) -> Interval:
    day = MONDAY + timedelta(days=offset)
    return Interval(
        datetime.combine(day, time(8), zone).astimezone(UTC),
        datetime.combine(day, time(18), zone).astimezone(UTC),
    )


def timed_free_busy(calendar: CalDavCalendar, staff, start, end):
    calls_before = calendar.calls
    began = clock.perf_counter()
    answer = calendar.free_busy([e for e, _ in staff], start, end, zones=dict(staff))
    return answer, calendar.calls - calls_before, clock.perf_counter() - began


def main() -> None:
    rng = random.Random(7)
    staff = people(rng)
    start = datetime.combine(MONDAY, time(), UTC)
    end = start + timedelta(days=14)
    with LocalRadicale() as server:
        began = clock.perf_counter()
        with (
            CalendarSeeder(server.url, server.username, server.password) as seeder,
            ThreadPoolExecutor(max_workers=4) as pool,
        ):
            seeder.collection(staff[0][0])  # settles the login before the threads start
            weeks = [
                (email, typical_week(email, zone, MONDAY, index=n, away=n % 10 == 5))
                for n, (email, zone) in enumerate(staff)
            ]
            list(pool.map(lambda item: seeder.upload(*item), weeks))
        print(f"seeded {PEOPLE} calendars on Radicale in {clock.perf_counter() - began:.1f} s\n")

        answer = None
        for parallel in (1, 8):
            calendar = CalDavCalendar(server.url, server.username, server.password,
                                      parallel=parallel)  # fmt: skip
            answer, calls, seconds = timed_free_busy(calendar, staff, start, end)
            blocks = sum(len(b) for b in answer.busy.values())
            print(
                f"free/busy, {PEOPLE} people x 14 days, {parallel} in flight: "
                f"{calls} HTTP calls, {seconds:.2f} s ({seconds / PEOPLE * 1000:.1f} ms a person), "
                f"{blocks} busy blocks, {len(answer.unreadable)} unreadable"
            )
            calendar.close()

    assert answer is not None
    team = roster(staff, rng)
    busy = [
        BusyTime(person.id, block.start, block.end)
        for person, (email, _zone) in zip(team, staff, strict=True)
        for block in answer.busy[email]
    ]
    book = load_templates()
    for stage_key, tz in (("round_1", "America/New_York"), ("round_2", "Europe/London")):
        zone = ZoneInfo(tz)
        request = PlanRequest(
            stage=book.stage("ic", None, stage_key), teams=frozenset({"core"}), candidate_tz=tz,
            availability=[working_day(d, zone) for d in range(5)],
            roster=team, busy=busy, not_before=start - timedelta(days=2),
            fixed={"hiring_manager": 1, "recruiter": 2},
        )  # fmt: skip
        timings = []
        for _ in range(10):
            began = clock.perf_counter()
            result = plan_stage(request)
            timings.append((clock.perf_counter() - began) * 1000)
        timings.sort()
        clashes = [
            (slot, b)
            for slot in getattr(result, "slots", ())
            for b in busy
            if b.interviewer_id == slot.interviewer_id and b.start < slot.end and slot.start < b.end
        ]
        print(
            f"plan_stage {stage_key} on {len(team)} people, {len(busy)} busy blocks: "
            f"{type(result).__name__}, median {timings[5]:.1f} ms, max {timings[-1]:.1f} ms, "
            f"{len(clashes)} clashes with busy time"
        )


if __name__ == "__main__":
    main()
