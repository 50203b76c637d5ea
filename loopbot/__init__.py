"""The composition root: the CLI, the HTTP server and the wiring of bot/, handlers/ and storage/.

It lives outside bot/ because it is the one module allowed to import handlers/
(imports otherwise go handlers → bot → storage), and it also ships the fake
Slack that `loopbot demo` and the tests drive.
"""
