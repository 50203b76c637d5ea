"""Thin Slack listeners, one module per surface. `register` wires them onto a Bolt app."""

from slack_bolt import App

from bot.services import Services
from handlers import actions, candidate_slack, commands, events, views


def register(app: App, services: Services) -> None:
    commands.register(app, services)
    actions.register(app, services)
    views.register(app, services)
    events.register(app, services)
    candidate_slack.register(app, services)
