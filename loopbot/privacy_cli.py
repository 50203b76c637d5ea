"""`loopbot candidate forget LOOP` and `loopbot audit export`: an operator's privacy tools."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path


def add_parsers(commands) -> None:
    candidate = commands.add_parser("candidate", help="a candidate's personal data")
    actions = candidate.add_subparsers(dest="action", required=True)
    forget = actions.add_parser(
        "forget", help="erase a closed loop's personal data (name, email, notes, accommodations)"
    )
    forget.add_argument("loop", type=int, help="the loop's number (shown in its thread)")
    audit = commands.add_parser("audit", help="the audit log")
    audit_actions = audit.add_subparsers(dest="action", required=True)
    export = audit_actions.add_parser("export", help="write the audit log as CSV or JSON")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--since", type=_day, help="first day, YYYY-MM-DD (default: all)")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")


def run(args, engine, config) -> int:
    from bot.audit_export import to_csv, to_json
    from bot.erasure import forget
    from storage.uow import UnitOfWork

    if args.command == "candidate":
        with UnitOfWork(engine) as uow:
            said = forget(config, uow, args.loop, "cli", datetime.now(UTC))
            uow.commit()
        print(said)
        return 0
    with UnitOfWork(engine) as uow:
        events = uow.privacy.audit(args.since)
    text = to_json(events) if args.format == "json" else to_csv(events)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _day(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-01") from None
