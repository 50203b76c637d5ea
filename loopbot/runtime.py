"""Wires settings, storage, the outbox, the scheduler, Bolt and the listeners into one process."""

from __future__ import annotations

import logging
import time

from sqlalchemy import text

import handlers
from bot.app import create_bolt_app
from bot.clock import Clock, SystemClock
from bot.executor import InFlightExecutor
from bot.loops import LoopService
from bot.outbox import OutboxSender
from bot.planning.templates import load_templates
from bot.services import Services
from bot.settings import Settings
from bot.slack_client import make_web_client
from loopbot.web import HttpServer, make_wsgi_app
from storage.db import make_engine, upgrade
from storage.uow import UnitOfWorkFactory

log = logging.getLogger("loopbot")


class Runtime:
    def __init__(self, settings: Settings, *, clock: Clock | None = None):
        self.settings = settings
        # Refuse a malformed templates file before touching anything else.
        templates = load_templates(settings.templates_file)
        self.engine = make_engine(settings.database_url)
        upgrade(self.engine)
        self.uow = UnitOfWorkFactory(self.engine)
        self.client = make_web_client(settings)
        self.sender = OutboxSender(self.uow, self.client)
        self.services = Services(
            settings=settings,
            uow=self.uow,
            clock=clock or SystemClock(),
            templates=templates,
            notify=self.sender.wake,
            client=self.client,
            loops=LoopService(templates, settings.recruiting_channel, settings.default_tz),
        )
        self.listeners = InFlightExecutor()
        self.bolt = create_bolt_app(settings, self.client, self.uow, self.listeners)
        handlers.register(self.bolt, self.services)
        self.http: HttpServer | None = None

    def health(self) -> dict:
        try:
            with self.uow() as uow:
                uow.session.exec(text("SELECT 1"))
                pending = uow.outbox.pending_count()
        except Exception as error:  # a health check reports, it never raises
            return {"ok": False, "database": str(error).splitlines()[0]}
        return {"ok": True, "database": "ok", "outbox_pending": pending}

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start the background workers and the HTTP server; returns its base URL."""
        self.start_workers()
        self.http = HttpServer(make_wsgi_app(self.bolt, self.health), host, port, loop_timeout=0.05)
        self.http.start()
        return self.http.url

    def start_workers(self) -> None:
        # Only one process may run the scheduler and the sender (APScheduler's rule:
        # a job store is never shared by two schedulers).
        if self.settings.run_scheduler:
            self.sender.start()

    def serve_forever(self, host: str = "0.0.0.0") -> None:
        self.start_workers()
        if self.settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("loopbot: Socket Mode")
            SocketModeHandler(self.bolt, self.settings.app_token).start()
            return
        self.http = HttpServer(make_wsgi_app(self.bolt, self.health), host, self.settings.port)
        log.info("loopbot: listening on %s/slack/events", self.http.url)
        self.http.serve_forever()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every listener has finished and the outbox is drained."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            remaining = deadline - time.monotonic()
            if not self.listeners.wait_quiet(remaining):
                return False
            if not self.sender.wait_idle(max(deadline - time.monotonic(), 0.01)):
                return False
            if self.listeners.wait_quiet(0):
                return True
        return False

    def stop(self) -> None:
        if self.http is not None:
            self.http.stop()
        self.listeners.shutdown(wait=True, cancel_futures=True)
        self.sender.stop()
        self.engine.dispose()
