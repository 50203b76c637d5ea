"""Loop services: create a loop, propose a stage's panel, confirm, swap, re-plan, decline.

Services take plain values and a unit of work, raise domain errors, change
state, audit it and queue the Slack side effects in the outbox — all in the
caller's one transaction. They never call Slack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import messages
from bot.errors import Conflict, InputError, InvalidForm, NotFound, PermissionDenied
from bot.ics import Invite, render_invite
from bot.outbox import enqueue, publish
from bot.planning.availability import AvailabilityError, parse_availability
from bot.planning.model import Accommodation, Booking, Interval, NoPlan, Plan, Slot
from bot.planning.model import Interviewer as PlanningInterviewer
from bot.planning.planner import PlanRequest, plan_stage
from bot.planning.templates import StageTemplate, TemplateBook
from storage.models import Candidate, Interview, Interviewer, Loop, Stage
from storage.uow import UnitOfWork

POSITIVE = ("yes", "strong_yes")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BOOKING_HORIZON = timedelta(days=45)


@dataclass(frozen=True)
class NewLoop:
    candidate_name: str
    candidate_email: str
    candidate_tz: str
    track: str
    level: str
    team: str  # empty for a pool loop that is not focused on one team yet
    recruiter: str  # Slack user ids
    hiring_manager: str
    availability_text: str
    availability: tuple[Interval, ...]
    technical_format: str
    accommodations: str = ""
    extra_minutes: int = 0
    extra_break: int = 0
    pool: str = ""


class LoopService:
    def __init__(self, templates: TemplateBook, recruiting_channel: str, default_tz: str):
        self.templates = templates
        self.channel = recruiting_channel
        self.default_tz = default_tz

    # --- /schedule-loop ------------------------------------------------------------------

    def teams(self, uow: UnitOfWork) -> list[str]:
        return sorted({t for person in uow.interviewers.all() for t in person.teams})

    def team_manager(self, uow: UnitOfWork, team: str) -> str | None:
        """The team's hiring manager when it has exactly one (to pre-fill the form)."""
        managers = [
            p.slack_user_id
            for p in uow.interviewers.all()
            if team in p.teams and "hiring_manager" in p.roles
        ]
        return managers[0] if len(managers) == 1 else None

    def technical_formats(self, track: str = "ic") -> list[tuple[str, str]]:
        for stage in self.templates.track(track).stages:
            if stage.formats:
                return [(f.key, f.title) for f in stage.formats]
        return []

    def validate(self, uow: UnitOfWork, form: Mapping[str, str], now: datetime) -> NewLoop:
        """Check the /schedule-loop form; every problem names its field and shows an example."""
        errors: list[InputError] = []

        def field(name: str) -> str:
            return (form.get(name) or "").strip()

        name = field("candidate_name")
        if not name:
            errors.append(
                InputError("candidate_name", "the candidate's name is empty", "Ada Lovelace")
            )
        email = field("candidate_email")
        if not EMAIL.match(email):
            errors.append(
                InputError(
                    "candidate_email", f"{email or 'empty'} is not an email", "ada@example.com"
                )
            )
        track = field("track")
        if track not in self.templates.tracks:
            errors.append(InputError("track", "choose a track", ", ".join(self.templates.tracks)))
        level = field("level")
        if level not in dict(self.templates.levels):
            errors.append(InputError("level", "choose a level", "L5"))
        team, pool = self._target(uow, field("team"), level, errors)
        recruiter = self._person(uow, field("recruiter"), "recruiter", "recruiter", errors)
        manager = self._person(
            uow, field("hiring_manager"), "hiring_manager", "hiring manager", errors
        )
        allowed = self.pool_teams(pool) if pool else {team}
        if manager is not None and (team or pool) and not allowed & set(manager.teams):
            errors.append(
                InputError(
                    "hiring_manager",
                    f"{manager.name} is not a hiring manager of {self.place_of(team, pool)}",
                    "the team's own hiring manager",
                )
            )
        zone = field("candidate_tz")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(
                InputError(
                    "candidate_tz",
                    f"{zone or 'empty'} is not a time zone",
                    "Europe/London or America/New_York",
                )
            )
            zone = ""
        intervals: tuple[Interval, ...] = ()
        if zone:
            intervals = self._availability(field("availability"), zone, now, errors)
        formats = dict(self.technical_formats(track if track in self.templates.tracks else "ic"))
        technical = field("technical_format") or next(iter(formats), "")
        if formats and technical not in formats:
            errors.append(InputError("technical_format", "choose a format", " or ".join(formats)))
        extra_minutes = self._minutes(form, "extra_minutes", errors)
        extra_break = self._minutes(form, "extra_break", errors)
        try:
            self.templates.check_accommodation(Accommodation(extra_minutes, extra_break))
        except ValueError as error:
            errors.append(InputError("extra_minutes", str(error), "15 minutes"))
        if errors:
            raise InvalidForm(errors)
        assert recruiter is not None and manager is not None
        return NewLoop(
            candidate_name=name,
            candidate_email=email,
            candidate_tz=zone,
            track=track,
            level=level,
            team=team,
            recruiter=recruiter.slack_user_id,
            hiring_manager=manager.slack_user_id,
            availability_text=field("availability"),
            availability=intervals,
            technical_format=technical,
            accommodations=field("accommodations"),
            extra_minutes=extra_minutes,
            extra_break=extra_break,
            pool=pool,
        )

    def _target(self, uow, value: str, level: str, errors) -> tuple[str, str]:
        """The form's Team field: a team, or `pool:<key>` for centralized hiring."""
        if value.startswith("pool:"):
            pool = self.templates.pools.get(value.removeprefix("pool:"))
            if pool is None:
                errors.append(
                    InputError(
                        "team",
                        f"there is no pool {value[5:]!r}",
                        ", ".join(self.templates.pools) or "a team",
                    )
                )
                return "", ""
            if level and level not in pool.levels:
                errors.append(
                    InputError(
                        "team",
                        f"the {pool.title} pool hires {', '.join(pool.levels)}, not {level}",
                        "one of the pool's teams",
                    )
                )
            return "", pool.key
        if value not in self.teams(uow):
            errors.append(
                InputError(
                    "team",
                    f"no one on the roster is in team {value!r}",
                    ", ".join(self.teams(uow)[:3]),
                )
            )
        return value, ""

    def pool_teams(self, pool: str) -> set[str]:
        return set(self.templates.pools[pool].teams) if pool in self.templates.pools else set()

    def teams_of(self, loop: Loop) -> frozenset[str]:
        """Whose people may sit on the loop's panels: its team, or its whole pool while
        it is not focused on one team."""
        return frozenset({loop.team}) if loop.team else frozenset(self.pool_teams(loop.pool))

    def place_of(self, team: str, pool: str) -> str:
        if team:
            return team
        title = self.templates.pools[pool].title if pool in self.templates.pools else pool
        return f"{title} pool"

    def place(self, loop: Loop) -> str:
        return self.place_of(loop.team, loop.pool)

    @staticmethod
    def _person(uow, slack_id: str, role: str, label: str, errors) -> Interviewer | None:
        person = uow.interviewers.by_slack_id(slack_id) if slack_id else None
        if person is None:
            errors.append(
                InputError(
                    role,
                    f"choose a {label} who is on the roster",
                    "someone listed by `loopbot roster export`",
                )
            )
            return None
        if role not in person.roles:
            errors.append(
                InputError(
                    role,
                    f"{person.name} is not a {label} on the roster",
                    f"a person whose roster roles include {role}",
                )
            )
            return None
        return person

    @staticmethod
    def _availability(text: str, zone: str, now: datetime, errors) -> tuple[Interval, ...]:
        if not text:
            errors.append(
                InputError(
                    "availability", "say when the candidate is free", "Tue 2pm-6pm, Thu after 10am"
                )
            )
            return ()
        try:
            return tuple(parse_availability(text, zone, now))
        except AvailabilityError as error:
            errors.append(
                InputError("availability", f"“{error.fragment}”: {error.message}", error.example)
            )
            return ()

    @staticmethod
    def _minutes(form, name: str, errors) -> int:
        raw = (form.get(name) or "0").strip()
        if not raw.isdigit():
            errors.append(InputError(name, f"{raw!r} is not a number of minutes", "15"))
            return 0
        return int(raw)

    def create(self, uow: UnitOfWork, new: NewLoop, actor: str, now: datetime) -> int:
        """Create the loop and its stages, open the decision thread, propose the first stage."""
        recruiter = uow.interviewers.by_slack_id(new.recruiter)
        manager = uow.interviewers.by_slack_id(new.hiring_manager)
        if recruiter is None or manager is None:
            raise Conflict("the recruiter or hiring manager left the roster; submit again")
        candidate = uow.loops.add_candidate(
            Candidate(
                name=new.candidate_name,
                email=new.candidate_email,
                tz=new.candidate_tz,
                created_at=now,
            )
        )
        loop = uow.loops.add(
            Loop(
                candidate_id=candidate.id,
                track=new.track,
                level=new.level,
                team=new.team,
                pool=new.pool,
                recruiter_id=recruiter.id,
                hiring_manager_id=manager.id,
                technical_format=new.technical_format,
                availability_text=new.availability_text,
                availability=[[i.start.isoformat(), i.end.isoformat()] for i in new.availability],
                accommodations=new.accommodations,
                extra_minutes_per_interview=new.extra_minutes,
                extra_break_minutes=new.extra_break,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
        )
        stages = [
            uow.loops.add_stage(Stage(loop_id=loop.id, key=t.key, position=i))
            for i, t in enumerate(self.templates.stages_for(new.track, new.team or None, new.level))
        ]
        uow.audit.record(
            actor,
            "loop_created",
            loop.id,
            candidate=new.candidate_name,
            track=new.track,
            level=new.level,
            team=new.team,
            pool=new.pool,
            stages=[s.key for s in stages],
        )
        # Proposing also posts the loop's root message, already showing the proposal.
        self.propose(uow, loop, stages[0], now, actor=actor)
        if actor != new.recruiter:
            enqueue(
                uow,
                f"loop:{loop.id}:created-note",
                "chat.postMessage",
                channel=actor,
                **messages.recruiter_note(
                    f"Loop for *{new.candidate_name}* created; "
                    f"<@{new.recruiter}> has the first proposal."
                ),
            )
        return loop.id

    # --- proposals ------------------------------------------------------------------------

    def propose(
        self,
        uow: UnitOfWork,
        loop: Loop,
        stage: Stage,
        now: datetime,
        actor: str = "loopbot",
        availability: Sequence[Interval] | None = None,
    ) -> None:
        """Plan `stage` and send the recruiter the proposal (or what is missing)."""
        template = self.stage_template(loop, stage.key)
        windows = list(availability) if availability is not None else self.availability(loop)
        result = plan_stage(self._request(uow, loop, stage, template, windows, now))
        version = int(stage.proposal.get("version", 0)) + 1
        # A live proposal is edited in place; after a booking fell through, a new one is posted.
        live_ref = stage.proposal.get("ref") if stage.status == "proposed" else None
        if isinstance(result, Plan):
            stage.proposal = {
                "version": version,
                "kind": "plan",
                "slots": [_slot_json(s) for s in result.slots],
                "warnings": list(result.warnings),
            }
        else:
            stage.proposal = self._no_plan_json(version, result)
        stage.proposal["ref"] = live_ref or f"{self.proposal_ref(stage.id)}:v{version}"
        stage.status = "proposed"
        uow.session.add(stage)
        uow.audit.record(
            actor,
            "stage_proposed",
            loop.id,
            stage=stage.key,
            version=version,
            kind=stage.proposal["kind"],
        )
        self._send_proposal(uow, loop, stage, template)
        self.refresh_root(uow, loop)

    @staticmethod
    def _no_plan_json(version: int, result: NoPlan) -> dict:
        return {
            "version": version,
            "kind": "none",
            "shortages": [s.detail for s in result.shortages],
            "alternatives": [
                {
                    "kind": a.kind,
                    "warning": a.warning,
                    "slots": [_slot_json(s) for s in a.plan.slots],
                    "warnings": list(a.plan.warnings),
                }
                for a in result.alternatives
            ],
        }

    def _send_proposal(self, uow, loop: Loop, stage: Stage, template: StageTemplate) -> None:
        """Show the proposal in the recruiter's DM (a live one is edited in place)."""
        view = self.view(uow, loop)
        proposal = stage.proposal
        version = proposal["version"]
        if proposal["kind"] == "plan":
            slots = self.slot_views(uow, proposal["slots"])
            due = slots[0].end if template.kind == "take_home" and slots else None
            body = messages.proposal_message(
                view,
                template.title,
                stage.id,
                version,
                slots,
                proposal["warnings"],
                take_home_due=due,
            )
        else:
            body = messages.no_plan_message(
                view,
                template.title,
                stage.id,
                version,
                proposal["shortages"],
                [
                    (a["kind"], self.slot_views(uow, a["slots"]), a["warning"])
                    for a in proposal["alternatives"]
                ],
            )
        recruiter = uow.interviewers.get(loop.recruiter_id)
        publish(uow, proposal["ref"], channel=recruiter.slack_user_id, **body)

    def _check_version(self, stage: Stage | None, version: int) -> Stage:
        if stage is None:
            raise NotFound("That stage no longer exists.")
        if stage.status != "proposed":
            raise Conflict("This proposal was already acted on.")
        if int(stage.proposal.get("version", 0)) != version:
            raise Conflict("This proposal has changed since; use the latest message.")
        return stage

    def require_recruiter_or_manager(self, uow, loop: Loop, actor: str) -> None:
        allowed = {
            uow.interviewers.get(loop.recruiter_id).slack_user_id,
            uow.interviewers.get(loop.hiring_manager_id).slack_user_id,
        }
        if actor not in allowed:
            raise PermissionDenied("Only this loop's recruiter or hiring manager can do that.")

    def confirm(
        self, uow: UnitOfWork, stage_id: int, version: int, actor: str, now: datetime
    ) -> None:
        stage = self._check_version(uow.loops.stage(stage_id, lock=True), version)
        loop = uow.loops.get(stage.loop_id)
        self.require_recruiter_or_manager(uow, loop, actor)
        if stage.proposal["kind"] != "plan":
            raise Conflict("There is no full panel to confirm; pick another time.")
        self._book(uow, loop, stage, stage.proposal["slots"], actor, now)

    def use_alternative(
        self, uow: UnitOfWork, stage_id: int, version: int, index: int, actor: str, now: datetime
    ) -> None:
        stage = self._check_version(uow.loops.stage(stage_id, lock=True), version)
        loop = uow.loops.get(stage.loop_id)
        self.require_recruiter_or_manager(uow, loop, actor)
        alternatives = stage.proposal.get("alternatives", [])
        if not 0 <= index < len(alternatives):
            raise NotFound("That alternative is gone; pick another time.")
        chosen = alternatives[index]
        stage.proposal = {
            "version": version + 1,
            "kind": "plan",
            "slots": chosen["slots"],
            "warnings": [chosen["warning"], *chosen.get("warnings", [])],
            "ref": stage.proposal["ref"],
        }
        uow.audit.record(
            actor,
            "alternative_chosen",
            loop.id,
            stage=stage.key,
            kind=chosen["kind"],
            warning=chosen["warning"],
        )
        self._book(uow, loop, stage, chosen["slots"], actor, now)

    def _book(
        self,
        uow: UnitOfWork,
        loop: Loop,
        stage: Stage,
        slots: list[dict],
        actor: str,
        now: datetime,
    ) -> None:
        template = self.stage_template(loop, stage.key)
        if template.kind == "take_home":
            # The exercise is sent on confirm: its clock starts now, whenever that is.
            slots = [
                {
                    **s,
                    "start": now.isoformat(),
                    "end": (now + (_dt(s["end"]) - _dt(s["start"]))).isoformat(),
                }
                for s in slots
            ]
        elif any(_dt(s["start"]) <= now for s in slots):
            raise Conflict("This proposal's time has passed. Use *Pick another time*.")
        # Someone may have been booked elsewhere since the proposal was made.
        taken = self._clashes(uow, slots)
        if taken:
            raise Conflict(
                f"{taken} was booked elsewhere since this proposal; "
                "pick another time for a fresh plan."
            )
        interviews = [
            uow.loops.add_interview(
                Interview(
                    stage_id=stage.id,
                    interviewer_id=s["interviewer_id"],
                    role=s["role"],
                    interview_type=s["interview_type"],
                    seat_key=s.get("seat_key", ""),
                    start_at=_dt(s["start"]),
                    end_at=_dt(s["end"]),
                    status="confirmed",
                )
            )
            for s in slots
        ]
        stage.status = "scheduled"
        uow.session.add(stage)
        view = self.view(uow, loop)
        due = interviews[0].end_at if template.kind == "take_home" else None
        for interview in interviews:
            self._invite(uow, loop, view, template, interview, now, due=due)
        uow.audit.record(
            actor, "stage_booked", loop.id, stage=stage.key, interviews=[i.id for i in interviews]
        )
        publish(
            uow,
            stage.proposal["ref"],
            **messages.proposal_closed(view, template.title, f"confirmed by <@{actor}>"),
        )
        self.refresh_rollup(uow, loop, stage, now)
        self.refresh_root(uow, loop)

    def _clashes(self, uow: UnitOfWork, slots: list[dict]) -> str | None:
        for s in slots:
            start, end = _dt(s["start"]), _dt(s["end"])
            if uow.loops.bookings_between(start, end, s["interviewer_id"]):
                return uow.interviewers.get(s["interviewer_id"]).name
        return None

    def _invite(
        self,
        uow,
        loop: Loop,
        view: messages.LoopView,
        template: StageTemplate,
        interview: Interview,
        now: datetime,
        due: datetime | None = None,
        replacing: str | None = None,
    ) -> None:
        person = uow.interviewers.get(interview.interviewer_id)
        slot = self.interview_view(uow, interview)
        enqueue(
            uow,
            f"interview:{interview.id}:dm",
            "chat.postMessage",
            channel=person.slack_user_id,
            **messages.interview_dm(
                view,
                template.title,
                template.focus,
                slot,
                interview.id,
                due=due,
                replacing=replacing,
            ),
        )
        if due is None:
            invite = self._invite_for(view, template, interview, person)
            enqueue(
                uow,
                f"interview:{interview.id}:ics",
                "loopbot.dm_file",
                user=person.slack_user_id,
                filename=f"interview-{interview.id}.ics",
                title=f"{template.title} — {view.candidate}",
                content=render_invite(invite, now),
            )

    @staticmethod
    def _invite_for(view, template: StageTemplate, interview: Interview, person) -> Invite:
        return Invite(
            uid=f"loopbot-interview-{interview.id}@loopbot",
            start=interview.start_at,
            end=interview.end_at,
            summary=f"{template.title}: {view.candidate}",
            description=f"{template.focus}\nYour part: {interview.interview_type}"
            + (f"\nAccommodations: {view.accommodations}" if view.accommodations else ""),
            attendee_email=person.email,
        )

    def swap(
        self, uow: UnitOfWork, stage_id: int, version: int, index: int, actor: str, now: datetime
    ) -> str:
        """Replace one person of a proposal with the next best for the same seat and time."""
        stage = self._check_version(uow.loops.stage(stage_id, lock=True), version)
        loop = uow.loops.get(stage.loop_id)
        self.require_recruiter_or_manager(uow, loop, actor)
        slots = list(stage.proposal.get("slots", []))
        if not 0 <= index < len(slots):
            raise NotFound("That interviewer is no longer on the proposal.")
        old = slots[index]
        panel = {s["interviewer_id"] for s in slots}
        replacement = self._replacement(uow, loop, stage, old, exclude=panel, now=now)
        if replacement is None:
            raise Conflict("No one else qualified is free then. Try *Pick another time*.")
        slots[index] = {**old, "interviewer_id": replacement.interviewer_id}
        stage.proposal = {**stage.proposal, "version": version + 1, "slots": slots}
        uow.session.add(stage)
        old_name = uow.interviewers.get(old["interviewer_id"]).name
        new_name = uow.interviewers.get(replacement.interviewer_id).name
        uow.audit.record(
            actor,
            "proposal_swapped",
            loop.id,
            stage=stage.key,
            removed=old["interviewer_id"],
            added=replacement.interviewer_id,
        )
        self._send_proposal(uow, loop, stage, self.stage_template(loop, stage.key))
        return f"Swapped {old_name} for {new_name}."

    def replan_form(self, uow: UnitOfWork, stage_id: int, version: int, actor: str) -> dict:
        stage = self._check_version(uow.loops.stage(stage_id, lock=True), version)
        loop = uow.loops.get(stage.loop_id)
        self.require_recruiter_or_manager(uow, loop, actor)
        candidate = uow.loops.candidate(loop.candidate_id)
        title = self.stage_template(loop, stage.key).title
        return messages.replan_modal(stage.id, version, title, candidate.name)

    def replan(
        self,
        uow: UnitOfWork,
        stage_id: int,
        version: int,
        availability_text: str,
        actor: str,
        now: datetime,
    ) -> None:
        stage = self._check_version(uow.loops.stage(stage_id, lock=True), version)
        loop = uow.loops.get(stage.loop_id)
        self.require_recruiter_or_manager(uow, loop, actor)
        candidate = uow.loops.candidate(loop.candidate_id)
        errors: list[InputError] = []
        windows = self._availability(availability_text.strip(), candidate.tz, now, errors)
        if errors:
            raise InvalidForm(errors)
        loop.availability = [[i.start.isoformat(), i.end.isoformat()] for i in windows]
        loop.availability_text = availability_text.strip()
        loop.updated_at = now
        uow.session.add(loop)
        self.propose(uow, loop, stage, now, actor=actor, availability=windows)

    # --- an interviewer can't make it ------------------------------------------------------

    def decline(self, uow: UnitOfWork, interview_id: int, actor: str, now: datetime) -> str:
        interview = uow.loops.interview(interview_id, lock=True)
        if interview is None:
            raise NotFound("That interview no longer exists.")
        person = uow.interviewers.get(interview.interviewer_id)
        if person.slack_user_id != actor:
            raise PermissionDenied("Only the interviewer booked for it can decline this.")
        if interview.status != "confirmed":
            raise Conflict("You're already off this interview.")
        if interview.start_at <= now:
            raise Conflict("This interview has already started; tell the recruiter directly.")
        stage = uow.loops.stage(interview.stage_id)
        loop = uow.loops.get(stage.loop_id)
        interview.status = "declined"
        uow.session.add(interview)
        uow.audit.record(
            actor, "interview_declined", loop.id, interview=interview.id, stage=stage.key
        )
        recruiter = uow.interviewers.get(loop.recruiter_id)
        candidate = uow.loops.candidate(loop.candidate_id)
        template = self.stage_template(loop, stage.key)
        self._withdraw_invite(uow, self.view(uow, loop), template, interview, person, now)
        booked = self.replace_in_slot(uow, loop, stage, interview, now, replacing=person.name)
        if booked is not None:
            new_person = uow.interviewers.get(booked.interviewer_id)
            note = (
                f"{person.name} can't make *{candidate.name}*'s {template.title}; "
                f"<@{new_person.slack_user_id}> takes the same slot."
            )
            enqueue(
                uow,
                f"interview:{interview.id}:replaced-note",
                "chat.postMessage",
                channel=recruiter.slack_user_id,
                **messages.recruiter_note(note),
            )
            enqueue(
                uow,
                f"interview:{interview.id}:replaced-thread",
                "chat.postMessage",
                thread_ref=self.root_ref(loop.id),
                **messages.thread_note(note),
            )
            self.refresh_rollup(uow, loop, stage, now)
            return f"Thanks — {new_person.name} takes your slot."
        # Nobody can take the seat at that time: re-plan the whole stage.
        note = (
            f"{person.name} can't make *{candidate.name}*'s {template.title} and no one "
            "qualified is free then; here is a fresh plan."
        )
        enqueue(
            uow,
            f"interview:{interview.id}:replan-note",
            "chat.postMessage",
            channel=recruiter.slack_user_id,
            **messages.recruiter_note(note),
        )
        self.replan_stage(uow, loop, stage, now, "a panelist dropped out; re-planning")
        return "Thanks — the recruiter has a fresh plan for the stage."

    def replace_in_slot(
        self,
        uow: UnitOfWork,
        loop: Loop,
        stage: Stage,
        leaving: Interview,
        now: datetime,
        replacing: str,
        fixed: Mapping[str, int] | None = None,
    ) -> Interview | None:
        """Book the best qualified person free for exactly `leaving`'s seat and time, or
        return None. `leaving` must already be off the schedule (declined or cancelled)."""
        panel = {
            i.interviewer_id for i in uow.loops.interviews(stage.id) if i.status == "confirmed"
        } | {leaving.interviewer_id}
        old = {
            "interviewer_id": leaving.interviewer_id,
            "role": leaving.role,
            "interview_type": leaving.interview_type,
            "seat_key": leaving.seat_key,
            "start": leaving.start_at.isoformat(),
            "end": leaving.end_at.isoformat(),
        }
        replacement = self._replacement(
            uow, loop, stage, old, exclude=panel, now=now, notice=timedelta(0), fixed=fixed
        )
        if replacement is None:
            return None
        booked = uow.loops.add_interview(
            Interview(
                stage_id=stage.id,
                interviewer_id=replacement.interviewer_id,
                role=leaving.role,
                interview_type=leaving.interview_type,
                seat_key=leaving.seat_key,
                start_at=leaving.start_at,
                end_at=leaving.end_at,
                status="confirmed",
            )
        )
        template = self.stage_template(loop, stage.key)
        self._invite(uow, loop, self.view(uow, loop), template, booked, now, replacing=replacing)
        uow.audit.record(
            "loopbot", "interview_replaced", loop.id, left=leaving.id, booked=booked.id
        )
        return booked

    def cancel_interview(
        self, uow: UnitOfWork, loop: Loop, interview: Interview, why: str, now: datetime
    ) -> None:
        """Take an interview off the schedule, tell its interviewer, and withdraw the
        calendar invite (same UID, a higher SEQUENCE, METHOD:CANCEL)."""
        stage = uow.loops.stage(interview.stage_id)
        template = self.stage_template(loop, stage.key)
        person = uow.interviewers.get(interview.interviewer_id)
        interview.status = "cancelled"
        uow.session.add(interview)
        view = self.view(uow, loop)
        enqueue(
            uow,
            f"interview:{interview.id}:cancelled",
            "chat.postMessage",
            channel=person.slack_user_id,
            **messages.interview_cancelled_dm(
                view, template.title, self.interview_view(uow, interview), why
            ),
        )
        self._withdraw_invite(uow, view, template, interview, person, now)

    def _withdraw_invite(
        self, uow, view, template: StageTemplate, interview: Interview, person, now: datetime
    ) -> None:
        """Calendars drop an event on the same UID with a higher SEQUENCE and CANCEL."""
        if template.kind == "take_home":
            return  # a take-home review never had a meeting invite
        invite = replace(
            self._invite_for(view, template, interview, person), sequence=1, cancelled=True
        )
        enqueue(
            uow,
            f"interview:{interview.id}:ics-cancel",
            "loopbot.dm_file",
            user=person.slack_user_id,
            filename=f"interview-{interview.id}-cancelled.ics",
            title=f"Cancelled: {template.title} — {view.candidate}",
            content=render_invite(invite, now),
        )

    def replan_stage(
        self, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime, why: str
    ) -> None:
        """Cancel what is booked for the stage and send the recruiter a fresh plan."""
        for interview in uow.loops.interviews(stage.id):
            if interview.status == "confirmed":
                self.cancel_interview(uow, loop, interview, why, now)
        uow.audit.record("loopbot", "stage_replanned", loop.id, stage=stage.key, why=why)
        stage.status = "pending"
        self.propose(uow, loop, stage, now)

    def _replacement(
        self,
        uow,
        loop: Loop,
        stage: Stage,
        old: dict,
        exclude: set[int],
        now: datetime,
        notice: timedelta | None = None,
        fixed: Mapping[str, int] | None = None,
    ) -> Slot | None:
        """The best qualified person free for exactly `old`'s seat and time. `fixed` pins
        a role to a person (a pivot's new hiring manager); otherwise anyone qualified."""
        template = self.stage_template(loop, stage.key)
        start, end = _dt(old["start"]), _dt(old["end"])
        seat = next(
            (
                s
                for s in template.seats
                if s.interview_type == old["interview_type"] and old["role"] in s.roles
            ),
            None,
        )
        if seat is None:
            return None
        minutes = int((end - start).total_seconds() // 60)
        single = replace(
            template,
            break_minutes=0,
            panel_size=None,
            seats=(
                replace(
                    seat,
                    roles=(old["role"],),
                    minutes=minutes,
                    minutes_range=(
                        min(minutes, seat.minutes_range[0]),
                        max(minutes, seat.minutes_range[1]),
                    ),
                    min=1,
                    max=1,
                    preferred=1,
                ),
            ),
        )
        request = self._request(uow, loop, stage, single, [Interval(start, end)], now)
        request = replace(
            request,
            exclude_ids=request.exclude_ids | frozenset(exclude),
            fixed=dict(fixed or {}),
            accommodation=Accommodation(),  # the slot already includes any extra minutes
            min_notice=request.min_notice if notice is None else notice,
            alternative_days=0,
            allow_repeat=False,
            exact_start=True,
        )
        if template.kind == "take_home":
            request = replace(request, not_before=start, min_notice=timedelta(0))
        result = plan_stage(request)
        if isinstance(result, Plan) and result.slots:
            chosen = result.slots[0]
            if chosen.interviewer_id not in exclude:
                return chosen
        return None

    # --- reading state ------------------------------------------------------------------------

    # --- the stage's reply in the decision thread ---------------------------------------------

    def live_interviews(self, uow: UnitOfWork, stage: Stage) -> list[Interview]:
        return [i for i in uow.loops.interviews(stage.id) if i.status in ("confirmed", "completed")]

    def feedback_views(
        self, uow: UnitOfWork, stage: Stage, now: datetime
    ) -> list[messages.FeedbackView]:
        views = []
        for interview in self.live_interviews(uow, stage):
            person = uow.interviewers.get(interview.interviewer_id)
            who = messages.Person(person.slack_user_id, person.name)
            feedback = uow.loops.feedback_for(interview.id)
            if feedback is not None:
                summary = feedback.notes.strip().splitlines()[0][:140] if feedback.notes else ""
                views.append(
                    messages.FeedbackView(
                        who,
                        interview.interview_type,
                        "submitted",
                        feedback.signal,
                        summary,
                        feedback.ratings,
                        feedback.notes,
                    )
                )
            elif now < interview.end_at:
                views.append(messages.FeedbackView(who, interview.interview_type, "waiting"))
            elif interview.feedback_reminded_at is not None:
                views.append(messages.FeedbackView(who, interview.interview_type, "overdue"))
            else:
                views.append(messages.FeedbackView(who, interview.interview_type, "due"))
        return views

    def decision_choice(self, uow, loop: Loop, stage: Stage, now: datetime):
        """What the thread offers for a complete stage: advance (unless a gate is shut),
        make an offer at the decision stage, or decline."""
        if stage.status != "completed" or loop.status != "open":
            return None
        following_row = self.next_stage_row(uow, loop, stage)
        context = {"loop_id": loop.id, "preferences": tuple(loop.preferences)}
        if following_row is None:
            return messages.DecisionChoice(stage.id, None, **context)
        following = self.stage_template(loop, following_row.key)
        note = ""
        if following.gate == "positive_feedback":
            signals = [f.signal for f in self.feedback_views(uow, stage, now)]
            positive = sum(s in POSITIVE for s in signals)
            if positive < len(signals) or not signals:
                template = self.stage_template(loop, stage.key)
                note = (
                    f"{following.title} needs positive feedback on {template.title} "
                    f"({positive} of {len(signals)} positive)."
                )
        return messages.DecisionChoice(stage.id, following.title, note, **context)

    def next_stage_row(self, uow: UnitOfWork, loop: Loop, stage: Stage) -> Stage | None:
        """The loop's next stage still to run (its rows follow the template for the loop's
        level and team, and are re-laid when the loop pivots)."""
        return next(
            (
                s
                for s in uow.loops.stages(loop.id)
                if s.position > stage.position and s.status not in ("skipped", "decided")
            ),
            None,
        )

    def refresh_rollup(self, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime) -> None:
        """Post the stage's reply in the decision thread, or edit it in place."""
        template = self.stage_template(loop, stage.key)
        interviews = self.live_interviews(uow, stage)
        slots = [self.interview_view(uow, i) for i in interviews]
        decision = next(
            (
                d
                for d in reversed(uow.loops.decisions(loop.id))
                if d.stage_id == stage.id and d.kind != "pivot"
            ),
            None,
        )
        decided = (
            messages.Decided(decision.kind, decision.decided_by, decision.decided_at, decision.note)
            if decision
            else None
        )
        summary_lines = self.loop_summary(uow, loop, now) if template.kind == "decision" else ()
        body = messages.stage_rollup(
            template.title,
            self.feedback_views(uow, stage, now),
            slots,
            self.decision_choice(uow, loop, stage, now),
            decided,
            take_home_due=slots[0].end if template.kind == "take_home" and slots else None,
            summary_lines=summary_lines,
        )
        publish(uow, self.rollup_ref(stage.id), thread_ref=self.root_ref(loop.id), **body)

    def loop_summary(self, uow: UnitOfWork, loop: Loop, now: datetime) -> list[str]:
        """Each finished stage's tally, for the decision stage's reply."""
        lines = []
        for stage in uow.loops.stages(loop.id):
            views = [v for v in self.feedback_views(uow, stage, now) if v.state == "submitted"]
            if views:
                tally = " ".join(messages.SIGNAL_MARKS[v.signal] for v in views)
                lines.append(f"{self.stage_template(loop, stage.key).title}: {tally}")
        return lines

    def maybe_complete(self, uow: UnitOfWork, loop: Loop, stage: Stage, now: datetime) -> bool:
        """A stage is complete once every interview is over and has its feedback."""
        interviews = self.live_interviews(uow, stage)
        if stage.status != "scheduled" or not interviews:
            return False
        if any(now < i.end_at or uow.loops.feedback_for(i.id) is None for i in interviews):
            return False
        stage.status = "completed"
        uow.session.add(stage)
        template = self.stage_template(loop, stage.key)
        candidate = uow.loops.candidate(loop.candidate_id)
        uow.audit.record("loopbot", "stage_completed", loop.id, stage=stage.key)
        for watcher_id in {loop.recruiter_id, loop.hiring_manager_id}:
            watcher = uow.interviewers.get(watcher_id)
            enqueue(
                uow,
                f"stage:{stage.id}:complete:{watcher.id}",
                "chat.postMessage",
                channel=watcher.slack_user_id,
                **messages.recruiter_note(
                    f"All feedback is in for *{candidate.name}*'s {template.title}. "
                    "Decide in the loop's thread in the recruiting channel."
                ),
            )
        return True

    def stage_template(self, loop: Loop, key: str) -> StageTemplate:
        try:
            template = self.templates.stage(loop.track, loop.team or None, key)
        except ValueError:
            # A stage finished before a pivot to a team whose loop drops it.
            template = self.templates.stage(loop.track, None, key)
        if template.kind == "choice":
            template = template.choose(loop.technical_format)
        return template

    def availability(self, loop: Loop) -> list[Interval]:
        return [Interval(_dt(a), _dt(b)) for a, b in loop.availability]

    def _request(
        self,
        uow,
        loop: Loop,
        stage: Stage,
        template: StageTemplate,
        windows: Sequence[Interval],
        now: datetime,
    ) -> PlanRequest:
        roster = self.planning_roster(uow, now)
        horizon_start = now - timedelta(days=8)
        bookings = [
            Booking(i.interviewer_id, i.start_at, i.end_at)
            for i in uow.loops.bookings_between(horizon_start, now + BOOKING_HORIZON)
        ]
        on_other_panels = frozenset(
            i.interviewer_id
            for i in uow.loops.interviews_of_loop(loop.id)
            if i.stage_id != stage.id and i.status in ("confirmed", "completed")
        )
        candidate = uow.loops.candidate(loop.candidate_id)
        return PlanRequest(
            stage=template,
            teams=self.teams_of(loop),
            candidate_tz=candidate.tz,
            availability=list(windows),
            roster=roster,
            not_before=now,
            bookings=bookings,
            exclude_ids=on_other_panels,
            fixed={"hiring_manager": loop.hiring_manager_id, "recruiter": loop.recruiter_id},
            accommodation=Accommodation(loop.extra_minutes_per_interview, loop.extra_break_minutes),
            allow_repeat=True,
        )

    def planning_roster(self, uow: UnitOfWork, now: datetime) -> list[PlanningInterviewer]:
        stats = uow.loops.interview_stats(now)
        people = []
        for p in uow.interviewers.all():
            last, total = stats.get(p.id, (None, 0))
            people.append(
                PlanningInterviewer(
                    id=p.id,
                    name=p.name,
                    roles=frozenset(p.roles),
                    teams=frozenset(p.teams),
                    interview_types=frozenset(p.interview_types),
                    tz=p.tz or self.default_tz,
                    work_start=time.fromisoformat(p.work_start),
                    work_end=time.fromisoformat(p.work_end),
                    work_days=frozenset(p.work_days),
                    weekly_cap=p.weekly_cap,
                    last_interviewed_at=last,
                    interviews_total=total,
                )
            )
        return people

    def view(self, uow: UnitOfWork, loop: Loop) -> messages.LoopView:
        candidate = uow.loops.candidate(loop.candidate_id)
        recruiter = uow.interviewers.get(loop.recruiter_id)
        manager = uow.interviewers.get(loop.hiring_manager_id)
        return messages.LoopView(
            loop_id=loop.id,
            candidate=candidate.name,
            level=loop.level,
            level_title=self.templates.level_title(loop.level),
            track_title=self.templates.track(loop.track).title,
            team=self.place(loop),
            recruiter=messages.Person(recruiter.slack_user_id, recruiter.name),
            hiring_manager=messages.Person(manager.slack_user_id, manager.name),
            accommodations=loop.accommodations,
            status=loop.status,
        )

    def stage_views(self, uow: UnitOfWork, loop: Loop) -> list[messages.StageView]:
        views = []
        for stage in uow.loops.stages(loop.id):
            template = self.stage_template(loop, stage.key)
            summary = ""
            live = [
                i for i in uow.loops.interviews(stage.id) if i.status in ("confirmed", "completed")
            ]
            if live and template.kind == "take_home":
                summary = f"due {messages.when(live[0].end_at)}"
            elif live:
                summary = messages.when(live[0].start_at)
            elif stage.status == "proposed" and stage.proposal.get("kind") == "none":
                summary = "no full panel fits yet"
            elif stage.status == "pending" and template.gate:
                summary = messages.GATES.get(template.gate, template.gate)
            views.append(messages.StageView(stage.key, template.title, stage.status, summary))
        return views

    def refresh_root(self, uow: UnitOfWork, loop: Loop) -> None:
        """Post the loop's root message in the recruiting channel, or bring it up to date."""
        publish(
            uow,
            self.root_ref(loop.id),
            channel=self.channel,
            **messages.decision_root(self.view(uow, loop), self.stage_views(uow, loop)),
        )

    def slot_views(self, uow: UnitOfWork, slots: list[dict]) -> list[messages.SlotView]:
        views = []
        for s in slots:
            person = uow.interviewers.get(s["interviewer_id"])
            views.append(
                messages.SlotView(
                    messages.Person(person.slack_user_id, person.name),
                    s["role"],
                    s["interview_type"],
                    _dt(s["start"]),
                    _dt(s["end"]),
                )
            )
        return views

    def interview_view(self, uow, interview: Interview) -> messages.SlotView:
        person = uow.interviewers.get(interview.interviewer_id)
        return messages.SlotView(
            messages.Person(person.slack_user_id, person.name),
            interview.role,
            interview.interview_type,
            interview.start_at,
            interview.end_at,
        )

    @staticmethod
    def root_ref(loop_id: int) -> str:
        return f"loop:{loop_id}:root"

    @staticmethod
    def rollup_ref(stage_id: int) -> str:
        return f"stage:{stage_id}:rollup"

    @staticmethod
    def proposal_ref(stage_id: int) -> str:
        return f"stage:{stage_id}:proposal"


def _slot_json(slot: Slot) -> dict:
    return {
        "interviewer_id": slot.interviewer_id,
        "role": slot.role,
        "interview_type": slot.interview_type,
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
    }


def _dt(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
