"""The Web API clients: one with slack_sdk's retries for listeners (views.open, users.info),
and one without for the outbox, which decides about every retry itself."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings


class CountedRateLimitHandler(RateLimitErrorRetryHandler):
    """Sleeps for Slack's Retry-After before trying again, and counts each 429."""

    def __init__(self, on_rate_limited: Callable[[], None] | None, **kwargs):
        super().__init__(**kwargs)
        self.on_rate_limited = on_rate_limited

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        limited = super()._can_retry(state=state, request=request, response=response, error=error)
        if limited and self.on_rate_limited is not None:
            self.on_rate_limited()
        return limited


def make_web_client(
    settings: Settings,
    *,
    retries: bool = True,
    on_rate_limited: Callable[[], None] | None = None,
) -> WebClient:
    handlers = (
        [
            ConnectionErrorRetryHandler(max_retry_count=2),
            CountedRateLimitHandler(on_rate_limited, max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
        if retries
        else []
    )
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=settings.slack_timeout_seconds,
        retry_handlers=handlers,
    )
