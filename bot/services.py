"""What every listener is handed: settings, the unit of work, the clock, the
loop templates, and a way to wake the outbox sender after a commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.clock import Clock
from bot.loops import LoopService
from bot.planning.templates import TemplateBook
from bot.settings import Settings
from storage.uow import UnitOfWorkFactory


@dataclass
class Services:
    settings: Settings
    uow: UnitOfWorkFactory
    clock: Clock
    templates: TemplateBook
    notify: Callable[[], None]
    loops: LoopService
    # For reads that must happen now (users.info, views.open with a trigger_id);
    # every write to Slack goes through the outbox instead.
    client: WebClient
