"""Typed reads of a templates document's fields, each failing with a ``TemplateError`` at
the line of the file the field came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.planning.template_source import PathKey, TemplateError, TemplateSource


class FieldChecks:
    def __init__(self, sources: list[TemplateSource]) -> None:
        # The user's file comes first so that, on a tie, its line is the one reported.
        self.sources = sources

    def fail(self, path: PathKey, message: str) -> TemplateError:
        source = max(self.sources, key=lambda s: s.depth_of(path))
        return TemplateError(source.name, source.line_of(path), message)

    def table(self, value: Any, path: PathKey, allowed: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"{_dotted(path)} must be a table")
        for key in value:
            if key not in allowed:
                raise self.fail(
                    (*path, key),
                    f"unknown key {key!r} in {_dotted(path) or 'the top level'}; "
                    f"expected one of: {', '.join(allowed)}",
                )
        return value

    def text(self, table: dict[str, Any], key: str, path: PathKey, default: str | None = None):
        value = table.get(key, default)
        if value is None:
            raise self.fail(path, f"{_dotted(path)} is missing {key!r}")
        if not isinstance(value, str) or not value.strip():
            raise self.fail((*path, key), f"{key} must be a non-empty string")
        return value

    def integer(self, table: dict[str, Any], key: str, path: PathKey, default: int, lo: int = 0):
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail((*path, key), f"{key} must be an integer, got {value!r}")
        if value < lo:
            raise self.fail((*path, key), f"{key} must be at least {lo}, got {value}")
        return value

    def flag(self, table: dict[str, Any], key: str, path: PathKey, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail((*path, key), f"{key} must be true or false")
        return value

    def pair(self, table: dict[str, Any], key: str, path: PathKey, lo: int = 0):
        value = table.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
        ):
            raise self.fail((*path, key), f"{key} must be a pair of integers [low, high]")
        if value[0] < lo or value[0] > value[1]:
            raise self.fail(
                (*path, key),
                f"{key}: low {value[0]} is above high {value[1]}"
                if value[0] > value[1]
                else f"{key} must be at least {lo}",
            )
        return (value[0], value[1])

    def strings(self, table: dict[str, Any], key: str, path: PathKey) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail((*path, key), f"{key} must be a list of strings")
        return tuple(value)


def _dotted(path: PathKey) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out
