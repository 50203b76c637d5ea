"""Who may do what, and who may read whose feedback: the one place that decides.

`RULES` is the table: for each action, the roster roles that may take it at all and, for an
action on one loop, how the person must stand to that loop. Services ask `Access.require`
before they change or show anything; the thread, App Home, DMs and the feedback button all ask
`Access.may_read_feedback` (the bias guard) before they show a signal or a note.

How a person can stand to a loop:
- `recruiter`, `hiring_manager`: the loop's own recruiter or hiring manager;
- `team_coordinator`: a coordinator whose roster teams include the loop's team or one of its
  pool's teams (recruiting is a team sport);
- `admin`: anyone with the `admin` role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.errors import PermissionDenied
from bot.planning.templates import TemplateBook
from storage.models import Interviewer, Loop, Stage
from storage.uow import UnitOfWork


class Action(StrEnum):
    START_LOOP = "start a loop"
    VIEW_POOL = "see the hiring pools"
    VIEW_INSIGHTS = "read insights"
    VIEW_LOAD = "see interviewers' load"
    SCHEDULE = "change this loop's schedule"
    DECIDE = "decide on this loop"
    PIVOT = "pivot this loop"
    VIEW_FEEDBACK = "read this loop's feedback"
    RECORD_OFFER = "record this loop's offer"
    CONTACT_CANDIDATE = "contact this candidate"
    SKIP_STAGE = "skip this meeting"


STAFF = frozenset({"recruiter", "coordinator", "hiring_manager", "admin"})
RUNS_LOOP = frozenset({"recruiter", "hiring_manager", "team_coordinator", "admin"})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # roster roles that may take the action at all
    standing: frozenset[str] = frozenset()  # for a loop's action: how one must stand to it
    refusal: str = ""


RULES: dict[Action, Rule] = {
    Action.START_LOOP: Rule(
        STAFF,
        refusal="Starting a loop is for recruiters, coordinators and hiring managers. "
        "Ask one of them, or a recruiter to add the role to your roster entry.",
    ),
    Action.VIEW_POOL: Rule(
        STAFF,
        refusal="The hiring pools are for recruiters, coordinators and hiring managers.",
    ),
    Action.VIEW_INSIGHTS: Rule(
        STAFF,
        refusal="Insights are for recruiters, coordinators and hiring managers. "
        "Ask one of them, or a recruiter to add the role to your roster entry.",
    ),
    Action.VIEW_LOAD: Rule(
        STAFF,
        refusal="Interviewers' load is for recruiters, coordinators and hiring managers.",
    ),
    Action.SCHEDULE: Rule(
        STAFF,
        RUNS_LOOP,
        "Only this loop's recruiter or hiring manager (or a coordinator of its team) can do that.",
    ),
    Action.DECIDE: Rule(
        STAFF,
        RUNS_LOOP,
        "Only this loop's recruiter or hiring manager (or a coordinator of its team) can decide.",
    ),
    Action.PIVOT: Rule(
        STAFF,
        RUNS_LOOP,
        "Only this loop's recruiter or hiring manager (or a coordinator of its team) can pivot it.",
    ),
    Action.VIEW_FEEDBACK: Rule(
        STAFF,
        RUNS_LOOP,
        "Only the panel, the recruiter and the hiring manager can read this feedback.",
    ),
    Action.RECORD_OFFER: Rule(
        frozenset({"recruiter", "hiring_manager", "admin"}),
        frozenset({"recruiter", "hiring_manager", "admin"}),
        "Only this loop's recruiter or hiring manager can see or record its offer.",
    ),
    Action.CONTACT_CANDIDATE: Rule(
        frozenset({"recruiter", "coordinator", "admin"}),
        frozenset({"recruiter", "team_coordinator", "admin"}),
        "Only this loop's recruiter (or a coordinator of its team) contacts the candidate.",
    ),
    Action.SKIP_STAGE: Rule(
        frozenset({"recruiter", "coordinator", "admin"}),
        frozenset({"recruiter", "team_coordinator", "admin"}),
        "Only this loop's recruiter (or a coordinator of its team) can skip a stage.",
    ),
}

OWN_FEEDBACK_FIRST = "Submit your own feedback first; then you'll see the panel's."


def standing(person: Interviewer, loop: Loop, templates: TemplateBook | None = None) -> set[str]:
    """How `person` stands to `loop` (see the module's docstring)."""
    stands: set[str] = set()
    if person.id == loop.recruiter_id:
        stands.add("recruiter")
    if person.id == loop.hiring_manager_id:
        stands.add("hiring_manager")
    if "admin" in person.roles:
        stands.add("admin")
    if "coordinator" in person.roles and set(person.teams) & loop_teams(loop, templates):
        stands.add("team_coordinator")
    return stands


def loop_teams(loop: Loop, templates: TemplateBook | None) -> set[str]:
    teams = {loop.team} if loop.team else set()
    if loop.pool and templates is not None and loop.pool in templates.pools:
        teams |= set(templates.pools[loop.pool].teams)
    return teams


def permitted(rule: Rule, person: Interviewer | None, loop: Loop | None, templates=None) -> bool:
    """The table's answer, pure: may this roster entry take the rule's action (on `loop`)?"""
    if person is None or not person.active:
        return False
    if rule.standing and loop is not None:
        return bool(standing(person, loop, templates) & rule.standing)
    return bool(set(person.roles) & rule.roles)


class Access:
    """The rules applied to the people on the roster, through one unit of work."""

    def __init__(self, uow: UnitOfWork, templates: TemplateBook | None = None):
        self.uow = uow
        self.templates = templates

    def may(self, actor: str, action: Action, loop: Loop | None = None) -> bool:
        person = self.uow.interviewers.by_slack_id(actor)
        return permitted(RULES[action], person, loop, self.templates)

    def require(self, actor: str, action: Action, loop: Loop | None = None) -> Interviewer:
        """The actor's roster entry, or PermissionDenied with the rule's refusal."""
        person = self.uow.interviewers.by_slack_id(actor)
        if not permitted(RULES[action], person, loop, self.templates):
            raise PermissionDenied(RULES[action].refusal)
        return person

    # --- the bias guard -------------------------------------------------------------------

    def may_read_feedback(self, actor: str | None, stage: Stage, loop: Loop) -> bool:
        """Whether `actor` may read the signals and notes of `stage` now. `None` is the
        recruiting channel: everyone in it, so only once the panel is complete."""
        return self.feedback_refusal(actor, stage, loop) is None

    def feedback_refusal(self, actor: str | None, stage: Stage, loop: Loop) -> str | None:
        """Why `actor` may not read `stage`'s feedback now, or None when they may.

        Someone on the stage's panel — the recruiter and the hiring manager included — reads
        it only once their own is in. Others who may read the loop's feedback read it at any
        time (through a modal only they see); the channel only once the panel is complete."""
        if actor is None:
            return None if panel_complete(stage, loop) else "the panel is not complete"
        mine = self._panel_interviews(stage, actor)
        if mine:
            if any(self.uow.loops.feedback_for(i.id) is None for i in mine):
                return OWN_FEEDBACK_FIRST
            return None
        if self.may(actor, Action.VIEW_FEEDBACK, loop):
            return None
        return RULES[Action.VIEW_FEEDBACK].refusal

    def _panel_interviews(self, stage: Stage, actor: str):
        person = self.uow.interviewers.by_slack_id(actor)
        if person is None:
            return []
        return [
            i
            for i in self.uow.loops.interviews(stage.id)
            if i.interviewer_id == person.id and i.status in ("confirmed", "completed")
        ]


def panel_complete(stage: Stage, loop: Loop) -> bool:
    """Every interview held and every feedback in (the stage completed or decided), or the
    stage closed: skipped, or its loop no longer open."""
    return stage.status in ("completed", "decided", "skipped") or loop.status != "open"
