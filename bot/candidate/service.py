"""What the handlers call for the candidate's side: the recruiter's Slack forms and the
candidate's page. Each method runs in the caller's unit of work."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from bot.access import Access, Action
from bot.candidate import answers, notes, requests
from bot.candidate.itinerary import invites, itinerary
from bot.candidate.links import BadLink, LinkTarget
from bot.candidate.page import CandidatePage, page, windows_from_grid
from bot.errors import InputError, InvalidForm, NotFound
from bot.loops.catalog import stage_template
from bot.loops.config import LoopConfig
from bot.loops.lookups import as_datetime
from bot.messages.candidate import send_modal
from storage.uow import UnitOfWork


class CandidateService:
    def __init__(self, config: LoopConfig):
        self.config = config

    @property
    def enabled(self) -> bool:
        return self.config.candidate is not None

    # --- the recruiter, in Slack ------------------------------------------------------------

    def send_form(self, uow: UnitOfWork, stage_id: int, actor: str) -> dict:
        requests.side(self.config)
        stage = uow.loops.stage(stage_id)
        if stage is None:
            raise NotFound("That stage no longer exists.")
        loop = uow.loops.get(stage.loop_id)
        Access(uow, self.config.templates).require(actor, Action.CONTACT_CANDIDATE, loop)
        candidate = uow.loops.candidate(loop.candidate_id)
        title = stage_template(self.config.templates, loop, stage.key).title
        return send_modal(stage.id, candidate.name, title, candidate.email)

    def send(self, uow: UnitOfWork, stage_id: int, mode: str, actor: str, now: datetime) -> str:
        return requests.ask_by_recruiter(self.config, uow, stage_id, mode, actor, now)

    def note_form(self, uow: UnitOfWork, meta: str, actor: str) -> dict:
        return notes.form(self.config, uow, meta, actor)

    def send_note(self, uow, meta: str, values: dict, actor: str, now, key: str) -> None:
        notes.send(
            self.config,
            uow,
            meta,
            values.get("subject", ""),
            values.get("body", ""),
            actor,
            now,
            key,
        )

    def remind_overdue(self, uow: UnitOfWork, now: datetime) -> int:
        return requests.remind_overdue(self.config, uow, now)

    # --- the candidate, on their page -------------------------------------------------------

    def target(self, uow: UnitOfWork, token: str, now: datetime, *, lock: bool = False):
        """The loop and stage a link names (BadLink when it names nothing that exists)."""
        settings = requests.side(self.config)
        found: LinkTarget = settings.links.read(token, now)
        stage = uow.loops.stage(found.stage_id, lock=lock)
        if stage is None or stage.loop_id != found.loop_id:
            raise BadLink("the link names nothing")
        return uow.loops.get(found.loop_id), stage

    def page(self, uow: UnitOfWork, token: str, now: datetime) -> CandidatePage:
        loop, stage = self.target(uow, token, now)
        return page(self.config, uow, loop, stage, now)

    def calendar(self, uow: UnitOfWork, token: str, now: datetime) -> str:
        """The itinerary as one .ics file (one event per interview)."""
        import icalendar

        loop, _stage = self.target(uow, token, now)
        settings = requests.side(self.config)
        candidate = uow.loops.candidate(loop.candidate_id)
        items = (
            itinerary(self.config.templates, settings, uow, loop, now)
            if loop.status == "open"
            else []
        )
        merged = icalendar.Calendar()
        merged.add("prodid", "-//loopbot//interview loops//EN")
        merged.add("version", "2.0")
        merged.add("method", "PUBLISH")
        organizer = parseaddr(settings.mail_from)[1]
        for attachment in invites(items, candidate, organizer, now):
            for event in icalendar.Calendar.from_ical(attachment.content).walk("VEVENT"):
                merged.add_component(event)
        return merged.to_ical().decode("utf-8")

    def answer(self, uow: UnitOfWork, token: str, form: dict[str, list[str]], now: datetime) -> str:
        """One submitted form of the page; returns what happened (for the thank-you line)."""
        loop, stage = self.target(uow, token, now, lock=True)
        action = _one(form, "action")
        cfg = self.config
        if action == "availability":
            try:
                windows = windows_from_grid(
                    form.get("slot", []), uow.loops.candidate(loop.candidate_id).tz
                )
            except (ValueError, IndexError):
                raise InvalidForm(
                    [
                        InputError(
                            "availability", "that grid was not ours", "tick the hours you are free"
                        )
                    ]
                ) from None
            return answers.give_availability(
                cfg, uow, loop, stage, windows, _one(form, "availability"), now
            )
        if action == "pick":
            try:
                start = as_datetime(_one(form, "start"))
            except ValueError:
                start = None
            if start is None:
                raise InvalidForm(
                    [InputError("start", "choose one of the times", "the first one listed")]
                )
            return answers.pick_time(cfg, uow, loop, stage, start, now)
        if action == "format":
            return answers.choose_format(cfg, uow, loop, stage, _one(form, "format"), now)
        if action == "accommodations":
            answers.accommodations(
                cfg,
                uow,
                loop,
                stage,
                _one(form, "accommodations"),
                _one(form, "extra_minutes"),
                _one(form, "extra_break"),
                now,
            )
            return "accommodations"
        if action == "teams":
            answers.team_preferences(cfg, uow, loop, form.get("teams", []), now)
            return "teams"
        if action == "reschedule":
            answers.ask_reschedule(cfg, uow, loop, stage, _one(form, "reason"), now)
            return "reschedule"
        raise InvalidForm(
            [InputError("action", "that form was not ours", "use the buttons on the page")]
        )


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[0]
