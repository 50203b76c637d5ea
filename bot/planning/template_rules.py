"""The templates' `[training]` and `[planning]` tables: the graduation rule for trainees (a
default and per interview type) and the planner's working rules."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.planning.planning_rules import PlanningRules
from bot.planning.template_fields import FieldChecks
from bot.planning.trainees import GraduationRule, TrainingRules

RULE_KEYS = ("shadow", "reverse_shadow")
TRAINING_KEYS = (*RULE_KEYS, "interview_types")
PLANNING_KEYS = ("min_notice_hours", "slot_minutes", "latest_start", "lunch", "daily_cap")


def training_rules(checks: FieldChecks, raw: Any, interview_types: tuple[str, ...]):
    path = ("training",)
    table = checks.table(raw, path, TRAINING_KEYS)
    default = GraduationRule(*(checks.integer(table, k, path, 2) for k in RULE_KEYS))
    types = checks.table(table.get("interview_types", {}), (*path, "interview_types"),
                         interview_types)  # fmt: skip
    by_type = {}
    for kind, override in types.items():
        where = (*path, "interview_types", kind)
        override = checks.table(override, where, RULE_KEYS)
        by_type[kind] = GraduationRule(
            *(checks.integer(override, k, where, getattr(default, k)) for k in RULE_KEYS)
        )
    return TrainingRules(default, by_type)


def planning_rules(checks: FieldChecks, raw: Any) -> PlanningRules:
    path = ("planning",)
    table = checks.table(raw, path, PLANNING_KEYS)
    latest = table.get("latest_start")
    lunch = table.get("lunch")
    if lunch is not None and (not isinstance(lunch, list) or len(lunch) != 2):
        raise checks.fail(
            (*path, "lunch"), 'lunch must be a pair of times, e.g. ["12:00", "13:00"]'
        )
    try:
        return PlanningRules(
            min_notice_hours=checks.integer(table, "min_notice_hours", path, 12),
            slot_minutes=checks.integer(table, "slot_minutes", path, 15, lo=1),
            latest_start=_clock(checks, latest, (*path, "latest_start")),
            daily_cap=(
                checks.integer(table, "daily_cap", path, 0) if "daily_cap" in table else None
            ),
            lunch=None if lunch is None else (
                _clock(checks, lunch[0], (*path, "lunch")),
                _clock(checks, lunch[1], (*path, "lunch")),
            ),
        )  # fmt: skip
    except ValueError as exc:
        raise checks.fail(path, str(exc)) from None


def _clock(checks: FieldChecks, value: Any, path) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise checks.fail(path, f'{path[-1]} must be a time like "17:00", got {value!r}') from None
