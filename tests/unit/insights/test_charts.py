"""Charts: valid PNGs of the expected size, drawn in the colour-blind-safe palette, with the
numbers written on them; empty periods still give a picture that says so."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from bot.insights import Period, Scope, compute
from bot.insights.charts import (
    BLUE,
    DPI,
    VERMILLION,
    all_charts,
    funnel_chart,
    load_chart,
    subtitle,
    time_to_schedule_chart,
)
from bot.insights.flow import StagePassage
from bot.insights.people import WeekLoad
from bot.insights.summary import duration
from tests.unit.insights.dataset import DATA, NOW, PERIOD

FIGURES = compute(DATA, PERIOD, Scope(), NOW, timedelta(hours=48))


def image(png: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(png))
    picture.verify()  # a truncated or corrupt PNG raises here
    return Image.open(io.BytesIO(png)).convert("RGB")


def has_colour(picture: Image.Image, hex_colour: str) -> bool:
    wanted = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(colour == wanted for _count, colour in picture.getcolors(maxcolors=1 << 20))


def test_three_charts_as_valid_pngs_at_slack_preview_size():
    charts = all_charts(FIGURES)
    assert [c.filename for c in charts] == ["funnel.png", "time-to-schedule.png", "load.png"]
    for chart in charts:
        picture = image(chart.png)
        assert picture.size == (chart.width, chart.height) == (1200, 720)  # 8 x 4.8 in
        assert Image.open(io.BytesIO(chart.png)).format == "PNG"


def test_the_funnel_and_distribution_use_the_okabe_ito_colours():
    funnel = image(funnel_chart(FIGURES).png)
    assert has_colour(funnel, BLUE) and has_colour(funnel, VERMILLION)  # moved on, declined
    spread = image(time_to_schedule_chart(FIGURES).png)
    assert has_colour(spread, VERMILLION)  # the medians


def test_the_heat_map_grows_with_people_and_weeks():
    weeks = [date(2026, 9, 7) + timedelta(weeks=i) for i in range(12)]
    crowd = tuple(
        WeekLoad(person, f"Person {person}", f"U{person}", week, (person + i) % 7, 5)
        for person in range(20)
        for i, week in enumerate(weeks)
    )
    chart = load_chart(replace(FIGURES, load=crowd))
    width_in, height_in = 2.4 + 0.65 * 12, 2.0 + 0.42 * 20
    assert image(chart.png).size == (chart.width, chart.height)
    assert (chart.width, chart.height) == (round(width_in * DPI), round(height_in * DPI))
    assert has_colour(image(chart.png), VERMILLION)  # capped cells are outlined


def test_an_empty_period_still_draws_each_chart():
    quiet = Period(datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 1, 11, tzinfo=UTC))
    empty = compute(replace(DATA, people=()), quiet, Scope(), NOW)
    for chart in all_charts(empty):
        assert image(chart.png).size == (1200, 720)


@pytest.mark.parametrize(
    ("hours", "shown"),
    [
        (0, "0 min"),
        (0.25, "15 min"),
        (1, "1.0 h"),
        (4.5, "4.5 h"),
        (47.9, "47.9 h"),
        (48, "2.0 d"),
        (216, "9.0 d"),
    ],
)
def test_durations_read_in_hours_then_days(hours, shown):
    assert duration(hours) == shown


def test_the_subtitle_names_the_scope_and_the_last_day_of_the_period():
    assert subtitle(FIGURES) == "all teams · 19 Oct 2026 – 1 Nov 2026"
    named = replace(FIGURES, period=replace(PERIOD, label="last 14 days"))
    assert subtitle(named) == "all teams · last 14 days"


def test_each_chart_says_what_it_shows_for_screen_readers():
    funnel, spread, load = all_charts(FIGURES)
    assert "Technical screen: 2 reached, 1 moved on, 1 declined" in funnel.alt
    assert "Round 1: median 8.0 d, p90 8.8 d, 2 booked" in spread.alt
    assert load.alt.endswith(
        "5 interviewers over 2 weeks; over their cap: Chen 3 of 2 in the week of 26 Oct"
    )
    assert all(len(chart.alt) <= 1000 for chart in (funnel, spread, load))


def test_a_funnel_per_track_when_loops_of_two_tracks_started():
    em = StagePassage("em", "recruiter_screen", "Recruiter phone screen", 0, "L6", 1, 0, 0)
    both = replace(FIGURES, pass_through=(em, *FIGURES.pass_through))
    chart = funnel_chart(both)
    # Five stages in two panels: 1.6 in of titles, 0.55 in a bar, 0.5 in a panel.
    assert image(chart.png).size == (1200, round((1.6 + 0.55 * 5 + 0.5 * 2) * DPI))
    assert chart.alt.count("Recruiter") == 2


def test_people_with_no_interview_are_counted_not_drawn():
    idle = tuple(
        WeekLoad(100 + n, f"Idle {n}", f"UI{n}", week, 0, 4)
        for n in range(30)
        for week in (date(2026, 10, 19), date(2026, 10, 26))
    )
    chart = load_chart(replace(FIGURES, load=FIGURES.load + idle))
    assert image(chart.png).size == (1200, 720)  # five rows, as without them
    assert "5 interviewers over 2 weeks (30 more with none)" in chart.alt
