"""Reading what the candidate gets: links in their mail, their page over HTTP."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class Page:
    status: int
    text: str
    headers: dict


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def link_in(message: EmailMessage) -> str:
    text, _ = parts(message)
    return re.search(r"https://loopbot\.example\.com(/c/[A-Za-z0-9._-]+)", text).group(1)


def fetch(base: str, path: str, form: dict | list | None = None) -> Page:
    data = None if form is None else urllib.parse.urlencode(form, doseq=True).encode()
    request = urllib.request.Request(base + path, data=data)
    try:
        with _opener.open(request, timeout=20) as response:
            return Page(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Page(error.code, error.read().decode(), dict(error.headers))


def options_on(page: Page) -> list[str]:
    return re.findall(r'name="start" value="([^"]+)"', page.text)


def attachments(message: EmailMessage) -> list[tuple[str, str, str]]:
    """(filename, method parameter, content) of each .ics attached."""
    found = []
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            content = part.get_content()
            content = content.decode() if isinstance(content, bytes) else content
            found.append((part.get_filename(), part.get_param("method"), content))
    return found
