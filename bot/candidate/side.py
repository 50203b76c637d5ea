"""The hooks the loop use cases call (through `LoopConfig.candidate`) when something the
candidate should hear about happens: a stage opens, the itinerary changes, the loop ends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.candidate.config import CandidateConfig
from bot.candidate.itinerary import item_for, itinerary
from bot.candidate.mailer import itinerary_mail
from bot.candidate.requests import ask
from bot.loops.catalog import stage_template
from bot.messages.candidate import note_offer, send_offer
from bot.outbox import publish
from storage.candidate_requests import CandidateRequests
from storage.models import Interview, Loop, Stage
from storage.uow import UnitOfWork

NOTE_KINDS = {
    "offer_call": "the offer is approved",
    "decline": "declined",
}


def offer_ref(stage_id: int) -> str:
    return f"stage:{stage_id}:candidate-offer"


class CandidateSide:
    def __init__(self, settings: CandidateConfig):
        self.settings = settings

    def stage_opened(self, config, uow: UnitOfWork, loop: Loop, stage: Stage, now, actor) -> None:
        """By setting, email the candidate at once; either way the recruiter gets the button."""
        template = stage_template(config.templates, loop, stage.key)
        if template.kind == "decision" or loop.status != "open":
            return
        candidate = uow.loops.candidate(loop.candidate_id)
        sent = ""
        if self.settings.scheduling != "off":
            request = ask(config, uow, loop, stage, self.settings.scheduling, actor, now)
            sent = f"loopbot emailed {candidate.name.split()[0]} a link to " + (
                "pick a time." if request.mode == "self_schedule" else "give availability."
            )
        recruiter = uow.interviewers.get(loop.recruiter_id)
        publish(
            uow,
            offer_ref(stage.id),
            channel=recruiter.slack_user_id,
            loop_id=loop.id,
            **send_offer(candidate.name, template.title, stage.id, sent),
        )

    def itinerary_changed(
        self,
        config,
        uow: UnitOfWork,
        loop: Loop,
        stage: Stage,
        now: datetime,
        why: str,
        withdrawn: Sequence[Interview] = (),
    ) -> None:
        """Confirmation, change or cancellation: the whole itinerary, with invites."""
        if loop.status != "open":
            return  # nothing goes to the candidate of a closed loop but what a person sends
        candidate = uow.loops.candidate(loop.candidate_id)
        live = itinerary(config.templates, self.settings, uow, loop, now)
        gone = [
            item_for(config.templates, self.settings, uow, loop, candidate, i)
            for i in withdrawn
            if i.start_at > now
        ]
        title = stage_template(config.templates, loop, stage.key).title
        subject, lead = {
            "booked": (
                f"Your {title} is confirmed",
                f"Your {title} is booked. Here is your itinerary.",
            ),
            "changed": (
                f"A change to your {title}",
                f"Your {title} has changed. Here is your itinerary as it stands.",
            ),
            "cancelled": (
                f"Your {title} is being rescheduled",
                f"We have to move your {title}; the times below are cancelled and we will "
                "send new ones shortly.",
            ),
        }[why]
        items = [*gone, *[i for i in live if i.interview_id not in {g.interview_id for g in gone}]]
        stamp = now.strftime("%Y%m%dT%H%M%S%f")
        key = f"candidate:{loop.id}:itinerary:{stage.id}:{why}:{stamp}"
        itinerary_mail(self.settings, uow, loop, stage, items, subject, lead, key, now)
        requests = CandidateRequests(uow.session)
        latest = requests.latest(stage.id)
        if why == "booked" and latest is not None and latest.status == "open":
            latest.status = "answered"
            latest.answered_at = latest.answered_at or now
            requests.save(latest)

    def loop_closed(self, config, uow: UnitOfWork, loop: Loop, kind: str, now: datetime) -> None:
        """The decision is the recruiter's to tell: they get a button to write the note."""
        if kind not in NOTE_KINDS:
            return
        candidate = uow.loops.candidate(loop.candidate_id)
        for request in CandidateRequests(uow.session).of_loop(loop.id):
            if request.status == "open":
                request.status = "withdrawn"
                uow.session.add(request)
        recruiter = uow.interviewers.get(loop.recruiter_id)
        publish(
            uow,
            f"loop:{loop.id}:candidate-note-offer",
            channel=recruiter.slack_user_id,
            loop_id=loop.id,
            **note_offer(candidate.name, loop.id, kind, NOTE_KINDS[kind]),
        )
