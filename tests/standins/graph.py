"""A stand-in for Microsoft Graph v1.0 (calendar and subscriptions) and the Microsoft identity
platform's token endpoint, for app-only (client credentials) callers.

Shapes as the references document them: the token answer (a JWT whose `roles` claim lists the
application permissions) and its AADSTS errors (`{"error", "error_description", "error_codes"}`);
getSchedule's `scheduleInformation` (availabilityView, scheduleItems, per-schedule `error`);
event resources; `calendarView/delta` pages (`@odata.nextLink`, `@odata.deltaLink`, `@removed`);
subscriptions with the validationToken handshake and change notifications carrying clientState;
errors as `{"error": {"code", "message"}}`.

Serve it with `login_url = url + "login/"` and `graph_url = url + "v1.0/"`.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

from tests.standins.graph_mailboxes import Mailboxes
from tests.standins.http_standin import HttpStandin, Refusal, Reply, Request, post

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
_FILTER = re.compile(
    r"singleValueExtendedProperties/Any\(ep: ep/id eq '(?P<id>[^']+)' "
    r"and ep/value eq '(?P<value>(?:[^']|'')*)'\)"
)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class GraphStandin(HttpStandin):
    name = "graph-standin"
    tenant_id = "5e0d7c6b-1a2f-4c3d-8e9f-0a1b2c3d4e5f"
    client_id = "0f4a2b6c-8d1e-4f3a-9b5c-7d6e8f9a0b1c"
    client_secret = "standin~secret.value"

    def __init__(self) -> None:
        super().__init__()
        self.mailboxes = Mailboxes(self._notify)
        self.roles = {"Calendars.ReadWrite"}  # what admin consent granted
        self.token_lifetime = 3599
        self.deliveries: list[tuple[str, dict[str, Any], int]] = []
        self._tokens: dict[str, float] = {}  # access token -> expiry (monotonic)
        self._subscriptions: dict[str, dict[str, Any]] = {}
        self._pages: dict[str, tuple[list[dict[str, Any]], str]] = {}
        self._deltas: dict[str, tuple[int, datetime, datetime]] = {}
        self._oldest_delta = 0
        self._numbers = itertools.count(1)
        user = r"/v1\.0/users/(?P<user>[^/]+)"
        event = user + r"/events/(?P<event>[^/]+)"
        self.route("POST", r"/login/(?P<tenant>[^/]+)/oauth2/v2\.0/token", "token", self._token)
        self.route("POST", user + r"/calendar/getSchedule", "getSchedule", self._schedule)
        self.route("GET", user + r"/calendar", "calendar.get", self._calendar)
        self.route("POST", user + r"/events", "events.create", self._create)
        self.route("GET", user + r"/events", "events.list", self._list)
        self.route("GET", event, "events.get", self._get)
        self.route("PATCH", event, "events.update", self._update)
        self.route("DELETE", event, "events.delete", self._delete)
        self.route("GET", user + r"/calendarView/delta", "calendarView.delta", self._delta)
        self.route("POST", r"/v1\.0/subscriptions", "subscriptions.create", self._subscribe)
        self.route(
            "PATCH", r"/v1\.0/subscriptions/(?P<id>[^/]+)", "subscriptions.update", self._renew
        )
        self.route(
            "DELETE",
            r"/v1\.0/subscriptions/(?P<id>[^/]+)",
            "subscriptions.delete",
            self._unsubscribe,
        )

    @property
    def login_url(self) -> str:
        return self.url + "login/"

    @property
    def graph_url(self) -> str:
        return self.url + "v1.0/"

    def error_body(self, status: int, reason: str, message: str) -> dict[str, Any]:
        return {
            "error": {
                "code": reason or str(status),
                "message": message,
                "innerError": {
                    "date": datetime.now(UTC).isoformat(),
                    "request-id": secrets.token_hex(8),
                },
            }
        }

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def expire_delta_tokens(self) -> None:
        with self._lock:
            self._oldest_delta = self.mailboxes.position()

    # ------------------------------------------------------------------ sign-in

    def _token(self, request: Request) -> Reply:
        form, tenant = request.form, request.match["tenant"]

        def refuse(status: int, error: str, code: int, text: str) -> Reply:
            return Reply(
                status,
                {
                    "error": error,
                    "error_description": f"AADSTS{code}: {text}\r\nTrace ID: {uuid.uuid4()}",
                    "error_codes": [code],
                    "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ"),
                },
            )

        if tenant != self.tenant_id:
            return refuse(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
        if form.get("grant_type") != "client_credentials":
            return refuse(
                400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
            )
        if form.get("client_id") != self.client_id:
            client = form.get("client_id")
            text = f"Application with identifier '{client}' was not found in the directory."
            return refuse(400, "unauthorized_client", 700016, text)
        if form.get("client_secret") != self.client_secret:
            return refuse(401, "invalid_client", 7000215, "Invalid client secret provided.")
        if form.get("scope") != GRAPH_DEFAULT_SCOPE:
            return refuse(
                400,
                "invalid_scope",
                1002012,
                "Client credential flows must have a scope value with /.default suffixed.",
            )
        now = int(time.time())
        claims = {
            "aud": "https://graph.microsoft.com",
            "iss": f"https://sts.windows.net/{self.tenant_id}/",
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "appid": self.client_id,
            "roles": sorted(self.roles),
            "tid": self.tenant_id,
        }
        token = f"{_b64({'typ': 'JWT', 'alg': 'RS256'})}.{_b64(claims)}.{secrets.token_urlsafe(32)}"
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_lifetime
        return Reply(
            200,
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": token,
            },
        )

    def _authorise(self, request: Request, *roles: str) -> str:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        with self._lock:
            valid = self._tokens.get(token, 0) > time.monotonic()
        if not valid:
            raise Refusal(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
            )
        if not self.roles & {"Calendars.ReadWrite", *roles}:
            raise Refusal(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
        return (
            self.mailboxes.mailbox(unquote(request.match["user"]))
            if "user" in request.match
            else ""
        )

    # ------------------------------------------------------------------ calendar

    def _calendar(self, request: Request) -> Reply:
        mailbox = self._authorise(request, "Calendars.Read")
        return Reply(
            200,
            {"id": f"AAMkADcalendar-{mailbox}", "name": "Calendar", "owner": {"address": mailbox}},
        )

    def _schedule(self, request: Request) -> Reply:
        self._authorise(request, "Calendars.Read")
        body = request.json or {}
        schedules = body.get("schedules") or body.get("Schedules") or []
        if len(schedules) > 20:
            raise Refusal(400, "ErrorInvalidParameter", "getSchedule supports up to 20 schedules.")
        start = datetime.fromisoformat(body["startTime"]["dateTime"]).replace(tzinfo=UTC)
        end = datetime.fromisoformat(body["endTime"]["dateTime"]).replace(tzinfo=UTC)
        if not timedelta(0) < end - start < timedelta(days=42):
            raise Refusal(
                400, "ErrorInvalidTimeInterval", "The time period must be less than 42 days."
            )
        interval = int(body.get("availabilityViewInterval", 30))
        value = [self.mailboxes.schedule(s, start, end, interval) for s in schedules]
        return Reply(
            200,
            {
                "@odata.context": f"{self.graph_url}$metadata#Collection(scheduleInformation)",
                "value": value,
            },
        )

    def _create(self, request: Request) -> Reply:
        mailbox = self._authorise(request)
        status, event = self.mailboxes.create(mailbox, request.json or {})
        return Reply(status, event)

    def _list(self, request: Request) -> Reply:
        mailbox = self._authorise(request, "Calendars.Read")
        wanted = request.params.get("$filter")
        if wanted is None:
            return Reply(200, {"value": self.mailboxes.events(mailbox)})
        match = _FILTER.fullmatch(wanted)
        if match is None:
            raise Refusal(
                400,
                "ErrorInvalidUrlQueryFilter",
                "The query filter contains one or more invalid nodes.",
            )
        found = self.mailboxes.find(mailbox, match["id"], match["value"].replace("''", "'"))
        return Reply(200, {"value": found})

    def _get(self, request: Request) -> Reply:
        mailbox = self._authorise(request, "Calendars.Read")
        return Reply(200, self.mailboxes.get(mailbox, request.match["event"]))

    def _update(self, request: Request) -> Reply:
        mailbox = self._authorise(request)
        return Reply(
            200, self.mailboxes.update(mailbox, request.match["event"], request.json or {})
        )

    def _delete(self, request: Request) -> Reply:
        mailbox = self._authorise(request)
        self.mailboxes.delete(mailbox, request.match["event"])
        return Reply(204)

    def _delta(self, request: Request) -> Reply:
        mailbox = self._authorise(request, "Calendars.Read")
        params = request.params
        base = f"{self.graph_url}users/{quote(mailbox)}/calendarView/delta"
        size_header = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("prefer", ""))
        size = int(size_header.group(1)) if size_header else 10
        with self._lock:
            if "$skiptoken" in params:
                if params["$skiptoken"] not in self._pages:
                    raise Refusal(400, "ErrorInvalidUrlQuery", "The skip token is not valid.")
                items, delta_token = self._pages.pop(params["$skiptoken"])
            else:
                if "$deltatoken" in params:
                    known = self._deltas.get(params["$deltatoken"])
                    if known is None or known[0] < self._oldest_delta:
                        raise Refusal(
                            410, "SyncStateNotFound", "The sync state generation is not found."
                        )
                    since, start, end = known
                else:
                    start = datetime.fromisoformat(params["startDateTime"].replace("Z", "+00:00"))
                    end = datetime.fromisoformat(params["endDateTime"].replace("Z", "+00:00"))
                    since = 0
                position = self.mailboxes.position()
                items = self.mailboxes.changes(mailbox, since, start, end)
                delta_token = f"d{next(self._numbers)}"
                self._deltas[delta_token] = (position, start, end)
            answer: dict[str, Any] = {
                "@odata.context": f"{self.graph_url}$metadata#Collection(event)",
                "value": items[:size],
            }
            if items[size:]:
                skip = f"s{next(self._numbers)}"
                self._pages[skip] = (items[size:], delta_token)
                answer["@odata.nextLink"] = f"{base}?$skiptoken={skip}"
            else:
                answer["@odata.deltaLink"] = f"{base}?$deltatoken={delta_token}"
        return Reply(200, answer)

    # ------------------------------------------------------------------ subscriptions

    def _subscribe(self, request: Request) -> Reply:
        self._authorise(request, "Calendars.Read")
        body = request.json or {}
        resource = str(body.get("resource", ""))
        found = re.fullmatch(r"/?users/([^/]+)/events", resource, re.IGNORECASE)
        if found is None:
            raise Refusal(400, "InvalidRequest", f"Unsupported resource '{resource}'.")
        mailbox = self.mailboxes.mailbox(unquote(found.group(1)))
        expires = datetime.fromisoformat(body["expirationDateTime"].replace("Z", "+00:00"))
        if expires > datetime.now(UTC) + timedelta(minutes=10080):
            raise Refusal(
                400,
                "InvalidRequest",
                "Subscription expiration can only be 10080 minutes in the future.",
            )
        if len(str(body.get("clientState", ""))) > 128:
            raise Refusal(400, "InvalidRequest", "clientState is longer than 128 characters.")
        token = secrets.token_urlsafe(24)
        status, answer = post(
            f"{body['notificationUrl']}?validationToken={quote(token)}",
            b"",
            {"Content-Type": "text/plain"},
        )
        if status != 200 or answer != token:
            raise Refusal(
                400,
                "ValidationError",
                "Subscription validation request failed. "
                "Response must exactly match validationToken query parameter.",
            )
        subscription = {
            "id": secrets.token_hex(16),
            "resource": resource,
            "applicationId": self.client_id,
            "changeType": body.get("changeType", ""),
            "clientState": body.get("clientState"),
            "notificationUrl": body["notificationUrl"],
            "expirationDateTime": body["expirationDateTime"],
            "latestSupportedTlsVersion": body.get("latestSupportedTlsVersion", "v1_2"),
        }
        with self._lock:
            self._subscriptions[subscription["id"]] = {**subscription, "mailbox": mailbox}
        return Reply(201, subscription)

    def _renew(self, request: Request) -> Reply:
        self._authorise(request, "Calendars.Read")
        with self._lock:
            subscription = self._subscriptions.get(request.match["id"])
            if subscription is None:
                raise Refusal(404, "ResourceNotFound", "The object was not found.")
            subscription["expirationDateTime"] = (request.json or {})["expirationDateTime"]
            return Reply(200, {k: v for k, v in subscription.items() if k != "mailbox"})

    def _unsubscribe(self, request: Request) -> Reply:
        self._authorise(request, "Calendars.Read")
        with self._lock:
            if self._subscriptions.pop(request.match["id"], None) is None:
                raise Refusal(404, "ResourceNotFound", "The object was not found.")
        return Reply(204)

    def _notify(self, mailbox: str, change: str, event_id: str) -> None:
        with self._lock:
            wanted = [
                s
                for s in self._subscriptions.values()
                if s["mailbox"] == mailbox and change in s["changeType"]
            ]
        for subscription in wanted:
            body = {
                "value": [
                    {
                        "subscriptionId": subscription["id"],
                        "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                        "changeType": change,
                        "resource": f"Users/{mailbox}/Events/{event_id}",
                        "resourceData": {
                            "@odata.type": "#Microsoft.Graph.Event",
                            "@odata.id": f"Users/{mailbox}/Events/{event_id}",
                            "id": event_id,
                        },
                        "clientState": subscription["clientState"],
                        "tenantId": self.tenant_id,
                    }
                ]
            }
            self._push(subscription["notificationUrl"], body)

    def _push(self, url: str, body: dict[str, Any]) -> None:
        def deliver() -> None:
            status, _ = post(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
            with self._lock:
                self.deliveries.append((url, body, status))

        threading.Thread(target=deliver, name="graph-push", daemon=True).start()
