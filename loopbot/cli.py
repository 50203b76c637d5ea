"""`loopbot` — serve, demo, db, roster, insights, outbox, candidate forget, audit export."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.exc import OperationalError

from bot.calendars.factory import make_calendar
from bot.errors import LoopbotError
from bot.planning.template_loader import load_templates
from bot.planning.template_source import TemplateError
from bot.roster import RosterError
from bot.settings import ConfigError, Settings
from loopbot.calendar_start import check_calendar
from loopbot.privacy_cli import add_parsers as add_privacy_parsers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="loopbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the bot (HTTP on $PORT, or Socket Mode)")
    serve.add_argument("--host", default="0.0.0.0")
    demo = commands.add_parser("demo", help="the whole product on a fake Slack, no tokens")
    demo.add_argument("--verbose", action="store_true", help="also print the bot's logs")
    demo.add_argument(
        "--charts", type=Path, help="directory for the insights charts (default: a new temp dir)"
    )
    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    roster = commands.add_parser("roster", help="the interviewer roster (CSV)")
    roster_actions = roster.add_subparsers(dest="action", required=True)
    imp = roster_actions.add_parser(
        "import", help="replace the roster with a CSV file (rows may give an email, not an ID)"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--merge", action="store_true", help="update only the people listed")
    sync = roster_actions.add_parser(
        "sync", help="Slack user groups as teams, roles and interview types (dry run by default)"
    )
    sync.add_argument("mapping", type=Path, help="TOML: [groups.<handle>] teams, roles, ...")
    sync.add_argument("--apply", action="store_true", help="change the roster, not just report")
    exp = roster_actions.add_parser("export", help="write the roster as CSV")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    insights = commands.add_parser(
        "insights", help="time to schedule, pass-through, feedback and load, as CSV or JSON"
    )
    insights.add_argument("--format", choices=["csv", "json"], default="csv")
    where = insights.add_mutually_exclusive_group()
    where.add_argument("--team", default="", help="one team's loops and people")
    where.add_argument("--pool", default="", help="one hiring pool's loops and people")
    insights.add_argument("--since", type=_day, help="first day, YYYY-MM-DD (default: 30 days)")
    insights.add_argument("--until", type=_day, help="last day, included (default: today)")
    insights.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    outbox = commands.add_parser("outbox", help="undelivered messages and dead letters")
    outbox_actions = outbox.add_subparsers(dest="action", required=True)
    outbox_actions.add_parser("list", help="dead letters and the oldest undelivered messages")
    retry = outbox_actions.add_parser("retry", help="send dead letters again")
    retry.add_argument("ids", nargs="*", type=int, help="outbox ids (default: every dead letter)")
    dismiss = outbox_actions.add_parser("dismiss", help="give up on dead letters for good")
    dismiss.add_argument("ids", nargs="*", type=int, help="outbox ids (default: every one)")
    add_privacy_parsers(commands)
    args = parser.parse_args(argv)

    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "demo":
            from loopbot.demo.script import run_demo

            return run_demo(verbose=args.verbose, charts=args.charts)
        if args.command == "db":
            return _db(args)
        if args.command == "outbox":
            from loopbot.outbox_cli import outbox_command

            return outbox_command(args, _engine())
        if args.command == "insights":
            return _insights(args)
        if args.command in ("candidate", "audit"):
            return _privacy(args)
        from loopbot.roster_cli import roster_command

        return roster_command(args, _engine)
    except OperationalError as error:
        # Unreachable, refused, bad credentials, no such database: say which setting to fix.
        print(f"loopbot: {database_unreachable(error)}", file=sys.stderr)
        return 2
    except (ConfigError, TemplateError, RosterError) as error:
        print(f"loopbot: {error}", file=sys.stderr)
        return 2
    except LoopbotError as error:
        print(f"loopbot: {error}", file=sys.stderr)
        return 1


def database_unreachable(error: OperationalError) -> ConfigError:
    cause = str(error.orig or error).strip().splitlines()
    detail = cause[0] if cause else type(error).__name__
    return ConfigError(
        "DATABASE_URL",
        f"cannot be reached ({detail[:200]})",
        "check the host, port, database name and credentials, and that the server is up",
    )


def _serve(args) -> int:
    settings = Settings.from_env()  # a config error is one line, before any logging starts
    # The calendar too, before the database is touched: its settings, and its provider's
    # answer to loopbot's credentials (loopbot/calendar_start.py).
    calendar = make_calendar(settings)
    check_calendar(calendar)
    from loopbot.logs import configure_logging
    from loopbot.runtime import Runtime

    configure_logging(settings.log_format)

    runtime = Runtime(settings, calendar=calendar)
    try:
        runtime.serve_forever(host=args.host)
    except KeyboardInterrupt:
        pass
    finally:
        runtime.stop()
    return 0


def _engine(*, migrate: bool = True):
    from storage.db import make_engine, upgrade

    engine = make_engine(Settings.from_env(require_slack=False).database_url)
    if migrate:
        upgrade(engine)
    return engine


def _db(args) -> int:
    from storage.db import current_revision

    # `current` only looks; `upgrade` migrates to the newest revision.
    engine = _engine(migrate=args.action == "upgrade")
    print(f"schema at revision {current_revision(engine) or '(none: run loopbot db upgrade)'}")
    return 0


def _privacy(args) -> int:
    from bot.loops.config import LoopConfig
    from loopbot.privacy_cli import run

    settings = Settings.from_env(require_slack=False)
    templates = load_templates(settings.templates_file)
    config = LoopConfig(templates, settings.recruiting_channel, settings.default_tz)
    return run(args, _engine(), config)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-10-01") from None


def _insights(args) -> int:
    """The figures /loop-insights shows, for a spreadsheet: days are whole days in
    LOOPBOT_DEFAULT_TZ."""
    from bot.insights import Scope
    from bot.insights.export import to_csv, to_json
    from bot.insights.period import dates
    from bot.insights.read import gather, pool_scope, team_scope
    from storage.uow import UnitOfWork

    settings = Settings.from_env(require_slack=False)
    templates = load_templates(settings.templates_file)
    engine = _engine()
    now = datetime.now(UTC)
    until = args.until or now.astimezone(ZoneInfo(settings.default_tz)).date()
    since = args.since or until - timedelta(days=29)
    if since > until:
        print(f"loopbot: --since {since} is after --until {until}", file=sys.stderr)
        return 2
    with UnitOfWork(engine) as uow:
        if args.pool:
            scope = pool_scope(templates, args.pool)
        elif args.team:
            scope = team_scope(uow, templates, args.team)
        else:
            scope = Scope()
        figures = gather(
            uow,
            templates,
            dates(since, until, settings.default_tz),
            scope,
            now,
            default_tz=settings.default_tz,
            overdue_after=timedelta(hours=settings.feedback_escalation_hours),
        )
    text = to_json(figures) if args.format == "json" else to_csv(figures)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
