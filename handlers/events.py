"""Events API listeners."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.home import home_view
from bot.services import Services
from handlers.common import first_delivery


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def show_home(event, body, client):
        if event.get("tab") != "home" or not first_delivery(services, body):
            return
        user = event.get("user")
        if not isinstance(user, str) or not user:
            return  # nobody to show it to
        with services.uow.read() as uow:
            view = home_view(uow, services.templates, user, services.clock.now(), services.insights)
        client.views_publish(user_id=user, view=view)

    @app.event(re.compile(".*"))
    def acknowledged(body):
        """Any other event is acknowledged (Bolt acks it before this runs): a 404 would make
        Slack deliver it again, and in time turn the subscription off."""
        first_delivery(services, body)
