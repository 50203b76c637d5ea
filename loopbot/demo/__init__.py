"""`loopbot demo` and the test harness: the whole bot on a fake Slack.

- ``fake_slack``: a fake Slack Web API server that records what the bot sends;
- ``slack_requests`` (with ``signing`` and ``payloads``): people's clicks, commands and form
  submissions, signed and shaped as Slack sends them to the bot's Request URL;
- ``transcript``: recorded Web API calls as what each person saw;
- ``sandbox``: the served bot wired to the fake, with the moves people make;
- ``script``: the demo's story, scene by scene (``run_demo``).

Nothing in bot/, handlers/ or storage/ imports this package.
"""
