"""Who carries the load: feedback turnaround and interviews per week, per interviewer.

- *Feedback turnaround*: for the interviews of the loops in scope that ended in the period
  (and by `now`), the time from the interview's end to its feedback (0 when it came before the
  end, as a take-home review may); *overdue* counts feedback that came later than
  `overdue_after`, and feedback still missing past it while the stage waits for it.
- *Load*: every interview a person gives (whichever loop it is for), per calendar week the
  period touches (named by its Monday); an interview counts in the week of its local date in
  the interviewer's own zone, as the planner counts their weekly cap, so an interview late on
  a Sunday in Berlin belongs to that week whatever the UTC date or the summer-time offset.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.insights.rows import LIVE, Dataset, Period, PersonRow, Scope, monday_of
from bot.insights.stats import HoursSpread, hours

STILL_WAITING = ("scheduled", "completed")  # stages whose decision needs the missing feedback


@dataclass(frozen=True)
class Turnaround(HoursSpread):
    person_id: int
    name: str
    slack_user_id: str
    hours: tuple[float, ...]  # one per feedback given, sorted
    overdue: int
    missing: int

    @property
    def given(self) -> int:
        return len(self.hours)


@dataclass(frozen=True)
class WeekLoad:
    person_id: int
    name: str
    slack_user_id: str
    week: date  # the Monday that starts the week, in the person's zone
    interviews: int
    cap: int

    @property
    def over_cap(self) -> bool:
        return self.interviews > self.cap


def feedback_turnaround(
    data: Dataset, period: Period, now: datetime, overdue_after: timedelta
) -> tuple[Turnaround, ...]:
    loop_ids = {loop.id for loop in data.loops}
    stage_status = {s.id: s.status for s in data.stages}
    given = {f.interview_id: f for f in data.feedback}
    people = {p.id: p for p in data.people}
    samples: dict[int, list[float]] = defaultdict(list)
    overdue: Counter[int] = Counter()
    missing: Counter[int] = Counter()
    for interview in data.interviews:
        if (
            interview.loop_id not in loop_ids
            or interview.status not in LIVE
            or interview.end_at not in period
            or interview.end_at > now
        ):
            continue
        who = interview.interviewer_id
        feedback = given.get(interview.id)
        if feedback is not None:
            late = max(feedback.submitted_at - interview.end_at, timedelta(0))
            samples[who].append(hours(late))
            overdue[who] += late > overdue_after
            continue
        if stage_status.get(interview.stage_id) not in STILL_WAITING:
            continue  # the stage ended without it: nobody is waiting any more
        missing[who] += 1
        overdue[who] += now - interview.end_at > overdue_after
    return tuple(
        Turnaround(
            who,
            people[who].name,
            people[who].slack_user_id,
            tuple(sorted(samples[who])),
            overdue[who],
            missing[who],
        )
        for who in sorted(set(samples) | set(missing), key=lambda pid: _sort_key(people[pid]))
    )


def weekly_load(data: Dataset, period: Period, scope: Scope) -> tuple[WeekLoad, ...]:
    starts: dict[int, list[datetime]] = defaultdict(list)
    for interview in data.interviews:
        if interview.status in LIVE:
            starts[interview.interviewer_id].append(interview.start_at)
    weeks = period.weeks()
    rows = []
    for person in sorted(data.people, key=_sort_key):
        if not scope.covers_person(person):
            continue
        zone = ZoneInfo(person.tz)
        per_week = Counter(monday_of(s.astimezone(zone).date()) for s in starts[person.id])
        if not (person.active and person.interviews) and not any(per_week[w] for w in weeks):
            continue  # nobody to show: not interviewing, and nothing in these weeks
        who = (person.id, person.name, person.slack_user_id)
        rows += [WeekLoad(*who, week, per_week[week], person.weekly_cap) for week in weeks]
    return tuple(rows)


def _sort_key(person: PersonRow) -> tuple[str, int]:
    return (person.name.casefold(), person.id)
