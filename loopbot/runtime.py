"""Wires settings, storage, the outbox, the scheduler, Bolt and the listeners into one process."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from slack_bolt.middleware.authorization.single_team_authorization import (
    SingleTeamAuthorization,
)
from slack_sdk.errors import SlackApiError
from sqlalchemy import text

import handlers
from bot.app import create_bolt_app
from bot.clock import Clock, SystemClock
from bot.decisions import DecisionService
from bot.executor import InFlightExecutor
from bot.feedback import FeedbackService
from bot.loops import LoopService
from bot.outbox import OutboxSender
from bot.people import people_without_zone, set_zones
from bot.pivots import PivotService
from bot.planning.templates import load_templates
from bot.prompts import PromptService, PromptTimes
from bot.scheduler import PromptScheduler
from bot.services import Services
from bot.settings import Settings
from bot.slack_client import make_web_client
from loopbot.web import HttpServer, make_wsgi_app
from storage.db import make_engine, upgrade
from storage.models import utcnow
from storage.uow import UnitOfWorkFactory

log = logging.getLogger("loopbot")
# Slack retries within minutes and a modal can't be submitted twice days apart: a month is ample.
RETRY_KEYS_KEPT = timedelta(days=30)


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
        self.uow.after_commit.append(lambda _: self.sender.wake())
        loops = LoopService(templates, settings.recruiting_channel, settings.default_tz)
        self.clock = clock or SystemClock()
        self.services = Services(
            settings=settings,
            uow=self.uow,
            clock=self.clock,
            templates=templates,
            loops=loops,
            feedback=FeedbackService(loops),
            decisions=DecisionService(loops),
            pivots=PivotService(loops),
        )
        self.prompts = PromptService(
            loops,
            PromptTimes(
                interview_reminder=timedelta(minutes=settings.interview_reminder_minutes),
                feedback_reminder=timedelta(hours=settings.feedback_reminder_hours),
                escalate_recruiter=timedelta(hours=settings.feedback_escalation_hours),
                escalate_manager=timedelta(hours=settings.feedback_manager_escalation_hours),
            ),
        )
        # A movable clock (demo, tests) drives the scheduler itself through run_due().
        self.scheduler = PromptScheduler(
            self.engine, self.fire_prompt, paused=clock is not None, maintain=self.maintain
        )
        self.uow.after_commit.append(lambda work: self.sync_prompts(work.changed_interviews))
        # Bolt acks from inside the listener, so a listener waiting on a slow Web API call
        # holds a worker: keep plenty, or acks queue behind them (threads mostly wait on I/O).
        self.listeners = InFlightExecutor(max_workers=64)
        self.bolt = create_bolt_app(settings, self.client, self.uow, self.listeners)
        handlers.register(self.bolt, self.services)
        self.http: HttpServer | None = None

    # --- timed prompts -------------------------------------------------------------------

    def fire_prompt(self, kind: str, interview_id: int) -> None:
        with self.uow() as uow:
            self.prompts.fire(uow, kind, interview_id, self.clock.now())
            uow.commit()

    def sync_prompts(self, interview_ids: set[int] | None = None) -> None:
        """Make the scheduler's jobs match the database (all of it when ids is None)."""
        if not self.scheduler.scheduler.running or interview_ids == set():
            return
        with self.uow() as uow:
            if interview_ids is None:
                interviews = uow.loops.interviews_with_status(("confirmed", "completed"))
            else:
                interviews = [uow.loops.interview(i) for i in sorted(interview_ids)]
            wanted = {i.id: self.prompts.wanted(uow, i) for i in interviews if i is not None}
        # The job store writes on its own connection: only after our transaction is closed.
        if interview_ids is None:
            self.scheduler.keep_only({i for i, jobs in wanted.items() if jobs})
        for interview_id, jobs in wanted.items():
            self.scheduler.replace(interview_id, jobs)

    def fill_zones(self) -> int:
        """People on the roster without a tz get the one their Slack profile says. The
        Slack calls happen outside any database transaction."""
        with self.uow() as uow:
            missing = people_without_zone(uow)
        zones = {}
        for slack_id in missing:
            try:
                zone = self.client.users_info(user=slack_id)["user"].get("tz")
            except SlackApiError as error:
                log.warning("users.info for %s failed: %s", slack_id, error.response.get("error"))
                continue
            if zone:
                zones[slack_id] = zone
        with self.uow() as uow:
            filled = set_zones(uow, zones)
            uow.commit()
        return filled

    def _warm_up(self) -> None:
        """Ask Slack who we are now, not on the first request: Bolt otherwise calls
        auth.test before it can acknowledge that request. Then fill in missing zones."""
        try:
            identity = self.client.auth_test()
        except (SlackApiError, OSError) as error:
            log.warning("auth.test at start failed (%s); the first request will retry it", error)
        else:
            for middleware in self.bolt._middleware_list:
                if isinstance(middleware, SingleTeamAuthorization):
                    middleware.auth_test_result = middleware.auth_test_result or identity
        self.fill_zones()

    def maintain(self) -> None:
        """Periodic upkeep on the scheduler's thread: jobs re-synced, zones filled in,
        and the keys that de-duplicate Slack retries forgotten once no retry can come."""
        self.sync_prompts()
        self.fill_zones()
        with self.uow() as uow:
            uow.requests.forget_before(utcnow() - RETRY_KEYS_KEPT)
            uow.commit()

    def run_due_prompts(self) -> int:
        """Fire every prompt due at the (movable) clock's now."""
        return self.scheduler.run_due(self.clock.now())

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
            self.scheduler.start()
            self.sync_prompts()  # the database is the source of truth
            # Slack lookups must not hold up the first request: they run on their own thread.
            threading.Thread(target=self._warm_up, name="loopbot-warm-up", daemon=True).start()

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
        self.scheduler.shutdown()
        self.sender.stop()
        self.engine.dispose()
