"""`loopbot outbox list | retry [IDS] | dismiss [IDS]`: what an operator does about dead
letters (after fixing their cause: inviting the bot to a channel, a new token...)."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.outbox import DUE_AT_ONCE
from storage.uow import UnitOfWork


def outbox_command(args, engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        if args.action == "list":
            return _list(uow)
        dead = {m.id: m for m in uow.outbox.with_status("dead", limit=100_000)}
        chosen = [dead[i] for i in args.ids if i in dead] if args.ids else list(dead.values())
        unknown = [i for i in args.ids if i not in dead]
        for message in chosen:
            if args.action == "retry":
                message.status = "pending"
                message.next_attempt_at = DUE_AT_ONCE
                message.attempts = 0
            else:
                message.status = "dismissed"
            uow.session.add(message)
            uow.audit.record("cli", f"outbox_{args.action}", message.loop_id, key=message.key)
        uow.commit()
    verb = "queued again" if args.action == "retry" else "dismissed"
    print(f"{len(chosen)} dead letter(s) {verb}")
    if unknown:
        print(f"not dead letters: {', '.join(map(str, unknown))}")
    return 0


def _list(uow: UnitOfWork) -> int:
    pending, oldest, dead = uow.outbox.backlog()
    print(f"undelivered: {pending} (oldest queued {oldest or '-'}); dead letters: {dead}")
    for message in uow.outbox.with_status("dead"):
        print(
            f"  dead #{message.id} {message.method} key={message.key} "
            f"loop={message.loop_id or '-'} since={message.dead_at}: {message.last_error}"
        )
    for status in ("sending", "pending"):
        for message in uow.outbox.with_status(status, limit=20):
            print(
                f"  {status} #{message.id} {message.method} key={message.key} "
                f"attempts={message.attempts} next={message.next_attempt_at}: "
                f"{message.last_error or '-'}"
            )
    return 0
