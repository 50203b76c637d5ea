"""A stand-in for the Google Calendar API v3 and Google's OAuth token endpoint.

It answers with the shapes the API reference documents: the freeBusy response, Events resources
(with `conferenceData` and `hangoutLink` when a Meet is requested with conferenceDataVersion=1),
paged `events.list` with `nextPageToken` / `nextSyncToken` (410 `fullSyncRequired` for a stale
token), watch channels that POST `X-Goog-*` notifications, and errors as
`{"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}}`.

Sign-in is the service-account flow: `write_key_file()` writes a JSON key whose `token_uri`
points here; `POST /token` verifies the JWT assertion's signature with that key, checks the
delegated user (`sub`) and the scopes the "Admin console" allows, and hands out bearer tokens
that every API call must present. The organizer's events live in their own calendar; an
attendee's free/busy counts the events they are invited to and have not declined.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt

from tests.standins.google_events import CalendarStore
from tests.standins.http_standin import HttpStandin, Refusal, Reply, Request, post

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events"
FREEBUSY_SCOPE = "https://www.googleapis.com/auth/calendar.freebusy"
FULL_SCOPE = "https://www.googleapis.com/auth/calendar"
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_KEY_LOCK = threading.Lock()
_KEY: rsa.RSAPrivateKey | None = None


def _private_key() -> rsa.RSAPrivateKey:
    """One RSA key per test session: generating one takes a noticeable fraction of a second."""
    global _KEY
    with _KEY_LOCK:
        if _KEY is None:
            _KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _KEY


class GoogleCalendarStandin(HttpStandin):
    name = "google-calendar-standin"
    client_email = "loopbot@loopbot-test.iam.gserviceaccount.com"
    client_id = "108000000000000000042"

    def __init__(self) -> None:
        super().__init__()
        self.store = CalendarStore(self._notify)
        self.delegated_scopes = {EVENTS_SCOPE, FREEBUSY_SCOPE}  # the Admin console's grant
        self.api_enabled = True
        self.token_lifetime = 3599
        self.deliveries: list[tuple[str, dict[str, str], int]] = []  # (address, headers, status)
        self._tokens: dict[str, tuple[str, set[str]]] = {}  # access token -> (user, scopes)
        self._token_count = 0
        self._channels: dict[str, dict[str, Any]] = {}
        self._public_pem = (
            _private_key()
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        calendar = r"/calendar/v3/calendars/(?P<calendar>[^/]+)"
        event = calendar + r"/events/(?P<event>[^/]+)"
        self.route("POST", r"/token", "token", self._token)
        self.route("POST", r"/calendar/v3/freeBusy", "freebusy.query", self._freebusy)
        self.route("POST", calendar + r"/events", "events.insert", self._insert)
        self.route("GET", calendar + r"/events", "events.list", self._list)
        self.route("POST", calendar + r"/events/watch", "events.watch", self._watch)
        self.route("GET", event, "events.get", self._get)
        self.route("PATCH", event, "events.patch", self._patch)
        self.route("DELETE", event, "events.delete", self._delete)
        self.route("POST", r"/calendar/v3/channels/stop", "channels.stop", self._stop)

    # ------------------------------------------------------------------ set-up for tests

    def write_key_file(self, path: Path) -> Path:
        """A service-account JSON key, as Google Cloud console downloads it."""
        pem = _private_key().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key = {
            "type": "service_account",
            "project_id": "loopbot-test",
            "private_key_id": "0123456789abcdef0123456789abcdef01234567",
            "private_key": pem.decode(),
            "client_email": self.client_email,
            "client_id": self.client_id,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": f"{self.url}token",
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/loopbot",
            "universe_domain": "googleapis.com",
        }
        path.write_text(json.dumps(key, indent=2))
        return path

    def expire_tokens(self) -> None:
        """Every access token handed out so far stops working (as when they expire)."""
        with self._lock:
            self._tokens.clear()

    def error_body(self, status: int, reason: str, message: str) -> dict[str, Any]:
        domain = "usageLimits" if "RateLimit" in reason or status == 429 else "global"
        return {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"domain": domain, "reason": reason, "message": message}],
                "status": _STATUS_NAMES.get(status, "UNKNOWN"),
            }
        }

    # ------------------------------------------------------------------ OAuth

    def _token(self, request: Request) -> Reply:
        form = request.form
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return Reply(
                400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}
            )
        try:
            claims = jwt.decode(
                form.get("assertion", ""), certs=self._public_pem, audience=GOOGLE_TOKEN_AUDIENCE
            )
        except ValueError:
            return Reply(
                400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            )
        if claims.get("iss") != self.client_email:
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid issuer"})
        scopes = set(str(claims.get("scope", "")).split())
        if not scopes or not scopes <= self.delegated_scopes:
            description = (
                "Client is unauthorized to retrieve access tokens using this method, or client "
                "not authorized for any of the scopes requested."
            )
            return Reply(401, {"error": "unauthorized_client", "error_description": description})
        user = claims.get("sub")
        if user not in self.store.users:
            return Reply(
                400, {"error": "invalid_grant", "error_description": "Invalid email or User ID"}
            )
        with self._lock:
            self._token_count += 1
            token = f"ya29.standin-{self._token_count}"
            self._tokens[token] = (user, scopes)
        return Reply(
            200, {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
        )

    def _caller(self, request: Request, *accepted_scopes: str) -> str:
        header = request.headers.get("authorization", "")
        with self._lock:
            grant = self._tokens.get(header.removeprefix("Bearer "))
        if grant is None:
            raise Refusal(401, "authError", "Request had invalid authentication credentials.")
        if not self.api_enabled:
            raise Refusal(
                403,
                "accessNotConfigured",
                "Google Calendar API has not been used in project 1080 before or it is disabled.",
            )
        user, scopes = grant
        if not scopes & {FULL_SCOPE, *accepted_scopes}:
            raise Refusal(
                403, "insufficientPermissions", "Request had insufficient authentication scopes."
            )
        return user

    def _own_calendar(self, request: Request) -> str:
        user = self._caller(request, EVENTS_SCOPE)
        calendar = unquote(request.match["calendar"])
        calendar = user if calendar == "primary" else calendar
        if calendar != user:
            raise Refusal(404, "notFound", "Not Found")  # only the organizer's own calendar
        return calendar

    # ------------------------------------------------------------------ free/busy

    def _freebusy(self, request: Request) -> Reply:
        self._caller(request, FREEBUSY_SCOPE)
        body = request.json or {}
        start, end = _instant(body["timeMin"]), _instant(body["timeMax"])
        if end <= start:
            raise Refusal(400, "timeRangeEmpty", "The specified time range is empty.")
        limit = min(int(body.get("calendarExpansionMax", 50)), 50)
        group_limit = min(int(body.get("groupExpansionMax", 100)), 100)
        calendars: dict[str, Any] = {}
        groups: dict[str, Any] = {}
        for item in body.get("items", []):
            asked = item["id"]
            members = self.store.groups.get(asked)
            if members is not None:
                if len(members) > group_limit:
                    groups[asked] = {"errors": [{"domain": "global", "reason": "groupTooBig"}]}
                    continue
                groups[asked] = {"calendars": list(members)}
                targets = list(members)
            else:
                targets = [asked]
            for calendar in targets:
                if calendar in calendars:
                    continue
                if len(calendars) >= limit:
                    reason = "tooManyCalendarsRequested"
                    calendars[calendar] = {"errors": [{"domain": "calendar", "reason": reason}]}
                else:
                    calendars[calendar] = self.store.free_busy(calendar, start, end)
        answer = {
            "kind": "calendar#freeBusy",
            "timeMin": body["timeMin"],
            "timeMax": body["timeMax"],
            "calendars": calendars,
        }
        if groups:
            answer["groups"] = groups
        return Reply(200, answer)

    # ------------------------------------------------------------------ events

    def _insert(self, request: Request) -> Reply:
        calendar = self._own_calendar(request)
        with_conference = request.params.get("conferenceDataVersion") == "1"
        return Reply(200, self.store.insert(calendar, request.json or {}, with_conference))

    def _get(self, request: Request) -> Reply:
        return Reply(200, self.store.get(self._own_calendar(request), request.match["event"]))

    def _patch(self, request: Request) -> Reply:
        calendar = self._own_calendar(request)
        with_conference = request.params.get("conferenceDataVersion") == "1"
        changes = request.json or {}
        return Reply(
            200, self.store.patch(calendar, request.match["event"], changes, with_conference)
        )

    def _delete(self, request: Request) -> Reply:
        self.store.delete(self._own_calendar(request), request.match["event"])
        return Reply(204)

    def _list(self, request: Request) -> Reply:
        calendar = self._own_calendar(request)
        return Reply(200, self.store.list(calendar, request.params))

    # ------------------------------------------------------------------ push

    def _watch(self, request: Request) -> Reply:
        calendar = self._own_calendar(request)
        body = request.json or {}
        if body.get("type") != "web_hook" or not str(body.get("address", "")).startswith("http"):
            raise Refusal(400, "invalid", "Invalid channel type or address.")
        ttl = int((body.get("params") or {}).get("ttl", 604800))
        expires = datetime.now(UTC) + timedelta(seconds=ttl)
        resource_id = hashlib.sha1(calendar.encode()).hexdigest()[:27]
        channel = {
            "kind": "api#channel",
            "id": body["id"],
            "resourceId": resource_id,
            "resourceUri": f"{self.url}calendar/v3/calendars/{calendar}/events?alt=json",
            "expiration": str(int(expires.timestamp() * 1000)),
            **({"token": body["token"]} if body.get("token") else {}),
        }
        with self._lock:
            self._channels[body["id"]] = {
                **channel,
                "calendar": calendar,
                "address": body["address"],
                "number": 0,
            }
        self._deliver(body["id"], "sync")
        return Reply(200, channel)

    def _stop(self, request: Request) -> Reply:
        self._caller(request, EVENTS_SCOPE)
        body = request.json or {}
        with self._lock:
            channel = self._channels.get(body.get("id", ""))
            if channel is None or channel["resourceId"] != body.get("resourceId"):
                raise Refusal(404, "notFound", f"Channel '{body.get('id')}' not found for project")
            del self._channels[body["id"]]
        return Reply(204)

    def channel_ids(self) -> list[str]:
        with self._lock:
            return list(self._channels)

    def _notify(self, calendars: Iterable[str]) -> None:
        """The store changed an event in `calendars`: tell their channels, as Google does."""
        with self._lock:
            wanted = set(calendars)
            ids = [cid for cid, channel in self._channels.items() if channel["calendar"] in wanted]
        for channel_id in ids:
            self._deliver(channel_id, "exists")

    def _deliver(self, channel_id: str, state: str) -> None:
        with self._lock:
            channel = self._channels[channel_id]
            channel["number"] += 1
            headers = {
                "X-Goog-Channel-ID": channel_id,
                "X-Goog-Channel-Expiration": datetime.fromtimestamp(
                    int(channel["expiration"]) / 1000, UTC
                ).strftime("%a, %d %b %Y %H:%M:%S GMT"),
                "X-Goog-Resource-ID": channel["resourceId"],
                "X-Goog-Resource-URI": channel["resourceUri"],
                "X-Goog-Resource-State": state,
                "X-Goog-Message-Number": str(channel["number"]),
                **({"X-Goog-Channel-Token": channel["token"]} if "token" in channel else {}),
            }
            address = channel["address"]

        def send() -> None:
            status, _ = post(address, b"", headers)
            with self._lock:
                self.deliveries.append((address, headers, status))

        threading.Thread(target=send, name="google-push", daemon=True).start()


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
