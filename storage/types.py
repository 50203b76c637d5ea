"""Column types that keep the database honest about time.

SQLite has no time zone support: it hands back naive datetimes even for
`DateTime(timezone=True)`. Every datetime in loopbot is UTC, so this type
normalises on the way in (refuses naive values, converts aware ones to UTC)
and re-attaches UTC on the way out, on every backend alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: loopbot stores aware UTC datetimes only")
        value = value.astimezone(UTC)
        # SQLite compares datetimes as text, so store them without an offset suffix.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
