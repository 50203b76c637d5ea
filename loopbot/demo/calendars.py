"""The demo's calendar scene: the same bot with `LOOPBOT_CALENDAR=caldav`, on a Radicale server
the demo starts itself (a dependency, nothing to set up).

People's calendars are seeded with what real ones hold (a meeting, a stand-up every weekday,
a week out of office); the plan goes around them, Confirm puts the interview on the
interviewer's calendar with a video link, and a decline made in that calendar reaches the bot
through its calendar sync, which books someone else in the same slot.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from loopbot.calendar_seed import CalendarSeeder, meeting, out_of_office, recurring
from loopbot.demo.sandbox import Sandbox, sample_roster_csv
from loopbot.local_radicale import LocalRadicale

RECRUITER = "U0REC01"  # Rosa, New York
ROSA, RAVI, RHEA = "rosa@example.com", "ravi@example.com", "rhea@example.com"
# A third recruiter, so that a decline has someone to hand the slot to while Ravi is away.
RHEA_ROW = (
    "U0REC03,Rhea Recruiter,rhea@example.com,recruiter,payments;streaming,"
    "recruiter_screen;recruiter_interview,America/Toronto,09:00-17:00,Mon-Fri,10,,\n"
)
PATH = "{email}/calendar/"


def calendar_scene(demo_cls, out, start: datetime, folder: Path, number: int) -> None:
    """Run the scene on its own bot, database and Radicale; `demo_cls` is the script's Demo
    (scenes, narration, the transcript of what Slack received)."""
    with (
        LocalRadicale() as server,
        CalendarSeeder(server.url, server.username, server.password, calendar_path=PATH) as seeder,
        Sandbox(
            f"sqlite:///{folder / 'calendars.db'}",
            clock=ManualClock(start),
            roster_csv=sample_roster_csv() + RHEA_ROW,
            env={
                "LOOPBOT_CALENDAR": "caldav",
                "LOOPBOT_CALDAV_URL": server.url,
                "LOOPBOT_CALDAV_USERNAME": server.username,
                "LOOPBOT_CALDAV_PASSWORD": server.password,
                "LOOPBOT_CALDAV_CALENDAR_PATH": PATH,
                "LOOPBOT_CALENDAR_ORGANIZER": "hiring@example.com",
                "LOOPBOT_VIDEO_URL_TEMPLATE": "https://video.example.com/j/{key}",
            },
        ) as box,
    ):
        box.import_roster()
        demo = demo_cls(box, out)
        _Scene(demo, seeder, start.date(), number).run()


class _Scene:
    def __init__(self, demo, seeder: CalendarSeeder, monday: date, number: int):
        self.demo, self.box, self.seeder = demo, demo.box, seeder
        self.monday, self.number = monday, number

    def run(self) -> None:
        demo, box = self.demo, self.box
        demo.scene(
            f"{self.number}. Real calendars: loopbot on CalDAV (a Radicale server the demo "
            "started), planning around people's meetings"
        )
        with box.runtime.uow() as uow:
            emails = [p.email for p in uow.interviewers.all() if p.email]
        for email in emails:
            self.seeder.collection(email)
        self.seed()
        demo.say(
            "Rosa runs /schedule-loop for Mary Jackson (London), free Tuesday 2pm-6pm her time"
        )
        box.schedule_loop(
            RECRUITER,
            {
                "candidate_name": "Mary Jackson",
                "candidate_email": "mary@example.com",
                "track": "ic",
                "level": "L4",
                "team": "payments",
                "recruiter": RECRUITER,
                "hiring_manager": "U0PAYHM",
                "candidate_tz": "Europe/London",
                "availability": "Tue 2pm-6pm",
                "technical_format": "discussion",
            },
        )
        demo.show()
        demo.say("Rosa presses Confirm (loopbot reads her calendar again first)")
        box.click(RECRUITER, demo.proposal(), "proposal_confirm")
        demo.show()
        booked = self.booked()
        self.show_event(ROSA, "Rosa", booked)

        demo.say(
            "Rosa has to be elsewhere: she presses Decline on the invitation in her calendar app"
        )
        self.seeder.answer(ROSA, booked.event_key, ROSA, "DECLINED")
        result = box.runtime.sync_calendars()
        demo.out.write(
            f"\nloopbot's calendar sync (every LOOPBOT_CALENDAR_SYNC_SECONDS, 300 by default) "
            f"reads {result.watched} booked event(s) and finds {result.declined} decline.\n"
        )
        demo.show()
        replacement = self.booked()
        self.show_event(RHEA, "Rhea", replacement)
        gone = self.seeder.get(ROSA, booked.event_key)
        state = "gone" if gone is None else gone.walk("VEVENT")[0].get("status", "kept")
        demo.out.write(f"\nRosa's calendar: the interview event is {str(state).lower()}.\n")

    def seed(self) -> None:
        """Rosa: a review Tuesday 9:00-9:30 and the team stand-up at 9:30 every weekday (New
        York); Ravi: out of office all week."""
        new_york = ZoneInfo("America/New_York")
        tuesday = self.monday + timedelta(days=1)
        review = datetime.combine(tuesday, time(9, 0), new_york)
        standup = datetime.combine(self.monday, time(9, 30), new_york)
        weekdays = {"freq": "weekly", "byday": ["MO", "TU", "WE", "TH", "FR"], "count": 20}
        self.seeder.put(
            ROSA,
            meeting("seed-review", "Pipeline review", review, review + timedelta(minutes=30)),
            recurring("seed-standup", "Team stand-up", standup, 15, weekdays),
        )
        self.seeder.put(RAVI, out_of_office("seed-ooo", self.monday, self.monday + timedelta(4)))
        self.demo.out.write(
            "\nIn their calendars (CalDAV, New York time for Rosa):\n"
            f"  Rosa: Tue {tuesday:%d %b} 9:00-9:30 Pipeline review; "
            "9:30-9:45 Team stand-up every weekday\n"
            f"  Ravi: out of office the whole week of {self.monday:%d %b}\n"
            "  Rhea: nothing booked\n"
            "Without calendars, loopbot would offer Rosa at 9:00 her time (2pm in London).\n"
        )

    def booked(self):
        with self.box.runtime.uow() as uow:
            live = [
                i
                for s in uow.loops.stages(self.box.loop_id("Mary Jackson"))
                for i in uow.loops.interviews(s.id)
                if i.status == "confirmed"
            ]
        return live[-1]

    def show_event(self, calendar: str, name: str, interview) -> None:
        found = self.seeder.get(calendar, interview.event_key)
        if found is None:
            self.demo.out.write(f"\n{name}'s calendar has no event {interview.event_key}.\n")
            return
        event = found.walk("VEVENT")[0]
        zone = ZoneInfo("America/New_York")
        start = event.decoded("dtstart").astimezone(zone)
        end = event.decoded("dtend").astimezone(zone)
        who = ", ".join(str(a).removeprefix("mailto:") for a in event.get("attendee", []))
        link = event.get("url") or event.get("location") or ""
        self.demo.out.write(
            f"\n{name}'s calendar now holds (read back from Radicale):\n"
            f"  {start:%a %d %b %H:%M}-{end:%H:%M} New York  {event.get('summary')}\n"
            f"  attendees: {who}\n"
            f"  video: {link}\n"
            f"  uid: {event.get('uid')} (stored on the interview)\n"
        )
