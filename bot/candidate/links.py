"""Signed, expiring links to a candidate's page: one per loop and stage.

itsdangerous signs `{"l": loop_id, "s": stage_id}` with `LOOPBOT_SECRET_KEY` and a salt of
its own, and stamps the time; a link older than `max_age` is expired. A wrong or tampered
token is `BadLink`, an old one `ExpiredLink`: the page answers both with a friendly 4xx and
never says whose it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "loopbot.candidate-page"
PATH = "/c/"


class BadLink(Exception):
    pass


class ExpiredLink(BadLink):
    pass


@dataclass(frozen=True)
class LinkTarget:
    loop_id: int
    stage_id: int


class CandidateLinks:
    def __init__(self, secret: str, base_url: str, max_age: timedelta = timedelta(days=21)):
        self.serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.base_url = base_url.rstrip("/")
        self.max_age = max_age

    def token(self, loop_id: int, stage_id: int, now: datetime) -> str:
        # itsdangerous reads the clock itself; a movable clock (demo, tests) is honoured by
        # signing at `now` through a signer that is told the time.
        signer = self.serializer.make_signer(SALT)
        payload = self.serializer.dump_payload({"l": loop_id, "s": stage_id})
        return _at(signer, now).sign(payload).decode("ascii")

    def url(self, loop_id: int, stage_id: int, now: datetime) -> str:
        return f"{self.base_url}{PATH}{self.token(loop_id, stage_id, now)}"

    def expires(self, now: datetime) -> datetime:
        return now + self.max_age

    def read(self, token: str, now: datetime) -> LinkTarget:
        signer = _at(self.serializer.make_signer(SALT), now)
        try:
            payload = signer.unsign(token, max_age=int(self.max_age.total_seconds()))
            data = self.serializer.load_payload(payload)
        except SignatureExpired as error:
            raise ExpiredLink("the link has expired") from error
        except (BadSignature, UnicodeError, ValueError) as error:
            raise BadLink("the link is not valid") from error
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("l"), int)
            or not isinstance(data.get("s"), int)
        ):
            raise BadLink("the link is not valid")
        return LinkTarget(data["l"], data["s"])


def _at(signer, now: datetime):
    """The signer with its clock set to `now` (itsdangerous asks `get_timestamp()`)."""
    signer.get_timestamp = lambda: int(now.timestamp())
    return signer
