"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.home import home_view
from bot.services import Services


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def show_home(event, client):
        if event.get("tab") != "home":
            return
        user = event["user"]
        with services.uow() as uow:
            view = home_view(uow, services.loops, user, services.clock.now())
        client.views_publish(user_id=user, view=view)
