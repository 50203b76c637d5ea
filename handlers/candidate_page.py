"""The candidate's page at `/c/<token>` on the same WSGI server: plain server-rendered HTML
(Jinja2, autoescaped), forms that work without JavaScript, one transaction per submission,
and a friendly page with a 4xx for a wrong, tampered or expired link — never a 500, never
another candidate's data."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from urllib.parse import parse_qs, quote

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.candidate.answers import TimeTaken
from bot.candidate.links import PATH, BadLink, ExpiredLink
from bot.errors import InvalidForm, LoopbotError
from bot.services import Services

log = logging.getLogger("loopbot.candidate_page")
MAX_FORM = 64 * 1024
_ENV = Environment(
    loader=PackageLoader("handlers", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
DONE = {
    "booked": "You are booked. Your itinerary is below, and it is on its way to your inbox.",
    "proposed": "Thank you! We are confirming the time with the panel and will email you.",
    "no_plan": "Thank you! We are finding a time that suits everyone and will email you.",
    "format": "Thank you: we have noted the format you chose.",
    "accommodations": "Thank you: the people who need to know have been told.",
    "teams": "Thank you: we have noted the teams you lean toward.",
    "reschedule": "Thank you: your recruiter has your request and will be in touch.",
}
Respond = Callable[[str, list[tuple[str, str]]], object]


def candidate_page(services: Services) -> Callable:
    """The WSGI application for every path under /c/."""

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        rest = path[len(PATH) :]
        token, _, tail = rest.partition("/")
        try:
            if method in ("GET", "HEAD") and tail == "itinerary.ics":
                return _calendar(services, token, start_response)
            if tail:
                return _problem(start_response, "404 Not Found", "There is no such page.")
            if method in ("GET", "HEAD"):
                done = parse_qs(environ.get("QUERY_STRING", "")).get("done", [""])[0]
                return _show(services, token, start_response, notice=DONE.get(done, ""))
            if method == "POST":
                return _submit(services, token, environ, start_response)
            return _problem(
                start_response, "405 Method Not Allowed", "That is not something this page does."
            )
        except ExpiredLink:
            return _problem(
                start_response,
                "410 Gone",
                "This link has expired. Please ask your recruiter for a new one; "
                "nothing you gave us before is lost.",
            )
        except BadLink:
            return _problem(
                start_response,
                "404 Not Found",
                "We could not find this page. Please use the link from your most recent email.",
            )
        except Exception as error:  # a friendly page, never a traceback
            frames = "".join(traceback.format_tb(error.__traceback__))
            log.error("candidate page failed: %s\n%s", type(error).__name__, frames)
            return _problem(
                start_response,
                "503 Service Unavailable",
                "Something went wrong on our side. Please try again in a minute.",
            )

    return application


def _show(services, token, start_response, *, notice="", errors=None, status="200 OK", form=None):
    def read_page():
        with services.uow() as uow:
            return services.candidate.page(uow, token, services.clock.now())

    view = services.run(read_page)  # self-schedule options may read people's calendars
    body = _ENV.get_template("candidate.html").render(
        page=view,
        action=f"{PATH}{quote(token)}",
        calendar=f"{PATH}{quote(token)}/itinerary.ics",
        notice=notice,
        errors=errors or {},
        form=form or {},
    )
    return _html(start_response, status, body)


def _submit(services, token, environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= MAX_FORM:
        return _problem(start_response, "413 Content Too Large", "That form was too large to read.")
    raw = environ["wsgi.input"].read(length).decode("utf-8", "replace") if length else ""
    form = parse_qs(raw, keep_blank_values=True)

    def answer():
        with services.uow() as uow:
            done = services.candidate.answer(uow, token, form, services.clock.now())
            uow.commit()
            return done

    try:
        done = services.run(answer)  # a time picked is re-checked against calendars
    except InvalidForm as invalid:
        errors = {e.field: f"{e.message} — for example: {e.example}" for e in invalid.errors}
        kept = {k: v[0] for k, v in form.items() if v}
        return _show(
            services, token, start_response, errors=errors, status="400 Bad Request", form=kept
        )
    except TimeTaken as taken:
        return _show(
            services, token, start_response, errors={"start": str(taken)}, status="409 Conflict"
        )
    except LoopbotError as error:
        return _show(services, token, start_response, notice=str(error), status="409 Conflict")
    location = f"{PATH}{quote(token)}?done={quote(done)}"
    start_response("303 See Other", [("Location", location), ("Content-Length", "0")])
    return [b""]


def _calendar(services, token, start_response):
    with services.uow() as uow:
        content = services.candidate.calendar(uow, token, services.clock.now()).encode()
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", 'attachment; filename="interviews.ics"'),
            ("Content-Length", str(len(content))),
        ],
    )
    return [content]


def _problem(start_response, status: str, message: str):
    body = _ENV.get_template("candidate_problem.html").render(message=message)
    return _html(start_response, status, body)


def _html(start_response, status: str, body: str):
    data = body.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
            (
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            ),
        ],
    )
    return [data]
