"""Candidate emails from Jinja2 templates (`templates/<name>.txt` and `.html`): plain text
and an HTML part that says the same, autoescaped. Times arrive already written in the
candidate's zone (`bot.candidate.itinerary`); nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

_ENV = Environment(
    loader=PackageLoader("bot.mail", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,  # a missing value is a bug, not a blank in someone's mail
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(name: str, subject: str, **context) -> Rendered:
    text = _ENV.get_template(f"{name}.txt").render(subject=subject, **context)
    html = _ENV.get_template(f"{name}.html").render(subject=subject, **context)
    return Rendered(subject, text, html)
