"""`loopbot` — serve, demo, db, roster."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.errors import LoopbotError
from bot.planning.templates import TemplateError, load_templates
from bot.roster import RosterError, parse_roster, write_roster
from bot.settings import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="loopbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the bot (HTTP on $PORT, or Socket Mode)")
    serve.add_argument("--host", default="0.0.0.0")
    demo = commands.add_parser("demo", help="the whole product on a fake Slack, no tokens")
    demo.add_argument("--verbose", action="store_true", help="also print the bot's logs")
    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    roster = commands.add_parser("roster", help="the interviewer roster (CSV)")
    roster_actions = roster.add_subparsers(dest="action", required=True)
    imp = roster_actions.add_parser("import", help="replace the roster with a CSV file")
    imp.add_argument("file", type=Path)
    exp = roster_actions.add_parser("export", help="write the roster as CSV")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)

    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "demo":
            from loopbot.demo import run_demo

            return run_demo(verbose=args.verbose)
        if args.command == "db":
            return _db(args)
        return _roster(args)
    except (ConfigError, TemplateError, RosterError) as error:
        print(f"loopbot: {error}", file=sys.stderr)
        return 2
    except LoopbotError as error:
        print(f"loopbot: {error}", file=sys.stderr)
        return 1


def _serve(args) -> int:
    settings = Settings.from_env()  # a config error is one line, before any logging starts
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from loopbot.runtime import Runtime

    runtime = Runtime(settings)
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


def _roster(args) -> int:
    from bot.people import export_roster, import_roster
    from storage.uow import UnitOfWork

    engine = _engine()
    if args.action == "import":
        templates = load_templates(Settings.from_env(require_slack=False).templates_file)
        try:
            text = args.file.read_text(encoding="utf-8-sig")
        except OSError as error:
            print(f"loopbot: cannot read {args.file}: {error.strerror}", file=sys.stderr)
            return 2
        entries = parse_roster(
            text,
            known_roles=templates.roles,
            known_interview_types=templates.interview_types,
            source=str(args.file),
        )
        with UnitOfWork(engine) as uow:
            added, updated = import_roster(uow, entries, actor="cli")
            uow.commit()
        print(f"roster: {added} added, {updated} updated, {len(entries)} in all")
        return 0
    with UnitOfWork(engine) as uow:
        csv_text = write_roster(export_roster(uow))
    if args.output:
        args.output.write_text(csv_text, encoding="utf-8")
    else:
        sys.stdout.write(csv_text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
