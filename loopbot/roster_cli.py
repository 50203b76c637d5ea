"""`loopbot roster import | export | sync`: the roster from a CSV file (people by Slack ID or
by email, resolved through Slack), or from Slack user groups through a mapping file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from slack_sdk import WebClient

from bot.directory import resolve_emails
from bot.planning.template_loader import load_templates
from bot.roster import RosterError, parse_roster, write_roster
from bot.roster_sync import MappingError, read_mapping, sync
from bot.settings import ConfigError, Settings
from loopbot.slack_directory import SlackDirectory

TOKEN_FIX = "set SLACK_BOT_TOKEN (xoxb-…) so loopbot can ask Slack; it needs users:read.email"


def roster_command(args, engine: Callable) -> int:
    """`engine` makes the (migrated) database engine."""
    from bot.people import export_roster, import_roster
    from storage.uow import UnitOfWork

    db = engine()  # migrated first: a bad file then leaves an empty, current schema
    settings = Settings.from_env(require_slack=False)
    templates = load_templates(settings.templates_file)
    if args.action == "import":
        text = _read(args.file)
        if text is None:
            return 2
        entries = parse_roster(
            text,
            known_roles=templates.roles,
            known_interview_types=templates.interview_types,
            source=str(args.file),
        )
        if any(not e.slack_user_id for e in entries):
            entries, problems = resolve_emails(entries, _directory(settings))
            if problems:
                raise RosterError(str(args.file), problems)
        with UnitOfWork(db) as uow:
            added, updated = import_roster(uow, entries, actor="cli", merge=args.merge)
            uow.commit()
        kept = " (everyone else unchanged)" if args.merge else ""
        print(f"roster: {added} added, {updated} updated, {len(entries)} in all{kept}")
        return 0
    if args.action == "sync":
        try:
            mapping = read_mapping(args.mapping, templates.roles, templates.interview_types)
            directory = _directory(settings)
            with UnitOfWork(db) as uow:
                report = sync(uow, directory, mapping, apply=args.apply, actor="cli")
                if args.apply:
                    uow.commit()
        except MappingError as error:
            print(f"loopbot: {error}", file=sys.stderr)
            return 2
        for line in report.lines():
            print(line)
        print(report.summary(applied=args.apply))
        return 0
    with UnitOfWork(db) as uow:
        csv_text = write_roster(export_roster(uow))
    if args.output:
        args.output.write_text(csv_text, encoding="utf-8")
    else:
        sys.stdout.write(csv_text)
    return 0


def _directory(settings: Settings) -> SlackDirectory:
    if not settings.bot_token:
        raise ConfigError("SLACK_BOT_TOKEN", "is not set", TOKEN_FIX)
    return SlackDirectory(WebClient(token=settings.bot_token, base_url=settings.api_url))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        print(f"loopbot: cannot read {path}: {error.strerror}", file=sys.stderr)
    except UnicodeDecodeError as error:
        byte = error.object[error.start]
        print(
            f"loopbot: cannot read {path}: not UTF-8 text (byte 0x{byte:02x} at offset "
            f"{error.start}); save it as CSV UTF-8",
            file=sys.stderr,
        )
    return None
