"""Action and callback ids: the contract between these builders and handlers/.

A button's action id says which listener runs; a modal's callback id says which
submission handler gets it. Values are stable: messages already posted carry them.
"""

from __future__ import annotations

# Modals (callback ids).
SCHEDULE_LOOP_VIEW = "schedule_loop"
REPLAN_VIEW = "replan_stage"
FEEDBACK_VIEW_CALLBACK = "feedback"
PIVOT_VIEW = "pivot_loop"

# The recruiter's proposal.
CONFIRM = "proposal_confirm"
SWAP = "proposal_swap"
PICK_TIME = "proposal_pick_time"
USE_ALTERNATIVE = "proposal_use_alternative"
SWAP_PICK = "proposal_swap_pick"  # "Swap with…": a form listing qualified people and their load
SWAP_PICK_VIEW = "proposal_swap_pick"

# A booked stage's controls (value: the stage id); the form's metadata is "stage:kind".
STAGE_RESCHEDULE = "stage_reschedule"
STAGE_HOLD = "stage_hold"
STAGE_CANCEL = "stage_cancel"
STAGE_RESUME = "stage_resume"
STAGE_CONTROL_VIEW = "stage_control"

# An interviewer's DMs.
CANT_MAKE_IT = "interview_decline"
FEEDBACK_OPEN = "feedback_open"
FEEDBACK_VIEW = "feedback_view"

# Interviewer training: the lead's sign-off (value: the trainee's interview id).
TRAINEE_POSITIVE = "trainee_sign_off_positive"
TRAINEE_NOT_YET = "trainee_sign_off_not_yet"

# The loop's thread.
PIVOT = "loop_pivot"
ADVANCE = "decision_advance"
DECLINE = "decision_decline"
OFFER = "decision_offer"

# Deliberate decisions: the forms Decline and Make offer open, and the offer's follow-up.
DECLINE_VIEW = "decision_decline_form"
OFFER_VIEW = "decision_offer_form"
OFFER_DETAILS = "offer_details"
OFFER_ACCEPTED = "offer_accepted"
OFFER_DECLINED = "offer_declined"

# The meeting a pivot adds with the new hiring manager: skipping it (the stage id).
SKIP_MEETING = "meeting_skip"
SKIP_MEETING_VIEW = "meeting_skip_form"

# The candidate's side.
CANDIDATE_SEND = "candidate_send"  # opens the Send to candidate form (value: the stage id)
CANDIDATE_SEND_VIEW = "candidate_send"
CANDIDATE_NOTE = "candidate_note"  # opens the note form (value: "loop_id:kind")
CANDIDATE_NOTE_VIEW = "candidate_note"
