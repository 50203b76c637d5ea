"""Self-scheduling end to end: the request mail over real SMTP, the page, a pick, the
itinerary mail with its invites — and a taken time refused with fresh options."""

from __future__ import annotations

import icalendar

from storage.models import CandidateRequest, OutboxMessage
from tests.candidate.pages import attachments, fetch, link_in, options_on, parts
from tests.scenario.flows import RECRUITER, candidate, rows


def test_candidate_picks_a_time_and_gets_the_itinerary(make_sandbox, candidate_env, sink):
    box = make_sandbox(
        **candidate_env(
            LOOPBOT_CANDIDATE_SCHEDULING="self_schedule", LOOPBOT_CANDIDATE_AUTO_CONFIRM="true"
        )
    )
    box.schedule_loop(RECRUITER, candidate())
    [request_mail] = sink.wait_for(1)
    assert request_mail["To"] == "Ada Lovelace <ada@example.com>"
    assert request_mail["From"] == "Hiring team <hiring@example.com>"
    assert request_mail["Subject"] == "Pick a time for your Recruiter phone screen"
    assert request_mail["Message-ID"]
    text, html = parts(request_mail)
    assert "Hello Ada" in text and "Pick a time" in html and "<script" not in html
    path = link_in(request_mail)

    page = fetch(box.url, path)
    assert page.status == 200
    assert "Europe/London" in page.text
    choices = options_on(page)
    assert choices, page.text

    answer = fetch(box.url, path, {"action": "pick", "start": choices[0]})
    assert answer.status == 303, answer.text
    box.settle()
    loop_id = box.loop_id("Ada Lovelace")
    stage = box.stage(loop_id, "recruiter_screen")
    assert stage.status == "scheduled"
    [(interview, _)] = box.interviews(stage.id)
    assert interview.start_at.isoformat() == choices[0]

    mails = sink.wait_for(2)
    confirmation = mails[1]
    assert confirmation["Subject"] == "Your Recruiter phone screen is confirmed"
    text, _ = parts(confirmation)
    assert "Rosa" in text and "https://meet.example.com/" in text
    [(name, method, content)] = attachments(confirmation)
    assert method == "REQUEST" and name.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == interview.start_at
    assert str(event["ATTENDEE"]) == "mailto:ada@example.com"
    assert [r.status for r in rows(box, CandidateRequest)] == ["answered"]
    assert all(m.status == "sent" for m in rows(box, OutboxMessage) if m.method == "mail.send")

    again = fetch(box.url, path)
    assert "Your itinerary" in again.text and "Join the video call" in again.text
    ics = fetch(box.url, path + "/itinerary.ics")
    assert ics.status == 200 and "BEGIN:VEVENT" in ics.text
