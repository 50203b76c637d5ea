"""`/schedule-loop Ada Lovelace L5 payments` → what the modal is pre-filled with."""

from __future__ import annotations

import pytest

from bot.prefill import parse_prefill

TEAMS = ["payments", "Streaming"]
TRACKS = ["engineering", "management"]
ZONES = {"Europe/London", "America/New_York", "UTC"}


def prefill(text: str) -> dict[str, str]:
    return parse_prefill(text, teams=TEAMS, tracks=TRACKS, zones=ZONES)


def test_the_documented_example():
    assert prefill("Ada Lovelace L5 payments") == {
        "candidate_name": "Ada Lovelace",
        "level": "L5",
        "team": "payments",
    }


def test_everything_in_any_order():
    assert prefill(
        "ada@example.com management streaming l7 Grace Brewster Hopper America/New_York"
    ) == {
        "candidate_email": "ada@example.com",
        "track": "management",
        "team": "Streaming",  # the roster's spelling, not the typed one
        "level": "L7",
        "candidate_name": "Grace Brewster Hopper",
        "candidate_tz": "America/New_York",
    }


def test_commas_are_separators_not_part_of_words():
    assert prefill("Lovelace, Ada, L4, PAYMENTS, ada@example.com,") == {
        "candidate_name": "Lovelace Ada",
        "level": "L4",
        "team": "payments",
        "candidate_email": "ada@example.com",
    }


def test_email_keeps_its_case():
    assert prefill("Ada Ada.Lovelace@Example.com")["candidate_email"] == "Ada.Lovelace@Example.com"


@pytest.mark.parametrize("word", ["L2", "L8", "L55", "Level5", "5"])
def test_levels_outside_l3_to_l7_are_name_words(word):
    found = prefill(f"Ada {word}")
    assert "level" not in found
    assert found["candidate_name"] == f"Ada {word}"


def test_only_the_first_of_each_is_taken():
    found = prefill("Ada L5 L6 payments streaming")
    assert found["level"] == "L5"
    assert found["team"] == "payments"
    assert found["candidate_name"] == "Ada L6 streaming"


def test_zones_must_be_known_and_contain_a_slash():
    assert prefill("Ada Europe/London")["candidate_tz"] == "Europe/London"
    assert "candidate_tz" not in prefill("Ada Mars/Base")
    assert "candidate_tz" not in prefill("Ada UTC")  # no slash: a name word
    assert prefill("Ada UTC")["candidate_name"] == "Ada UTC"
    no_zones = parse_prefill("Ada Europe/London", teams=TEAMS, tracks=TRACKS)
    assert "candidate_tz" not in no_zones


@pytest.mark.parametrize("word", ["ada@", "@example.com", "ada@example", "a@b@c.com"])
def test_not_quite_emails_are_name_words(word):
    assert "candidate_email" not in prefill(f"Ada {word}")


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_empty_text_prefills_nothing(text):
    assert prefill(text) == {}


def test_nothing_recognised_is_all_name():
    assert prefill("  Ada   King  ") == {"candidate_name": "Ada King"}
