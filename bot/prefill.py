"""`/schedule-loop Ada Lovelace L5 payments` → initial values for the modal (pure)."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from zoneinfo import available_timezones

_LEVEL = re.compile(r"^[Ll][3-7]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_prefill(
    text: str, *, teams: Collection[str], tracks: Collection[str], zones: Collection[str] = ()
) -> dict[str, str]:
    """Pick out what is recognisable — a level, a team, a track, an email, an IANA zone —
    and take the remaining words as the candidate's name. Nothing here is an error: the
    modal shows what was understood and the person fills in the rest."""
    found: dict[str, str] = {}
    name_words: list[str] = []
    teams_by_lower = {t.lower(): t for t in teams}
    tracks_by_lower = {t.lower(): t for t in tracks}
    for word in text.split():
        lowered = word.lower().strip(",")
        if _LEVEL.match(lowered) and "level" not in found:
            found["level"] = lowered.upper()
        elif lowered in teams_by_lower and "team" not in found:
            found["team"] = teams_by_lower[lowered]
        elif lowered in tracks_by_lower and "track" not in found:
            found["track"] = tracks_by_lower[lowered]
        elif _EMAIL.match(lowered) and "candidate_email" not in found:
            found["candidate_email"] = word.strip(",")
        elif "/" in word and word in zones and "candidate_tz" not in found:
            found["candidate_tz"] = word
        else:
            name_words.append(word.strip(","))
    if name_words:
        found["candidate_name"] = " ".join(name_words)
    return found


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows: read from disk once (17 ms a call)."""
    return frozenset(available_timezones())
