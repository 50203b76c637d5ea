"""What the loop templates say about a loop: its stages' templates, its teams, its place."""

from __future__ import annotations

from bot.planning.templates import StageTemplate, TemplateBook
from storage.models import Loop


def stage_template(templates: TemplateBook, loop: Loop, key: str) -> StageTemplate:
    try:
        template = templates.stage(loop.track, loop.team or None, key)
    except ValueError:
        # A stage finished before a pivot to a team whose loop drops it.
        template = templates.stage(loop.track, None, key)
    if template.kind == "choice":
        template = template.choose(loop.technical_format)
    return template


def pool_teams(templates: TemplateBook, pool: str) -> set[str]:
    return set(templates.pools[pool].teams) if pool in templates.pools else set()


def teams_of(templates: TemplateBook, loop: Loop) -> frozenset[str]:
    """Whose people may sit on the loop's panels: its team, or its whole pool while
    it is not focused on one team."""
    return frozenset({loop.team}) if loop.team else frozenset(pool_teams(templates, loop.pool))


def place_of(templates: TemplateBook, team: str, pool: str) -> str:
    if team:
        return team
    title = templates.pools[pool].title if pool in templates.pools else pool
    return f"{title} pool"


def place(templates: TemplateBook, loop: Loop) -> str:
    return place_of(templates, loop.team, loop.pool)


def technical_formats(templates: TemplateBook, track: str = "ic") -> list[tuple[str, str]]:
    for stage in templates.track(track).stages:
        if stage.formats:
            return [(f.key, f.title) for f in stage.formats]
    return []
