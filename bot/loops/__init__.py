"""Loop use cases: create a loop, propose a stage's panel, book it, change bookings, and
keep the loop's thread current.

Each use case takes its configuration and the caller's unit of work, raises domain errors,
changes state, audits it and queues the Slack side effects in the outbox — all in the
caller's one transaction. None of them calls Slack.

- ``config``: ``LoopConfig``, what the use cases are configured with;
- ``catalog``: what the templates say about a loop (stage templates, teams, place);
- ``lookups``: shared reads (the roster's teams, who may act, next stage, outbox refs);
- ``views``: the values the Block Kit builders take, read from a loop's rows;
- ``plan_requests``: what the planner is asked (the roster, a stage, a single seat);
- ``proposals``: planning a stage and sending the recruiter its proposal;
- ``creation``: the /schedule-loop form and creating the loop;
- ``booking``: confirm, use an alternative, swap, pick another time;
- ``changes``: an interviewer drops out, cancellations, re-planning a booked stage;
- ``invites``: the interviewer's booking DM and calendar invite, and withdrawing it;
- ``thread``: the root message, each stage's roll-up, completing a stage;
- ``service``: ``LoopService``, the methods the Slack handlers call.
"""
