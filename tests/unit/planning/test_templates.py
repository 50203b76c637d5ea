from __future__ import annotations

import textwrap

import pytest

from bot.planning.template_loader import DEFAULT_TEMPLATES_PATH, load_templates
from bot.planning.template_source import TemplateError, locate_keys


def write(tmp_path, text: str, name: str = "loops.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def error_of(path) -> str:
    with pytest.raises(TemplateError) as caught:
        load_templates(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_shipped_templates_load_with_both_tracks():
    book = load_templates()
    assert set(book.tracks) == {"ic", "em"}
    assert "director" in book.roles and "dream_team" in book.interview_types


def test_team_override_changes_breaks_durations_and_counts(tmp_path):
    path = write(
        tmp_path,
        """
        [teams.payments.ic.stages.round_1]
        break_minutes = 15
        [teams.payments.ic.stages.round_1.seats.coding]
        minutes = 60
        preferred = 2
        """,
    )
    book = load_templates(path)
    changed = book.stage("ic", "payments", "round_1")
    coding = next(s for s in changed.seats if s.key == "coding")
    assert changed.break_minutes == 15 and coding.minutes == 60 and coding.preferred == 2
    default = book.stage("ic", "search", "round_1")
    assert default.break_minutes == 10


def test_recurring_seats_are_the_loops_own_recruiter_and_hiring_manager(tmp_path):
    book = load_templates()
    recurring = {
        (track, stage.key, seat.key)
        for track in ("ic", "em")
        for stage in book.track(track).stages
        for seat in (*stage.seats, *(s for f in stage.formats for s in f.seats))
        if seat.recurring
    }
    assert recurring == {
        ("ic", "recruiter_screen", "recruiter_screen"),
        ("ic", "manager_screen", "manager_screen"),
        ("ic", "round_1", "hiring_manager"),
        ("ic", "round_1", "recruiter"),
        ("em", "recruiter_screen", "recruiter_screen"),
        # The meeting a pivot adds with the new hiring manager.
        ("ic", "meet_manager", "hiring_manager_interview"),
        ("em", "meet_manager", "hiring_manager_interview"),
    }
    # A team may mark a seat of its own loop recurring (a bar raiser on every panel).
    path = write(
        tmp_path,
        """
        [teams.payments.ic.stages.round_1.seats.design]
        recurring = true
        """,
    )
    design = next(s for s in load_templates(path).stage("ic", "payments", "round_1").seats
                  if s.key == "design")  # fmt: skip
    assert design.recurring


def test_user_file_can_add_a_whole_new_track_with_new_roles(tmp_path):
    path = write(
        tmp_path,
        """
        roles = ["data_scientist"]
        interview_types = ["modelling"]

        [tracks.ds]
        title = "Data scientist"

        [[tracks.ds.stages]]
        key = "modelling"
        title = "Modelling interview"
        kind = "meeting"
        [[tracks.ds.stages.seats]]
        role = "data_scientist"
        interview_type = "modelling"
        minutes = 60

        [[tracks.ds.stages]]
        key = "decision"
        title = "Decision"
        kind = "decision"
        """,
    )
    book = load_templates(path)
    assert [s.key for s in book.stages_for("ds", None, "L4")] == ["modelling", "decision"]
    assert "recruiter" in book.roles and "data_scientist" in book.roles
    assert "ic" in book.tracks


def test_user_file_replaces_a_track_wholesale(tmp_path):
    path = write(
        tmp_path,
        """
        [[tracks.em.stages]]
        key = "chat"
        title = "Chat"
        kind = "meeting"
        [[tracks.em.stages.seats]]
        role = "director"
        interview_type = "dream_team"
        minutes = 45
        """,
    )
    book = load_templates(path)
    assert [s.key for s in book.stages_for("em", None, "L6")] == ["chat"]
    assert book.tracks["em"].title == "Engineering manager"


def test_locate_keys_finds_nested_array_tables():
    lines = locate_keys(DEFAULT_TEMPLATES_PATH.read_text())
    text = DEFAULT_TEMPLATES_PATH.read_text().splitlines()
    line = lines[("tracks", "ic", "stages", 3, "seats", 1, "interview_type")]
    assert text[line - 1].strip() == 'interview_type = "system_design"'


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("[teams.payments.ic\ndrop = 1\n", 1, "invalid TOML"),
        ('roles = ["a"]\nroles = ["b"]\n', 2, "invalid TOML"),
        ("colour = 'blue'\n", 1, "unknown key 'colour'"),
        (
            """
            [teams.payments.ic]
            drop = ["phone_screen"]
            """,
            2,
            "cannot drop unknown stage 'phone_screen'",
        ),
        (
            """
            # a comment
            [teams.payments.ic]
            drop = ["round_1"]
            """,
            3,
            "stage 'round_1' is not optional",
        ),
        (
            """
            [teams.payments.ic.stages.round_1.seats.coding]
            min = 3
            max = 2
            """,
            2,
            "min 3 > max 2",
        ),
        (
            """
            [teams.payments.xx]
            drop = []
            """,
            1,
            "unknown key 'xx'",
        ),
        (
            """
            [teams.payments.ic.stages.round_1]
            break_minutes = "ten"
            """,
            2,
            "break_minutes must be an integer",
        ),
    ],
)
def test_malformed_override_reports_file_and_line(tmp_path, text, line, fragment):
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(f"{path}:{line}: ")
    assert fragment in message


NEW_TRACK = """
[tracks.ds]
title = "Data scientist"

[[tracks.ds.stages]]
key = "first"
title = "First"
kind = "meeting"

[[tracks.ds.stages.seats]]
role = "engineer"
interview_type = "coding"
minutes = 45

[[tracks.ds.stages]]
key = "second"
title = "Second"
kind = "meeting"

[[tracks.ds.stages.seats]]
role = "engineer"
interview_type = "coding"
minutes = 45

[[tracks.ds.stages.seats]]
{bad}
interview_type = "coding"
minutes = 45
"""


@pytest.mark.parametrize(
    ("bad", "fragment", "reported"),
    [
        ('role = "wizard"', "unknown role 'wizard'", "role ="),
        ('roles = ["engineer", "wizard"]', "unknown role 'wizard'", "roles ="),
        ('role = "engineer"\nmin = 2\nmax = 1', "min 2 > max 1", "min ="),
        ('role = "engineer"\npreferred = 4\nmax = 2', "preferred 4 is outside 1..2", "preferred ="),
        ('role = "engineer"\nminutes_range = [50, 60]', "45 minutes is outside 50-60", "minutes ="),
        ('role = "engineer"\nspeed = 3', "unknown key 'speed'", "speed ="),
        ('role = "engineer"\nrecurring = "yes"', "recurring must be true or false", "recurring ="),
        ('role = "engineer"\nkey = "coding"', "duplicate seat key 'coding'", "[[tracks"),
    ],
)
def test_malformed_seat_reports_the_line_of_the_offending_key(tmp_path, bad, fragment, reported):
    path = write(tmp_path, NEW_TRACK.replace("{bad}", bad))
    message = error_of(path)
    assert fragment in message
    line = int(message.split(":")[1])
    lines = path.read_text().splitlines()
    header = max(i for i, text in enumerate(lines, 1) if text == "[[tracks.ds.stages.seats]]")
    assert line >= header, message
    assert lines[line - 1].startswith(reported), (message, lines[line - 1])


def test_unknown_interview_type_points_at_its_line(tmp_path):
    path = write(
        tmp_path,
        NEW_TRACK.replace("{bad}", 'role = "engineer"').replace(
            'interview_type = "coding"\nminutes = 45\n"""', ""
        ),
    )
    text = path.read_text().replace('interview_type = "coding"', 'interview_type = "juggling"', 1)
    path.write_text(text)
    message = error_of(path)
    expected = text.splitlines().index('interview_type = "juggling"') + 1
    assert message == f"{path}:{expected}: unknown interview_type 'juggling'"


def test_stage_without_seats_and_bad_kind_and_bad_level(tmp_path):
    for snippet, fragment in [
        ('kind = "party"', "unknown kind 'party'"),
        ('kind = "meeting"\nmin_level = "L9"', "unknown level 'L9'"),
        ('kind = "meeting"\ngate = "vibes"', "unknown gate 'vibes'"),
    ]:
        path = write(tmp_path, f'[[tracks.x.stages]]\nkey = "a"\n{snippet}\n')
        message = error_of(path)
        assert fragment in message
        bad_line = snippet.split("\n")[-1]
        assert message.startswith(f"{path}:{2 + len(snippet.splitlines())}:"), message
        assert bad_line


def test_missing_file_is_a_template_error(tmp_path):
    message = error_of(tmp_path / "nope.toml")
    assert message.startswith(f"{tmp_path / 'nope.toml'}:1: cannot read file")


def test_changing_a_dropped_stage_is_refused(tmp_path):
    path = write(
        tmp_path,
        """
        [teams.payments.ic]
        drop = ["manager_screen"]
        [teams.payments.ic.stages.manager_screen]
        break_minutes = 5
        """,
    )
    message = error_of(path)
    assert message == f"{path}:3: stage 'manager_screen' is dropped; it cannot also be changed"


def test_stage_rules_are_data_driven_for_unknown_levels():
    book = load_templates()
    with pytest.raises(ValueError, match="unknown level"):
        book.stages_for("ic", None, "L9")
    with pytest.raises(ValueError, match="unknown track"):
        book.stages_for("sales", None, "L4")


def test_company_days_off_come_from_the_holidays_table(tmp_path):
    from datetime import date

    book = load_templates(write(tmp_path, '[holidays]\ndates = ["2026-12-24", 2026-12-31]\n'))
    assert book.company_days_off == {date(2026, 12, 24), date(2026, 12, 31)}
    assert load_templates().company_days_off == frozenset()
    message = error_of(write(tmp_path, '[holidays]\ndates = ["2026-12-24", "Xmas"]\n', "bad.toml"))
    assert "bad.toml:2:" in message and "2026-12-24" in message
