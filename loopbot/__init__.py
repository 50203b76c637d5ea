"""The composition root: the CLI, the HTTP server and the wiring of bot/, handlers/ and storage/.

It lives outside bot/ because it is the one module allowed to import handlers/
(imports otherwise go handlers → bot → storage). `loopbot.demo` holds the fake Slack,
the signed-request client, the transcript and the sandbox that `loopbot demo` and the
tests drive; the sample roster and templates the demo uses ship beside this file.
"""
