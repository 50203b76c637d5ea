"""`loopbot audit export`: the audit log as CSV or JSON, one event per row, oldest first."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from storage.models import AuditEvent

COLUMNS = ("id", "at", "actor", "action", "loop_id", "detail")


def _row(event: AuditEvent) -> dict:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "loop_id": event.loop_id,
        "detail": event.detail,
    }


def to_json(events: Sequence[AuditEvent]) -> str:
    return json.dumps([_row(e) for e in events], indent=2, sort_keys=True) + "\n"


def to_csv(events: Sequence[AuditEvent]) -> str:
    """`detail` is one JSON cell, so every event fits the same columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        row = _row(event)
        row["detail"] = json.dumps(row["detail"], sort_keys=True)
        row["loop_id"] = "" if row["loop_id"] is None else row["loop_id"]
        writer.writerow(row)
    return out.getvalue()
