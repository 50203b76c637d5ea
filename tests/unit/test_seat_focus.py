"""Small truths read from the templates: focus per seat, manager titles for EM levels, and
what a calendar event may say about an interview."""

from __future__ import annotations

from bot.loops.invites import calendar_description
from bot.planning.template_loader import load_templates
from storage.models import Interview

TEMPLATES = load_templates()


def interview(seat_key: str, interview_type: str) -> Interview:
    return Interview(stage_id=1, interviewer_id=1, role="x", interview_type=interview_type,
                     seat_key=seat_key)  # fmt: skip


def test_the_hiring_manager_and_recruiter_seats_have_their_own_focus():
    round_1 = TEMPLATES.stage("ic", None, "round_1")
    coding = round_1.seat_focus("coding", "coding")
    manager = round_1.seat_focus("hiring_manager", "hiring_manager_interview")
    recruiter = round_1.seat_focus("recruiter", "recruiter_interview")
    assert coding == round_1.focus == "Design and coding problems."
    assert len({coding, manager, recruiter}) == 3
    assert "Design and coding" not in manager and "Design and coding" not in recruiter


def test_engineering_manager_levels_read_as_manager_titles():
    assert TEMPLATES.level_title("L6", "em") == "Senior Engineering Manager"
    assert TEMPLATES.level_title("L6", "ic") == "Staff Software Engineer"
    assert TEMPLATES.level_title("L6") == "Staff Software Engineer"


def test_a_calendar_description_says_what_the_interview_is_about_and_nothing_else():
    round_1 = TEMPLATES.stage("ic", None, "round_1")
    text = calendar_description(round_1, interview("hiring_manager", "hiring_manager_interview"))
    assert text.startswith(round_1.seat_focus("hiring_manager", "hiring_manager_interview"))
    assert "hiring manager interview" in text
    assert "ccommodation" not in text
