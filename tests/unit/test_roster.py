"""The roster CSV: parse_roster refuses every malformed cell with its line and column, and
write_roster → parse_roster is lossless."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.planning.template_loader import load_templates
from bot.roster import (
    COLUMNS,
    RosterEntry,
    RosterError,
    RosterProblem,
    format_days,
    parse_roster,
    write_roster,
)

ROLES = {"engineer", "recruiter", "hiring_manager"}
TYPES = {"coding", "system_design", "recruiter_screen"}
HEADER = ",".join(COLUMNS)
SAMPLE = Path(__file__).resolve().parents[2] / "loopbot" / "sample_roster.csv"


def parse(text: str) -> list[RosterEntry]:
    return parse_roster(text, known_roles=ROLES, known_interview_types=TYPES)


def problems(text: str) -> list[RosterProblem]:
    with pytest.raises(RosterError) as caught:
        parse(text)
    assert "nothing was imported" in str(caught.value)
    return caught.value.problems


def one_cell(column: str, value: str) -> str:
    """A minimal valid row plus one extra column."""
    return f"slack_user_id,name,roles,{column}\nU0ADA,Ada Lovelace,engineer,{value}\n"


def only_problem(text: str) -> RosterProblem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- whole file


def test_full_row():
    [entry] = parse(
        HEADER + "\n"
        "U0ADA,Ada Lovelace,ada@example.com,engineer;hiring_manager,payments; streaming,"
        "coding;system_design,Europe/London,08:30-16:45,Mon;Wed;Fri,3\n"
    )
    assert entry == RosterEntry(
        slack_user_id="U0ADA",
        name="Ada Lovelace",
        email="ada@example.com",
        roles=("engineer", "hiring_manager"),
        teams=("payments", "streaming"),
        interview_types=("coding", "system_design"),
        tz="Europe/London",
        work_start="08:30",
        work_end="16:45",
        work_days=(0, 2, 4),
        weekly_cap=3,
    )


def test_minimal_columns_take_defaults():
    [entry] = parse("slack_user_id,name,roles\nW0ADA,Ada,engineer\n")
    assert entry.slack_user_id == "W0ADA"
    assert entry.email is None
    assert entry.tz is None  # filled from Slack later
    assert entry.teams == () and entry.interview_types == ()
    assert (entry.work_start, entry.work_end) == ("09:00", "17:00")
    assert entry.work_days == (0, 1, 2, 3, 4)
    assert entry.weekly_cap == 5


def test_columns_in_any_order_with_spaces_in_header():
    [entry] = parse(" roles , name ,slack_user_id\nengineer,Ada,U0ADA\n")
    assert (entry.slack_user_id, entry.name, entry.roles) == ("U0ADA", "Ada", ("engineer",))


def test_header_only_is_an_empty_roster():
    assert parse(HEADER + "\n") == []
    assert parse(HEADER) == []


def test_empty_file_is_refused():
    [problem] = problems("")
    assert problem.line == 1
    assert "empty" in problem.message


def test_blank_lines_are_skipped_but_line_numbers_still_count():
    text = HEADER + "\n\n" + ",,,,,,,,,\n" + "U0ADA,Ada,,engineer,,,Mars/Base,,,\n"
    problem = only_problem(text)
    assert (problem.line, problem.column) == (4, "tz")
    good = "slack_user_id,name,roles\n\nU0ADA,Ada,engineer\n\n   \nU0BOB,Bob,engineer\n"
    assert [e.slack_user_id for e in parse(good)] == ["U0ADA", "U0BOB"]


def test_crlf_line_endings():
    text = "slack_user_id,name,roles\r\nU0ADA,Ada,engineer\r\nU0BOB,Bob,recruiter\r\n"
    assert [e.name for e in parse(text)] == ["Ada", "Bob"]


def test_byte_order_mark_is_ignored():
    [entry] = parse("\ufeffslack_user_id,name,roles\nU0ADA,Ada,engineer\n")
    assert entry.slack_user_id == "U0ADA"


def test_quoted_cells_with_commas_and_newlines():
    [entry] = parse('slack_user_id,name,roles\nU0ADA,"Lovelace, Ada\nCountess",engineer\n')
    assert entry.name == "Lovelace, Ada\nCountess"


def test_unknown_and_missing_columns_are_reported_together():
    found = problems("slack_user_id,nickname,roles,\nU0ADA,Ada,engineer,\n")
    assert {(p.line, p.column) for p in found} == {(1, "nickname"), (1, "(blank)"), (1, "name")}
    unknown = next(p for p in found if p.column == "nickname")
    assert "unknown column" in unknown.message and "weekly_cap" in unknown.message
    missing = next(p for p in found if p.column == "name")
    assert "required column is missing" in missing.message


def test_too_many_cells():
    problem = only_problem("slack_user_id,name,roles\nU0ADA,Ada,engineer,extra\n")
    assert (problem.line, problem.column) == (2, "-")
    assert "4 cells" in problem.message and "3" in problem.message


def test_short_row_leaves_missing_cells_empty():
    problem = only_problem("slack_user_id,name,roles\nU0ADA,Ada\n")
    assert (problem.line, problem.column) == (2, "roles")


def test_several_problems_each_with_its_line_and_column():
    text = (
        "slack_user_id,name,email,roles,interview_types,tz,weekly_cap\n"
        "U0ADA,Ada,ada@example.com,engineer,coding,Europe/London,4\n"  # line 2: fine
        "nobody,,not-an-email,wizard,juggling,Mars/Base,99\n"  # line 3: everything wrong
        "U0ADA,Ada again,,engineer,,,\n"  # line 4: duplicate id
    )
    with pytest.raises(RosterError) as caught:
        parse(text)
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {
        (3, "slack_user_id"),
        (3, "name"),
        (3, "email"),
        (3, "roles"),
        (3, "interview_types"),
        (3, "tz"),
        (3, "weekly_cap"),
        (4, "slack_user_id"),
    }
    message = str(caught.value)
    assert message.startswith("roster.csv: line 3, column slack_user_id:")
    assert "(and 3 more)" in message  # only the first five are spelled out
    duplicate = next(p for p in caught.value.problems if p.line == 4)
    assert "already on line 2" in duplicate.message


def test_source_name_is_in_the_message():
    with pytest.raises(RosterError) as caught:
        parse_roster("name\n", known_roles=ROLES, known_interview_types=TYPES, source="team.csv")
    assert str(caught.value).startswith("team.csv: line 1, column ")


def test_str_of_a_problem():
    assert str(RosterProblem(7, "tz", "bad")) == "line 7, column tz: bad"


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize("slack_id", ["ada", "u0ada", "C0CHANNEL", "U0", "U0 ADA", ""])
def test_bad_slack_user_id(slack_id):
    problem = only_problem(f"slack_user_id,name,roles\n{slack_id},Ada,engineer\n")
    assert (problem.line, problem.column) == (2, "slack_user_id")


def test_duplicate_slack_user_id():
    problem = only_problem("slack_user_id,name,roles\nU0ADA,Ada,engineer\nU0ADA,Ada,recruiter\n")
    assert (problem.line, problem.column) == (3, "slack_user_id")
    assert "U0ADA is already on line 2" in problem.message


def test_unknown_role_lists_the_known_ones():
    problem = only_problem("slack_user_id,name,roles\nU0ADA,Ada,engineer;wizard\n")
    assert (problem.line, problem.column) == (2, "roles")
    assert "'wizard'" in problem.message
    assert "engineer, hiring_manager, recruiter" in problem.message


def test_empty_roles():
    problem = only_problem("slack_user_id,name,roles\nU0ADA,Ada,\n")
    assert problem.column == "roles" and "at least one role" in problem.message


def test_roles_of_only_separators_are_empty():
    problem = only_problem("slack_user_id,name,roles\nU0ADA,Ada,;\n")
    assert problem.column == "roles"


def test_unknown_interview_type():
    problem = only_problem(one_cell("interview_types", "coding;knitting"))
    assert problem.column == "interview_types" and "'knitting'" in problem.message


@pytest.mark.parametrize(
    "email, ok", [("ada@example.com", True), ("", True), ("ada.example.com", False)]
)
def test_email(email, ok):
    text = one_cell("email", email)
    if ok:
        assert parse(text)[0].email == (email or None)
    else:
        assert only_problem(text).column == "email"


@pytest.mark.parametrize("zone", ["Mars/Base", "Europe/Londn", "GMT+25"])
def test_bad_time_zone(zone):
    problem = only_problem(one_cell("tz", zone))
    assert problem.column == "tz" and "IANA" in problem.message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Mon-Fri", (0, 1, 2, 3, 4)),
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("Mon;Wed;Fri", (0, 2, 4)),
        ("sat-sun", (5, 6)),
        ("Sun", (6,)),
        ("Mon-Tue;Thu-Fri", (0, 1, 3, 4)),
        ("Mon - Wed", (0, 1, 2)),
        ("Wed;Mon;Mon", (0, 2)),
        ("", (0, 1, 2, 3, 4)),
    ],
)
def test_working_days_forms(raw, expected):
    assert parse(one_cell("working_days", raw))[0].work_days == expected


@pytest.mark.parametrize(
    "raw, words",
    [
        ("Fri-Mon", "backwards"),
        ("Sun-Sat", "backwards"),
        ("Monday-Friday", "like Mon-Fri"),
        ("Mon-Xyz", "like Mon-Fri"),
        ('"Mon,Wed"', "like Mon-Fri"),
        ("1-5", "like Mon-Fri"),
        pytest.param(
            ";",
            "day",
        ),
        pytest.param(
            "Mon-",
            "like Mon-Fri",
        ),
    ],
)
def test_bad_working_days(raw, words):
    problem = only_problem(one_cell("working_days", raw))
    assert problem.column == "working_days"
    assert words in problem.message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("09:00-17:00", ("09:00", "17:00")),
        ("9:30-17:00", ("09:30", "17:00")),
        ("08:00 - 16:00", ("08:00", "16:00")),
        ("00:00-24:00", ("00:00", "24:00")),
        ("", ("09:00", "17:00")),
    ],
)
def test_working_hours(raw, expected):
    entry = parse(one_cell("working_hours", raw))[0]
    assert (entry.work_start, entry.work_end) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "9-17",
        "09:00",
        "09:00-17:00-18:00",
        "17:00-09:00",
        "09:00-09:00",
        "25:00-26:00",
        "09:60-17:00",
        "nine-five",
        pytest.param(
            "09:00-24:30",
        ),
    ],
)
def test_bad_working_hours(raw):
    problem = only_problem(one_cell("working_hours", raw))
    assert problem.column == "working_hours"


@pytest.mark.parametrize("raw, expected", [("0", 0), ("12", 12), ("40", 40), ("", 5)])
def test_weekly_cap(raw, expected):
    assert parse(one_cell("weekly_cap", raw))[0].weekly_cap == expected


@pytest.mark.parametrize(
    "raw",
    [
        "-1",
        "41",
        "2.5",
        "lots",
        pytest.param(
            "²",
        ),
    ],
)
def test_bad_weekly_cap(raw):
    problem = only_problem(one_cell("weekly_cap", raw))
    assert problem.column == "weekly_cap"


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize(
    "days, text",
    [
        ((0, 1, 2, 3, 4), "Mon-Fri"),
        ((5, 6), "Sat-Sun"),
        ((0, 2, 4), "Mon;Wed;Fri"),
        ((3,), "Thu"),
        ((4, 0, 1, 2, 3), "Mon-Fri"),
        ((0, 1, 3), "Mon;Tue;Thu"),
    ],
)
def test_format_days(days, text):
    assert format_days(days) == text


def test_write_then_parse_round_trips_every_field():
    entries = [
        RosterEntry(
            "U0ADA",
            "Lovelace, Ada",
            "ada@example.com",
            ("engineer", "recruiter"),
            ("payments", "streaming"),
            ("coding", "system_design"),
            "Europe/London",
            "08:30",
            "16:45",
            (0, 2, 4),
            0,
            calendar="https://dav.example.com/ada/work/",
            country="GB-SCT",
        ),
        RosterEntry(
            "U0BOB",
            'Bob "the builder"',
            None,
            ("hiring_manager",),
            (),
            (),
            None,
            "00:00",
            "24:00",
            (5, 6),
            40,
        ),
        RosterEntry(
            "W0CAT",
            "Cat",
            None,
            ("engineer",),
            ("x",),
            ("recruiter_screen",),
            "America/New_York",
            "09:00",
            "17:00",
            (0, 1, 2, 3, 4, 5, 6),
            5,
        ),
    ]
    text = write_roster(entries)
    # Nobody has a daily cap or a training: those optional columns are left out.
    assert text.splitlines()[0] == HEADER.removesuffix(",daily_cap,trainee")
    assert parse(text) == entries
    trained = [replace(entries[2], daily_cap=2, trainee=(("coding", "reverse_shadow"),))]
    text = write_roster(trained)
    assert text.splitlines()[0] == HEADER
    assert parse(text) == trained


def test_trainee_and_daily_cap_cells_are_checked():
    text = HEADER + "\nU0A,Ann,,engineer,core,,,,,4,,,3,coding;system_design:reverse_shadow\n"
    [entry] = parse(text)
    assert entry.daily_cap == 3
    assert entry.trainee == (("coding", "shadow"), ("system_design", "reverse_shadow"))
    bad = HEADER + "\nU0A,Ann,,engineer,core,,,,,4,,,x,coding:lead\n"
    with pytest.raises(RosterError) as caught:
        parse(bad)
    message = str(caught.value)
    assert "column daily_cap" in message and "column trainee" in message


def test_sample_roster_round_trips_through_the_shipped_templates():
    templates = load_templates()
    text = SAMPLE.read_text(encoding="utf-8")
    entries = parse_roster(
        text, known_roles=templates.roles, known_interview_types=templates.interview_types
    )
    assert len(entries) == len([line for line in text.splitlines()[1:] if line.strip()])
    written = write_roster(entries)
    assert (
        parse_roster(
            written, known_roles=templates.roles, known_interview_types=templates.interview_types
        )
        == entries
    )
    assert written == text  # the sample is already in the canonical form


def test_calendar_and_country_are_optional_and_checked():
    [plain] = parse(one_cell("country", ""))
    assert plain.calendar is None and plain.country is None
    [placed] = parse(
        "slack_user_id,name,roles,calendar,country\nU0ADA,Ada Lovelace,engineer,ada/work/,us-ca\n"
    )
    assert placed.calendar == "ada/work/" and placed.country == "US-CA"
    [problem] = problems(one_cell("country", "Atlantis"))
    assert problem.column == "country" and "e.g." not in problem.message
    assert "ISO code like DE" in problem.message
