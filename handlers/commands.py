"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.errors import LoopbotError
from bot.messages.forms import ModalChoices, schedule_loop_modal
from bot.prefill import parse_prefill, zone_names
from bot.services import Services
from handlers.common import answer, open_modal, reply


def register(app: App, services: Services) -> None:
    @app.command("/schedule-loop")
    def schedule_loop(ack, command, client, respond):
        ack()
        try:
            form = schedule_loop_form(services, command)
        except LoopbotError as error:
            reply(respond, str(error))
            return
        open_modal(client, respond, command["trigger_id"], form)

    register_pools(app, services)
    register_insights(app, services)
    register_load(app, services)


def register_load(app: App, services: Services) -> None:
    @app.command("/loop-load")
    def show_load(ack, command, respond):
        ack()
        try:
            with services.uow() as uow:
                overview = services.loops.load(
                    uow, command.get("text", ""), command["user_id"], services.clock.now()
                )
        except LoopbotError as error:
            reply(respond, str(error))
            return
        answer(respond, response_type="ephemeral", **overview)


def register_pools(app: App, services: Services) -> None:
    @app.command("/loop-pool")
    def show_pools(ack, command, respond):
        ack()
        try:
            with services.uow() as uow:
                overview = services.pivots.pools_overview(uow, command["user_id"])
        except LoopbotError as error:
            reply(respond, str(error))
            return
        answer(respond, response_type="ephemeral", **overview)


def register_insights(app: App, services: Services) -> None:
    @app.command("/loop-insights")
    def insights(ack, command, respond):
        ack()
        try:
            answer = services.insights.answer(
                services.uow,
                command["user_id"],
                command.get("text", ""),
                command["trigger_id"],
                services.clock.now(),
            )
        except LoopbotError as error:
            reply(respond, str(error))
            return
        reply(respond, answer)


def schedule_loop_form(services: Services, command: dict) -> dict:
    loops = services.loops
    with services.uow.read() as uow:  # the roster read once, in one light query
        loops.require_starter(uow, command["user_id"])
        facts = uow.interviewers.team_facts()
    teams = loops.teams(None, facts)
    invoker_roles = next((roles for who, roles, _ in facts if who == command["user_id"]), ())
    pools = services.templates.pools
    prefill = parse_prefill(
        command.get("text", ""),
        teams=[*teams, *pools],
        tracks=services.templates.tracks,
        zones=zone_names(),
    )
    if prefill.get("team") in pools:
        prefill["team"] = f"pool:{prefill['team']}"
    prefill.setdefault("candidate_tz", services.settings.default_tz)
    prefill.setdefault("track", next(iter(services.templates.tracks)))
    for role in ("recruiter", "hiring_manager"):
        if role in invoker_roles:
            prefill[role] = command["user_id"]
    if "team" in prefill and "hiring_manager" not in prefill:
        manager = loops.team_manager(None, prefill["team"], facts)
        if manager:
            prefill["hiring_manager"] = manager
    limits = services.templates.accommodation_limits
    choices = ModalChoices(
        tracks=[(key, track.title) for key, track in services.templates.tracks.items()],
        levels=[(key, f"{key} — {title}") for key, title in services.templates.levels],
        places=[(team, team) for team in teams]
        + [
            (f"pool:{key}", f"{pool.title} pool ({', '.join(pool.teams)})")
            for key, pool in pools.items()
        ]
        or [("-", "(import a roster first)")],
        formats=loops.technical_formats(),
        max_extra_minutes=limits.extra_minutes_per_interview,
        max_extra_break=limits.extra_break_minutes,
    )
    return schedule_loop_modal(choices, prefill)
