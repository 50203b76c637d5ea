"""The HTTP side of calendar push notifications: `POST /calendar/google` and
`POST /calendar/microsoft` (see `loopbot.calendar_push` for the channels behind them).

Each is verified as its provider documents before anything happens, since anybody can POST to a
public URL; one that fails is answered 403 and acted on in no way:
- Google (`verify_google_notification`): the `X-Goog-Channel-ID` of a channel loopbot opened,
  and that channel's `X-Goog-Channel-Token`. Answered 200. The body is empty; state `sync` is
  the handshake of a channel opening and needs no sync.
- Microsoft Graph: a `validationToken` query parameter is the handshake of a subscription being
  made, answered at once with 200, `text/plain`, the token as it was sent
  (`graph_validation_token`); otherwise the JSON body's items must name a subscription of ours
  with its clientState (`verify_graph_notifications`). Answered 202.

A verified change calls `calendar_changed(None)`: a notification says that the organizer's
calendar changed, not which interviewer's, so the whole calendar sync is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qsl

from bot.calendars.google_push import verify_google_notification
from bot.calendars.microsoft_push import graph_validation_token, verify_graph_notifications
from bot.calendars.push import NotificationRejected
from loopbot.calendar_push import CalendarPush

log = logging.getLogger("loopbot.calendar_push")

MAX_BODY = 1 << 20  # Graph batches notifications, but a megabyte is far more than it sends
CalendarChanged = Callable[[str | None], None]


def calendar_route(push: CalendarPush, calendar_changed: CalendarChanged):
    """The WSGI app answering `push.path`."""

    def respond(start_response, status: str, body: bytes = b"", content_type="text/plain"):
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    def changed() -> None:
        try:
            calendar_changed(None)
        except Exception:  # the notification was good; the periodic sync catches up
            log.exception("calendar_changed failed after a %s notification", push.provider)

    def google(environ, start_response):
        _body(environ)  # empty as Google sends it; read so the connection stays usable
        try:
            notification = verify_google_notification(_headers(environ), push.watch_channels())
        except NotificationRejected as rejected:
            log.warning("refused a Google notification: %s", rejected)
            return respond(start_response, "403 Forbidden", b"not a channel of loopbot's")
        if notification.needs_sync:
            changed()
        return respond(start_response, "200 OK")

    def microsoft(environ, start_response):
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        token = graph_validation_token(query)
        if token is not None:
            return respond(start_response, "200 OK", token.encode())
        body = _body(environ)
        if body is None:
            return respond(start_response, "413 Payload Too Large")
        try:
            changes = verify_graph_notifications(body, push.subscriptions())
        except NotificationRejected as rejected:
            log.warning("refused a Graph notification: %s", rejected)
            return respond(start_response, "403 Forbidden", b"not a subscription of loopbot's")
        log.info("Graph notified %d change(s) to the organizer's calendar", len(changes))
        changed()
        return respond(start_response, "202 Accepted")

    handler = google if push.provider == "google" else microsoft

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return respond(start_response, "405 Method Not Allowed")
        return handler(environ, start_response)

    return application


def _headers(environ) -> dict[str, str]:
    """The request's headers from a WSGI environ (HTTP_X_GOOG_CHANNEL_ID -> x-goog-channel-id)."""
    return {
        name[5:].replace("_", "-").lower(): value
        for name, value in environ.items()
        if name.startswith("HTTP_")
    }


def _body(environ) -> bytes | None:
    """The request body, or None when it is larger than MAX_BODY."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None
    return environ["wsgi.input"].read(length) if length > 0 else b""
