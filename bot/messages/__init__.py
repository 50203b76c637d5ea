"""Block Kit builders: pure functions from plain values to Slack payloads, one module per
surface. Times are always Slack date tokens, so every reader sees their own zone.

- ``action_ids``: action and callback ids, the contract with handlers/;
- ``values``: the plain values builders take (LoopView, SlotView, FeedbackView, ...);
- ``blocks``: the Block Kit primitives the surfaces share;
- ``forms``: /schedule-loop and "pick another time";
- ``proposal``: the recruiter's proposal (or why no full panel fits);
- ``interviewer``: an interviewer's booking, cancellation and reminder DMs;
- ``feedback``: prompts, the form, the thanks, the panel's feedback, overdue notices;
- ``thread``: the loop's root message and per-stage roll-up in the recruiting channel;
- ``notes``: one-line notes to a recruiter's DM or a loop's thread;
- ``pivot``: centralized hiring (the pivot form and summary, /loop-pool);
- ``home``: the App Home tab.
"""
