"""The demo's recruiting-team scenes: a trainee shadows a round-1 interview, the lead signs
off in one click and the trainee graduates; a booked stage is rescheduled with a reason; a
team's load against its caps."""

from __future__ import annotations

from bot.people import import_roster
from bot.roster import parse_roster
from loopbot.demo.sandbox import WEEKDAYS

RECRUITER = "U0REC01"
PAYMENTS_HM = "U0PAYHM"
TRAINEE = "U0PAY09"
TRAINEE_ROW = (
    "slack_user_id,name,email,roles,teams,interview_types,tz,working_hours,working_days,"
    "weekly_cap,trainee\n"
    f"{TRAINEE},Yuki Tanaka,yuki@example.com,engineer,payments,technical_discussion,"
    "America/New_York,08:00-18:00,Mon-Fri,4,coding:shadow\n"
)
DOROTHY = {
    "candidate_name": "Dorothy Vaughan",
    "candidate_email": "dorothy@example.com",
    "track": "ic",
    "level": "L4",
    "team": "payments",
    "recruiter": RECRUITER,
    "hiring_manager": PAYMENTS_HM,
    "candidate_tz": "America/New_York",
    "availability": WEEKDAYS,
    "technical_format": "discussion",
}


def team_scenes(demo) -> None:
    box = demo.box
    demo.scene("11. Interviewer training: a shadow seat in round 1, a reschedule, a graduation")
    box.fake.add_user(TRAINEE, "Yuki Tanaka", "yuki@example.com", "America/New_York")
    templates = box.runtime.services.templates
    entries = parse_roster(
        TRAINEE_ROW, known_roles=templates.roles, known_interview_types=templates.interview_types
    )
    with box.runtime.uow() as uow:
        import_roster(uow, entries, actor="demo", merge=True)  # `loopbot roster import --merge`
        uow.commit()
    demo.say("Yuki joins the roster as a coding trainee (shadow); Dorothy's screens go by.")
    demo.schedule(DOROTHY, "")
    loop_id = box.loop_id("Dorothy Vaughan")
    for key in ("recruiter_screen", "manager_screen", "technical_screen"):
        stage = box.run_stage(loop_id, key)
        box.decide(PAYMENTS_HM, "decision_advance", stage.id)
    demo.skip("Dorothy passes her screens; round 1 is proposed with a trainee seat.")
    round_1 = box.book(loop_id, "round_1")
    demo.show()

    demo.say("The candidate asks to move: Rosa presses Reschedule and gives the reason.")
    box.press(RECRUITER, "stage_reschedule", value=str(round_1.id))
    box.submit(RECRUITER, box.last_modal("stage_control"), {"reason": "Candidate asked to move"})
    demo.show()
    round_1 = box.book(loop_id, "round_1")
    demo.skip("Rosa confirms the fresh plan: the same people, kept where they could stay.")

    trainee = next((i for i, user in box.interviews(round_1.id) if i.trainee_mode), None)
    if trainee is None:
        demo.say("No trainee seat was free this time; the panel went ahead without one.")
        return
    box.until_over(round_1.id)
    box.feedback_from_all(round_1.id)
    demo.skip("Round 1 happens; everyone gives feedback (Yuki's is practice, never counted).")
    lead = next(user for i, user in box.interviews(round_1.id) if i.id == trainee.lead_interview_id)
    demo.say("The lead signs Yuki's shadow session off in one click: Yuki graduates.")
    box.press(lead, "trainee_sign_off_positive", value=str(trainee.id))
    demo.show()

    demo.scene("12. A team's load this week and next (/loop-load)")
    box.slack.slash_command("/loop-load", "payments", RECRUITER)
    demo.show()
