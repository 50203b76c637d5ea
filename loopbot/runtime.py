"""Wires settings, storage, the outbox, the scheduler, Bolt and the listeners into one process.

Every replica serves HTTP and re-syncs the prompts of what it commits; the elected leader
(loopbot/leader.py) also runs the outbox sender and the prompt scheduler."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from slack_bolt.middleware.authorization.single_team_authorization import (
    SingleTeamAuthorization,
)
from slack_sdk.errors import SlackApiError

import handlers
from bot.app import create_bolt_app
from bot.calendar_sync import CalendarSync, SyncLoop
from bot.calendars.factory import make_calendar
from bot.calendars.port import CalendarPort
from bot.candidate.requests import remind_overdue as remind_candidates
from bot.candidate.service import CandidateService
from bot.clock import Clock, SystemClock
from bot.decisions import DecisionService
from bot.erasure import forget_expired
from bot.executor import InFlightExecutor
from bot.feedback import FeedbackService
from bot.insights.service import InsightsService
from bot.loops import proposals
from bot.loops.config import LoopConfig
from bot.loops.expiry_warnings import warn_expiring
from bot.loops.service import LoopService
from bot.metrics import Metrics
from bot.outbox import OutboxSender, SlackTransport, Transports
from bot.people import people_without_zone, set_zones
from bot.pivot_meeting import MeetingService
from bot.pivots import PivotService
from bot.planning.template_loader import load_templates
from bot.prompt_sync import PromptSync, SyncWorker
from bot.prompts import PromptService, PromptTimes
from bot.scheduler import PromptScheduler
from bot.services import Services
from bot.settings import Settings
from bot.slack_client import make_web_client
from handlers.candidate_page import candidate_page
from loopbot.calendar_push import CalendarPush
from loopbot.calendar_wiring import calendar_parts
from loopbot.candidate_mail import candidate_side, register_mail
from loopbot.health import Health
from loopbot.leader import LeaderElection
from loopbot.web import HttpServer, make_wsgi_app
from storage.db import make_engine, upgrade
from storage.leadership import Leadership
from storage.models import utcnow
from storage.uow import UnitOfWorkFactory

log = logging.getLogger("loopbot")
# Slack retries within minutes and a modal can't be submitted twice days apart: a month is ample.
RETRY_KEYS_KEPT = timedelta(days=30)
SENT_BODIES_KEPT = timedelta(days=7)  # long enough to look into a complaint about a message
# Bolt acks from inside the listener, so a listener waiting on a slow Web API call holds a
# worker: keep plenty, or acks queue behind them (threads mostly wait on I/O).
LISTENER_THREADS = 64
# Database connections: one per listener, and a few for the sender, the scheduler, the prompt
# sync, the leader's lease, /healthz and upkeep, so no listener waits for another's.
CONNECTIONS = LISTENER_THREADS + 16


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        calendar: CalendarPort | None = None,
    ):
        """`calendar`: the adapter, when the caller made (and checked) it already."""
        self.settings = settings
        # Refuse a malformed templates file before touching anything else.
        templates = load_templates(settings.templates_file)
        self.engine = make_engine(settings.database_url, CONNECTIONS)
        upgrade(self.engine)
        self.clock = clock or SystemClock()
        self.uow = UnitOfWorkFactory(self.engine, self.clock.now)
        self.calendar = calendar if calendar is not None else make_calendar(settings)
        # Push notifications from Google or Microsoft, when LOOPBOT_PUBLIC_URL is set.
        self.calendar_push = CalendarPush.for_settings(settings, self.calendar, self.uow)
        self._push_opened = False
        self.metrics = Metrics()
        self.client = make_web_client(settings, on_rate_limited=self.metrics.slack_rate_limited.inc)
        self.replica = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        transports = Transports()
        # The outbox's own client: no SDK retries, so one attempt is one request.
        transports.register(
            "",
            SlackTransport(
                make_web_client(settings, retries=False),
                on_rate_limited=self.metrics.slack_rate_limited.inc,
            ),
        )
        register_mail(settings, transports)
        self.sender = OutboxSender(
            self.uow,
            transports,
            backoff_cap=settings.outbox_backoff_cap_seconds,
            metrics=self.metrics,
            holder=self.replica[-40:],
        )
        self.uow.after_commit.append(lambda _: self.sender.wake())
        self.busy, events = calendar_parts(settings, self.calendar, templates, transports)
        config = LoopConfig(
            templates,
            settings.recruiting_channel,
            settings.default_tz,
            hold_lifetime=timedelta(hours=settings.hold_hours),
            candidate=candidate_side(settings),
            busy=self.busy,
            events=events,
        )
        self.config = config
        self.calendar_sync = CalendarSync(config, self.uow, self.calendar, self.clock, self.busy)
        self.sync_loop = SyncLoop(self.sync_calendars, settings.calendar_sync_seconds)
        self.services = Services(
            settings=settings,
            uow=self.uow,
            clock=self.clock,
            templates=templates,
            loops=LoopService(config),
            feedback=FeedbackService(config),
            decisions=DecisionService(config),
            pivots=PivotService(config),
            candidate=CandidateService(config) if config.candidate is not None else None,
            insights=InsightsService(
                templates,
                default_tz=settings.default_tz,
                overdue_after=timedelta(hours=settings.feedback_escalation_hours),
            ),
            meetings=MeetingService(config),
            busy=self.busy,
        )
        self.prompts = PromptService(
            config,
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
        self.prompt_sync = PromptSync(self.uow, self.prompts, self.clock, self.scheduler.wakeup)
        self.sync_worker = SyncWorker(self.prompt_sync)
        # Whoever commits a change re-syncs its interviews' prompts, off the request path.
        self.uow.after_commit.append(lambda work: self.sync_worker.request(work.changed_interviews))
        self.election = LeaderElection(
            Leadership(self.engine, self.replica, settings.leader_lease_seconds),
            self._lead,
            self._step_down,
            every=min(max(settings.leader_lease_seconds / 4, 0.2), 2.0),
        )
        self.health = Health(self.uow, settings, self.election)
        self.metrics.watch_backlog(self.health.backlog_figures)
        self.listeners = InFlightExecutor(max_workers=LISTENER_THREADS)
        self.bolt = create_bolt_app(settings, self.client, self.listeners)
        handlers.register(self.bolt, self.services)
        self.http: HttpServer | None = None
        self._workers_started = False
        self.warmed = threading.Event()  # set once the start-up Slack look-ups are done

    # --- leading ------------------------------------------------------------------------

    def _lead(self) -> None:
        self.metrics.leader.set(1)
        self.sender.start()
        self.scheduler.start()
        if self.busy.remote and not self.scheduler.paused:  # a movable clock syncs by hand
            self.sync_loop.start()
        if not self.settings.socket_mode:  # push needs our HTTP server, listening by now
            self._open_calendar_push()
        if self.scheduler.paused:  # a movable clock (demo, tests): be done before it moves
            self._resync_all()
            return
        # The full re-sync runs on its own thread: /healthz answers before it finishes.
        threading.Thread(target=self._resync_all, name="loopbot-resync", daemon=True).start()

    def _step_down(self) -> None:
        self.metrics.leader.set(0)
        self._close_calendar_push()
        self.sync_loop.stop()
        self.scheduler.shutdown()
        self.sender.stop()

    def _resync_all(self) -> None:
        self.health.prompts = "syncing"
        try:
            result = self.prompt_sync.resync_all()
        except Exception:
            log.exception("full re-sync of prompts failed; the upkeep will try again")
            self.health.prompts = "sync failed"
            return
        self.metrics.prompt_resync_seconds.set(result.seconds)
        self.health.prompts = "in sync"
        log.info(
            "prompts re-synced in %.2fs: %d wanted, %d added, %d moved, %d removed",
            result.seconds,
            result.wanted,
            result.added,
            result.moved,
            result.removed,
        )

    # --- calendar push notifications ----------------------------------------------------

    def calendar_changed(self, calendar: str | None) -> None:
        """A provider says events changed in `calendar` (None: somewhere in the organizer's
        calendar, as Google and Graph notifications say it). Called from the HTTP route, so it
        must return quickly: it wakes the leader's calendar sync, or runs one pass on a thread
        of its own on another replica (a change is acted on once: each is checked under the
        interview's row lock)."""
        log.info("calendar change announced (%s)", calendar or "organizer's calendar")
        if self.election.is_leader or not self.busy.remote:
            self.sync_loop.wake()
            return
        threading.Thread(
            target=self._sync_quietly, name="loopbot-calendar-sync-once", daemon=True
        ).start()

    def _sync_quietly(self) -> None:
        try:
            self.sync_calendars()
        except Exception:
            log.exception("calendar sync after a push failed; the leader's next pass retries")

    def sync_calendars(self):
        """One pass of the calendar sync: declines, moves and deletions in people's
        calendars acted on (the leader runs it every LOOPBOT_CALENDAR_SYNC_SECONDS)."""
        if not self.busy.remote:
            return None
        self.sender.wait_idle(5.0)  # events just written get their ids first
        return self.calendar_sync.run_once()

    def _open_calendar_push(self) -> None:
        """On the leader, once HTTP answers (Graph validates the address while subscribing):
        open or adopt the channel on a thread of its own, so start-up does not wait for it."""
        if self.calendar_push is None:
            return
        self._push_opened = True
        threading.Thread(
            target=self.calendar_push.keep_open, name="loopbot-calendar-push", daemon=True
        ).start()

    def _close_calendar_push(self) -> None:
        if self.calendar_push is not None and self._push_opened:
            self._push_opened = False
            self.calendar_push.close()

    # --- timed prompts -------------------------------------------------------------------

    def fire_prompt(self, kind: str, interview_id: int) -> bool:
        with self.uow() as uow:
            now = self.clock.now()
            due = self.prompts.fire(uow, kind, interview_id, now)
            uow.commit()
        if due is not None:
            self.metrics.scheduler_lag.observe(max((now - due).total_seconds(), 0.0))
        else:
            # Not sent: not wanted any more, or its row was stale. Make the row right.
            self.sync_worker.request({interview_id})
        return due is not None

    def sync_prompts(self, interview_ids: set[int] | None = None) -> None:
        """Make the scheduled prompts match the database now (all of them when ids is None)."""
        if interview_ids is None:
            self.prompt_sync.resync_all()
        else:
            self.prompt_sync.resync(interview_ids)

    def fill_zones(self) -> int:
        """People on the roster without a tz get the one their Slack profile says. The
        Slack calls happen outside any database transaction."""
        with self.uow() as uow:
            missing = people_without_zone(uow)
        zones = {}
        for slack_id in missing:
            try:
                zone = self.client.users_info(user=slack_id)["user"].get("tz")
            except (SlackApiError, OSError) as error:
                log.warning("users.info for %s failed: %s", slack_id, type(error).__name__)
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
        try:
            if self.election.is_leader:
                self.fill_zones()
        finally:
            self.warmed.set()

    def maintain(self) -> None:
        """Periodic upkeep on the leader: prompts re-synced in one pass, zones filled in,
        and the keys that de-duplicate Slack retries forgotten once no retry can come."""
        self._resync_all()
        self.fill_zones()
        with self.uow() as uow:
            uow.requests.forget_before(utcnow() - RETRY_KEYS_KEPT)
            uow.outbox.shed_payloads(utcnow() - SENT_BODIES_KEPT)
            proposals.expire_overdue(self.config, uow, self.clock.now())
            remind_candidates(self.config, uow, self.clock.now())
            warn_expiring(self.config, uow, self.clock.now())
            uow.commit()
        self.forget_expired()
        if self.calendar_push is not None and self._push_opened:
            self.calendar_push.keep_open()  # renewed a day before it expires

    def forget_expired(self) -> list[int]:
        """Erase the personal data of loops closed longer than LOOPBOT_RETENTION_DAYS."""
        with self.uow() as uow:
            erased = forget_expired(
                self.config, uow, self.settings.retention_days, self.clock.now()
            )
            uow.commit()
        if erased:
            log.info("retention: erased the personal data of %d closed loop(s)", len(erased))
        return erased

    def run_due_prompts(self) -> int:
        """Fire every prompt due at the (movable) clock's now, and let the proposals whose
        holds ran out by then say so (the leader's upkeep does that on the wall clock)."""
        self.sync_worker.flush()
        fired = self.scheduler.run_due(self.clock.now())
        with self.uow() as uow:
            proposals.expire_overdue(self.config, uow, self.clock.now())
            remind_candidates(self.config, uow, self.clock.now())
            warn_expiring(self.config, uow, self.clock.now())
            uow.commit()
        return fired

    # --- serving -------------------------------------------------------------------------

    def wsgi_app(self):
        return make_wsgi_app(
            self.bolt,
            self.health.report,
            self.metrics,
            self.settings.signing_secret,
            calendar_push=self.calendar_push,
            calendar_changed=self.calendar_changed,
            candidate_page=(
                candidate_page(self.services) if self.services.candidate is not None else None
            ),
        )

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start the HTTP server and the background workers; returns the server's base URL."""
        self.http = HttpServer(self.wsgi_app(), host, port, loop_timeout=0.05)
        self.http.start()
        self.start_workers()
        return self.http.url

    def start_workers(self) -> None:
        self._workers_started = True
        self.sync_worker.start()
        if self.settings.run_scheduler:  # opt out: this replica never leads
            self.election.start()
        # Slack lookups must not hold up the first request: they run on their own thread.
        threading.Thread(target=self._warm_up, name="loopbot-warm-up", daemon=True).start()

    def serve_forever(self, host: str = "0.0.0.0") -> None:
        if self.settings.socket_mode:
            if self.calendar_push is not None:
                log.warning("Socket Mode serves no HTTP: calendar push notifications are off")
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            self.start_workers()
            log.info("loopbot: Socket Mode")
            SocketModeHandler(self.bolt, self.settings.app_token).start()
            return
        # Listening first: /healthz answers while the workers (and a full re-sync) start.
        self.http = HttpServer(self.wsgi_app(), host, self.settings.port)
        self.start_workers()
        log.info("loopbot: listening on %s/slack/events", self.http.url)
        self.http.serve_forever()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every listener has finished, prompts are re-synced and the outbox is
        drained."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.listeners.wait_quiet(deadline - time.monotonic()):
                return False
            if not self.sync_worker.flush(max(deadline - time.monotonic(), 0.01)):
                return False
            if not self.sender.wait_idle(max(deadline - time.monotonic(), 0.01)):
                return False
            if self.listeners.wait_quiet(0):
                return True
        return False

    def stop(self) -> None:
        self._close_calendar_push()  # while the HTTP server still answers
        self.sync_loop.stop()
        if self.http is not None:
            self.http.stop()
        self.listeners.shutdown(wait=True, cancel_futures=True)
        if self._workers_started:
            self.sync_worker.stop()
            self.election.stop()
        self.engine.dispose()
