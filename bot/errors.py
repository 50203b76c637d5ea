"""Domain errors. Services raise these; the Slack edge turns them into messages."""

from __future__ import annotations

from collections.abc import Sequence


class LoopbotError(Exception):
    """Something a person can act on; `str()` is the sentence to show them."""


class InputError(LoopbotError):
    """A field a person typed is wrong: names the field and shows an example."""

    def __init__(self, field: str, message: str, example: str = ""):
        self.field = field
        self.message = message
        self.example = example
        text = f"{field}: {message}"
        super().__init__(f"{text} — for example: {example}" if example else text)


class PermissionDenied(LoopbotError):
    pass


class NotFound(LoopbotError):
    pass


class Conflict(LoopbotError):
    """The thing changed under the person (already decided, already booked…)."""


class InvalidForm(LoopbotError):
    """Several fields are wrong at once; each error names its field (a modal block id)."""

    def __init__(self, errors: Sequence[InputError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))
