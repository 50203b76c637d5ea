"""The Microsoft Graph stand-in's state: mailboxes, their own meetings, event resources, changes.

Event resources follow the v1.0 reference where loopbot depends on it: `transactionId` makes a
repeated POST answer with the event the first one created; attendees start at
`status.response: none` and keep their answers across a PATCH; `isOnlineMeeting` with
`teamsForBusiness` gives `onlineMeeting.joinUrl`; singleValueExtendedProperties are returned
only when expanded; each change gets a position in the mailbox's change log for delta queries.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.standins.http_standin import Refusal


def graph_time(moment: datetime) -> dict[str, str]:
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return {"dateTime": naive.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"}


def read_time(value: dict[str, str]) -> datetime:
    text = value["dateTime"]
    whole = text.split(".")[0]
    return datetime.fromisoformat(whole).replace(tzinfo=UTC)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


class Mailboxes:
    def __init__(self, notify: Callable[[str, str, str], None]):
        self._notify = notify  # (mailbox, change type, event id)
        self._lock = threading.RLock()
        self.users: set[str] = set()
        self.unreadable: dict[str, str] = {}  # mailbox -> responseCode of a schedule error
        self._own: dict[str, list[tuple[datetime, datetime, str]]] = {}  # their own meetings
        self._events: dict[str, dict[str, dict[str, Any]]] = {}
        self._properties: dict[str, list[dict[str, str]]] = {}  # event id -> extended props
        self._changes: dict[str, dict[str, int]] = {}  # mailbox -> event id -> position
        self._removed: dict[str, dict[str, int]] = {}
        self._position = itertools.count(1)
        self._ids = itertools.count(1)

    def add_user(self, address: str) -> None:
        address = address.lower()
        with self._lock:
            self.users.add(address)
            self._own.setdefault(address, [])
            self._events.setdefault(address, {})
            self._changes.setdefault(address, {})
            self._removed.setdefault(address, {})

    def add_busy(self, address: str, start: datetime, end: datetime, status: str = "busy") -> None:
        with self._lock:
            self.add_user(address)
            self._own[address.lower()].append((start.astimezone(UTC), end.astimezone(UTC), status))

    def mailbox(self, address: str) -> str:
        address = address.lower()
        if address not in self.users:
            raise Refusal(404, "ErrorInvalidUser", f"The requested user '{address}' is invalid.")
        return address

    # ------------------------------------------------------------------ getSchedule

    def schedule(self, address: str, start: datetime, end: datetime, interval: int) -> dict:
        address = address.lower()
        with self._lock:
            if address in self.unreadable or address not in self.users:
                code = self.unreadable.get(address, "ErrorMailRecipientNotFound")
                message = "The specified object was not found in the store."
                return {
                    "scheduleId": address,
                    "availabilityView": "",
                    "error": {"message": message, "responseCode": code},
                }
            items = [(s, e, status, False) for s, e, status in self._own[address]]
            for owner, events in self._events.items():
                for event in events.values():
                    status = self._blocks(event, owner, address)
                    if status:
                        items.append(
                            (read_time(event["start"]), read_time(event["end"]), status, True)
                        )
        items = sorted(i for i in items if i[0] < end and i[1] > start)
        step = timedelta(minutes=interval)
        view = ["0"] * math.ceil((end - start) / step)
        digits = {"free": "0", "tentative": "1", "busy": "2", "oof": "3", "workingElsewhere": "4"}
        for item_start, item_end, status, _ in items:
            first = max(0, math.floor((item_start - start) / step))
            last = min(len(view), math.ceil((item_end - start) / step))
            for slot in range(first, last):
                view[slot] = max(view[slot], digits.get(status, "2"))
        return {
            "scheduleId": address,
            "availabilityView": "".join(view),
            "scheduleItems": [
                {
                    "isPrivate": False,
                    "status": status,
                    "subject": "Interview" if ours else "Busy",
                    "location": "",
                    "isMeeting": ours,
                    "isRecurring": False,
                    "isException": False,
                    "isReminderSet": True,
                    "start": graph_time(s),
                    "end": graph_time(e),
                }
                for s, e, status, ours in items
            ],
            "workingHours": {
                "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                "startTime": "08:00:00.0000000",
                "endTime": "17:00:00.0000000",
                "timeZone": {"name": "UTC"},
            },
        }

    @staticmethod
    def _blocks(event: dict[str, Any], owner: str, address: str) -> str | None:
        if event.get("isCancelled") or event.get("showAs") == "free":
            return None
        if owner == address:
            return event.get("showAs", "busy")
        for attendee in event.get("attendees", []):
            if attendee["emailAddress"]["address"].lower() == address:
                answer = attendee["status"]["response"]
                return None if answer == "declined" else event.get("showAs", "busy")
        return None

    # ------------------------------------------------------------------ events

    def create(self, mailbox: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            transaction = body.get("transactionId")
            if transaction:
                for event in self._events[mailbox].values():
                    if event.get("transactionId") == transaction:
                        return 201, self._view(event)  # the documented dedupe of a retried POST
            number = next(self._ids)
            event_id = f"AAMkADstandin{number:06d}AAA="
            now = _now()
            event: dict[str, Any] = {
                "@odata.etag": f'W/"{number}"',
                "id": event_id,
                "createdDateTime": now,
                "iCalUId": "040000008200E00074C5B7101A82E008"
                + hashlib.sha1(event_id.encode()).hexdigest(),
                "isCancelled": False,
                "isOrganizer": True,
                "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
                "type": "singleInstance",
                "webLink": f"https://outlook.office365.com/owa/?itemid={event_id}",
                "organizer": {"emailAddress": {"name": mailbox, "address": mailbox}},
                "showAs": "busy",
                "isOnlineMeeting": False,
                "onlineMeetingProvider": "unknown",
                "onlineMeeting": None,
            }
            self._properties[event_id] = list(body.get("singleValueExtendedProperties", []))
            self._apply(
                event, {k: v for k, v in body.items() if k != "singleValueExtendedProperties"}
            )
            self._events[mailbox][event_id] = event
            self._touch(mailbox, event_id)
            answer = self._view(event)
        self._notify(mailbox, "created", event_id)
        return 201, answer

    def get(self, mailbox: str, event_id: str, expand: bool = False) -> dict[str, Any]:
        with self._lock:
            event = self._event(mailbox, event_id)
            return self._view(event, expand)

    def update(self, mailbox: str, event_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            event = self._event(mailbox, event_id)
            if "transactionId" in changes and changes["transactionId"] != event.get(
                "transactionId"
            ):
                raise Refusal(400, "ErrorInvalidRequest", "transactionId cannot be changed.")
            self._apply(event, changes)
            self._touch(mailbox, event_id)
            answer = self._view(event)
        self._notify(mailbox, "updated", event_id)
        return answer

    def delete(self, mailbox: str, event_id: str) -> None:
        with self._lock:
            self._event(mailbox, event_id)
            del self._events[mailbox][event_id]
            self._changes[mailbox].pop(event_id, None)
            self._removed[mailbox][event_id] = next(self._position)
        self._notify(mailbox, "deleted", event_id)

    def find(self, mailbox: str, property_id: str, value: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                self._view(e)
                for e in self._events[mailbox].values()
                if {"id": property_id, "value": value} in self._properties.get(e["id"], [])
            ]

    def changes(self, mailbox: str, since: int, start: datetime, end: datetime) -> list[dict]:
        with self._lock:
            items = [
                self._view(self._events[mailbox][event_id])
                for event_id, position in sorted(self._changes[mailbox].items(), key=lambda p: p[1])
                if position > since
                and read_time(self._events[mailbox][event_id]["start"]) < end
                and read_time(self._events[mailbox][event_id]["end"]) > start
            ]
            if since:
                items += [
                    {
                        "@odata.type": "#microsoft.graph.event",
                        "id": event_id,
                        "@removed": {"reason": "deleted"},
                    }
                    for event_id, position in self._removed[mailbox].items()
                    if position > since
                ]
            return items

    def position(self) -> int:
        return next(self._position)

    # ------------------------------------------------------------------ people acting by hand

    def owner_of(self, event_id: str) -> str:
        with self._lock:
            for mailbox, events in self._events.items():
                if event_id in events:
                    return mailbox
        raise KeyError(event_id)

    def respond(self, attendee: str, event_id: str, answer: str) -> None:
        """`attendee` answers in Outlook: accepted, tentativelyAccepted or declined."""
        mailbox = self.owner_of(event_id)
        with self._lock:
            event = self._events[mailbox][event_id]
            for entry in event.get("attendees", []):
                if entry["emailAddress"]["address"].lower() == attendee.lower():
                    entry["status"] = {"response": answer, "time": _now()}
                    break
            else:
                raise KeyError(f"{attendee} is not invited to {event_id}")
            self._touch(mailbox, event_id)
        self._notify(mailbox, "updated", event_id)

    def move(self, event_id: str, start: datetime, end: datetime) -> None:
        mailbox = self.owner_of(event_id)
        self.update(mailbox, event_id, {"start": graph_time(start), "end": graph_time(end)})

    def remove(self, event_id: str) -> None:
        self.delete(self.owner_of(event_id), event_id)

    def events(self, mailbox: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                self._view(e, expand=True) for e in self._events.get(mailbox.lower(), {}).values()
            ]

    # ------------------------------------------------------------------ internals

    def _event(self, mailbox: str, event_id: str) -> dict[str, Any]:
        event = self._events[mailbox].get(event_id)
        if event is None:
            raise Refusal(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        return event

    def _view(self, event: dict[str, Any], expand: bool = False) -> dict[str, Any]:
        view = copy.deepcopy(event)
        if expand:
            view["singleValueExtendedProperties"] = copy.deepcopy(
                self._properties.get(event["id"], [])
            )
        return view

    def _touch(self, mailbox: str, event_id: str) -> None:
        event = self._events[mailbox][event_id]
        event["lastModifiedDateTime"] = _now()
        position = next(self._position)
        event["changeKey"] = f"standin{position}"
        event["@odata.etag"] = f'W/"standin{position}"'
        self._changes[mailbox][event_id] = position

    @staticmethod
    def _apply(event: dict[str, Any], changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if name == "attendees":
                before = {
                    a["emailAddress"]["address"].lower(): a["status"]
                    for a in event.get("attendees", [])
                }
                event["attendees"] = [
                    {
                        "type": a.get("type", "required"),
                        "status": before.get(
                            a["emailAddress"]["address"].lower(),
                            {"response": "none", "time": "0001-01-01T00:00:00Z"},
                        ),
                        "emailAddress": dict(a["emailAddress"]),
                    }
                    for a in value
                ]
            elif name == "body":
                event["body"] = {
                    "contentType": value.get("contentType", "html"),
                    "content": value.get("content", ""),
                }
                event["bodyPreview"] = value.get("content", "")[:255]
            else:
                event[name] = copy.deepcopy(value)
        if (
            event.get("isOnlineMeeting")
            and event.get("onlineMeetingProvider") == "teamsForBusiness"
        ):
            if not event.get("onlineMeeting"):
                digest = hashlib.sha1(event["id"].encode()).hexdigest()
                event["onlineMeeting"] = {
                    "joinUrl": f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{digest}%40thread.v2/0"
                }
        elif not event.get("isOnlineMeeting"):
            event["onlineMeeting"] = None
