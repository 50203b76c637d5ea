"""The Google Calendar stand-in's state: users, calendars, Events resources and their changes.

Events follow the reference's semantics where loopbot depends on them: a client-chosen id must be
base32hex, 5-1024 characters, and unique per calendar (409 `duplicate`, also after a delete);
`events.delete` leaves the event as `status: cancelled` (a second delete is 410 `deleted`);
`events.patch` merges (attendees keep their answers unless given new ones; a conference request
with a request id seen before is ignored); every change gets a new position in the calendar's
change log, which `events.list` pages through and sync tokens point into.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from tests.standins.http_standin import Refusal

MAX_PAGE = 2500


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class CalendarStore:
    def __init__(self, notify: Callable[[Iterable[str]], None]):
        self._notify = notify
        self._lock = threading.RLock()
        self.users: set[str] = set()
        self.groups: dict[str, list[str]] = {}
        self.unreadable: dict[str, str] = {}  # calendar -> freebusy error reason
        self._busy: dict[str, list[tuple[datetime, datetime]]] = {}
        self._events: dict[str, dict[str, dict[str, Any]]] = {}  # calendar -> id -> resource
        self._changed: dict[str, dict[str, int]] = {}  # calendar -> id -> change position
        self._position = itertools.count(1)
        self._oldest_valid_sync = 0
        self._pages: dict[str, tuple[list[dict[str, Any]], str]] = {}
        self._page_numbers = itertools.count(1)

    # ------------------------------------------------------------------ set-up

    def add_user(self, email: str) -> None:
        with self._lock:
            self.users.add(email)
            self._events.setdefault(email, {})
            self._changed.setdefault(email, {})
            self._busy.setdefault(email, [])

    def add_busy(self, calendar: str, start: datetime, end: datetime) -> None:
        """A meeting of the person's own (not loopbot's) in their calendar."""
        with self._lock:
            self.add_user(calendar)
            self._busy[calendar].append((start.astimezone(UTC), end.astimezone(UTC)))

    def expire_sync_tokens(self) -> None:
        with self._lock:
            self._oldest_valid_sync = next(self._position)

    # ------------------------------------------------------------------ free/busy

    def free_busy(self, calendar: str, start: datetime, end: datetime) -> dict[str, Any]:
        with self._lock:
            if calendar in self.unreadable:
                return {"errors": [{"domain": "global", "reason": self.unreadable[calendar]}]}
            if calendar not in self._busy:
                return {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
            blocks = list(self._busy[calendar])
            for owner, events in self._events.items():
                for event in events.values():
                    if self._blocks(event, owner, calendar):
                        blocks.append(
                            (
                                _instant(event["start"]["dateTime"]),
                                _instant(event["end"]["dateTime"]),
                            )
                        )
        inside = sorted((max(s, start), min(e, end)) for s, e in blocks if s < end and e > start)
        merged: list[list[datetime]] = []
        for s, e in inside:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return {"busy": [{"start": _z(s), "end": _z(e)} for s, e in merged]}

    @staticmethod
    def _blocks(event: dict[str, Any], owner: str, calendar: str) -> bool:
        if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
            return False
        if owner == calendar:
            return True
        for attendee in event.get("attendees", []):
            if attendee["email"].lower() == calendar.lower():
                return attendee.get("responseStatus") != "declined"
        return False

    # ------------------------------------------------------------------ events API

    def insert(self, calendar: str, body: dict[str, Any], with_conference: bool) -> dict[str, Any]:
        with self._lock:
            event_id = body.get("id") or hashlib.sha1(repr(body).encode()).hexdigest()[:26]
            if re.fullmatch(r"[0-9a-v]{5,1024}", event_id) is None:
                raise Refusal(400, "invalid", "Invalid resource id value.")
            if event_id in self._events[calendar]:
                raise Refusal(409, "duplicate", "The requested identifier already exists.")
            now = _now()
            event: dict[str, Any] = {
                "kind": "calendar#event",
                "id": event_id,
                "status": "confirmed",
                "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
                "created": now,
                "creator": {"email": calendar, "self": True},
                "organizer": {"email": calendar, "self": True},
                "iCalUID": f"{event_id}@google.com",
                "sequence": 0,
                "reminders": {"useDefault": True},
                "eventType": "default",
            }
            fields = {
                k: v for k, v in body.items() if k not in ("id", "conferenceData", "attendees")
            }
            event.update(copy.deepcopy(fields))
            event["attendees"] = self._attendees(calendar, body.get("attendees", []), [])
            if with_conference:
                self._conference(event, body.get("conferenceData"))
            self._events[calendar][event_id] = event
            self._touch(calendar, event_id, now)
            answer = copy.deepcopy(event)
        self._notify([calendar])
        return answer

    def get(self, calendar: str, event_id: str) -> dict[str, Any]:
        with self._lock:
            event = self._events[calendar].get(event_id)
            if event is None:
                raise Refusal(404, "notFound", "Not Found")
            return copy.deepcopy(event)

    def patch(
        self, calendar: str, event_id: str, changes: dict[str, Any], with_conference: bool
    ) -> dict[str, Any]:
        with self._lock:
            event = self._events[calendar].get(event_id)
            if event is None:
                raise Refusal(404, "notFound", "Not Found")
            moved = any(
                name in changes and changes[name] != event.get(name) for name in ("start", "end")
            )
            for name, value in changes.items():
                if name == "attendees":
                    event["attendees"] = self._attendees(
                        calendar, value, event.get("attendees", [])
                    )
                elif name == "conferenceData":
                    if with_conference:
                        self._conference(event, value)
                elif name == "extendedProperties":
                    for scope, values in value.items():
                        event.setdefault(name, {}).setdefault(scope, {}).update(values)
                elif name not in ("id", "iCalUID", "organizer", "creator", "created"):
                    event[name] = copy.deepcopy(value)
            if moved:
                event["sequence"] = event.get("sequence", 0) + 1
            self._touch(calendar, event_id, _now())
            answer = copy.deepcopy(event)
        self._notify([calendar])
        return answer

    def delete(self, calendar: str, event_id: str) -> None:
        with self._lock:
            event = self._events[calendar].get(event_id)
            if event is None:
                raise Refusal(404, "notFound", "Not Found")
            if event["status"] == "cancelled":
                raise Refusal(410, "deleted", "Resource has been deleted")
            event["status"] = "cancelled"
            self._touch(calendar, event_id, _now())
        self._notify([calendar])

    def list(self, calendar: str, params: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            if "pageToken" in params:
                if params["pageToken"] not in self._pages:
                    raise Refusal(400, "invalid", "Invalid page token value.")
                items, sync_token = self._pages.pop(params["pageToken"])
            else:
                items, sync_token = self._changes(calendar, params)
            size = min(int(params.get("maxResults", 250)), MAX_PAGE)
            answer: dict[str, Any] = {
                "kind": "calendar#events",
                "summary": calendar,
                "updated": _now(),
                "timeZone": "UTC",
                "accessRole": "owner",
                "defaultReminders": [],
                "items": items[:size],
            }
            if items[size:]:
                token = f"page-{next(self._page_numbers)}"
                self._pages[token] = (items[size:], sync_token)
                answer["nextPageToken"] = token
            else:
                answer["nextSyncToken"] = sync_token
            return answer

    def _changes(self, calendar: str, params: dict[str, str]) -> tuple[list[dict[str, Any]], str]:
        now = next(self._position)
        changed = self._changed[calendar]
        events = self._events[calendar]
        if "syncToken" in params:
            match = re.fullmatch(r"sync-(\d+)", params["syncToken"])
            since = int(match.group(1)) if match else -1
            if since < self._oldest_valid_sync:
                raise Refusal(
                    410,
                    "fullSyncRequired",
                    "Sync token is no longer valid, a full sync is required.",
                )
            ids = sorted((p, i) for i, p in changed.items() if p > since)
            items = [
                {"kind": "calendar#event", "id": i, "status": "cancelled"}
                if events[i]["status"] == "cancelled"  # deleted events come back bare
                else copy.deepcopy(events[i])
                for _, i in ids
            ]
        else:
            show_deleted = params.get("showDeleted") == "true"
            items = [
                copy.deepcopy(e)
                for e in events.values()
                if show_deleted or e["status"] != "cancelled"
            ]
            if "updatedMin" in params:
                floor = _instant(params["updatedMin"])
                items = [e for e in items if _instant(e["updated"]) >= floor]
        return items, f"sync-{now}"

    # ------------------------------------------------------------------ people acting by hand

    def find(self, event_id: str) -> tuple[str, dict[str, Any]]:
        with self._lock:
            for calendar, events in self._events.items():
                if event_id in events:
                    return calendar, events[event_id]
        raise KeyError(event_id)

    def respond(self, attendee: str, event_id: str, answer: str) -> None:
        """`attendee` answers the invitation in their calendar (accepted, declined, tentative)."""
        with self._lock:
            calendar, event = self.find(event_id)
            for entry in event.get("attendees", []):
                if entry["email"].lower() == attendee.lower():
                    entry["responseStatus"] = answer
                    break
            else:
                raise KeyError(f"{attendee} is not invited to {event_id}")
            self._touch(calendar, event_id, _now())
        self._notify([calendar])

    def move(self, event_id: str, start: datetime, end: datetime) -> None:
        with self._lock:
            calendar, event = self.find(event_id)
            event["start"] = {"dateTime": _z(start), "timeZone": "UTC"}
            event["end"] = {"dateTime": _z(end), "timeZone": "UTC"}
            event["sequence"] = event.get("sequence", 0) + 1
            self._touch(calendar, event_id, _now())
        self._notify([calendar])

    def remove(self, event_id: str) -> None:
        calendar, _ = self.find(event_id)
        self.delete(calendar, event_id)

    def events(self, calendar: str, *, deleted: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(e)
                for e in self._events.get(calendar, {}).values()
                if deleted or e["status"] != "cancelled"
            ]

    # ------------------------------------------------------------------ internals

    def _touch(self, calendar: str, event_id: str, now: str) -> None:
        event = self._events[calendar][event_id]
        event["updated"] = now
        position = next(self._position)
        event["etag"] = f'"{position}"'
        self._changed[calendar][event_id] = position

    @staticmethod
    def _attendees(
        organizer: str, wanted: list[dict[str, Any]], before: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        answers = {a["email"].lower(): a.get("responseStatus", "needsAction") for a in before}
        result = []
        for entry in wanted:
            email = entry["email"]
            attendee = {
                **entry,
                "responseStatus": entry.get("responseStatus")
                or answers.get(email.lower(), "needsAction"),
            }
            if email.lower() == organizer.lower():
                attendee.update(organizer=True, self=True, responseStatus="accepted")
            result.append(attendee)
        return result

    @staticmethod
    def _conference(event: dict[str, Any], data: dict[str, Any] | None) -> None:
        request = (data or {}).get("createRequest")
        if not request:
            return
        existing = (event.get("conferenceData") or {}).get("createRequest", {})
        if existing.get("requestId") == request.get("requestId"):
            return  # the reference: a repeated request id is ignored
        if request.get("conferenceSolutionKey", {}).get("type") != "hangoutsMeet":
            raise Refusal(400, "invalid", "Invalid conference type value.")
        digest = hashlib.sha1(f"{event['id']}{request['requestId']}".encode()).hexdigest()
        letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in digest[:10])
        code = f"{letters[:3]}-{letters[3:7]}-{letters[7:10]}"
        uri = f"https://meet.google.com/{code}"
        event["conferenceData"] = {
            "createRequest": {**request, "status": {"statusCode": "success"}},
            "entryPoints": [
                {"entryPointType": "video", "uri": uri, "label": f"meet.google.com/{code}"}
            ],
            "conferenceSolution": {
                "key": {"type": "hangoutsMeet"},
                "name": "Google Meet",
                "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
            },
            "conferenceId": code,
        }
        event["hangoutLink"] = uri
