"""A templates file as read: its TOML data, the line each key is on, and the error that
points at one of those lines."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PathKey = tuple[str | int, ...]


class TemplateError(Exception):
    """A template file that cannot be used; ``str()`` is ``<file>:<line>: <what is wrong>``."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_\-]+|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_AOT_HEADER = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]")
_KEY_LINE = re.compile(rf"^\s*({_DOTTED})\s*=")
_DOTTED_PART = re.compile(_BARE_OR_QUOTED)


def _split_dotted(text: str) -> list[str]:
    return [part.strip("\"'") for part in _DOTTED_PART.findall(text)]


def _bracket_depth(value: str) -> int:
    """Net count of open [ / { in a value, ignoring those inside strings."""
    depth = 0
    quote = ""
    for char in value:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def locate_keys(text: str) -> dict[PathKey, int]:
    """Map each table and key path in a TOML text to the line (1-based) that defines it.

    Array-of-tables elements get integer indices, as in the parsed document, so a path from
    validation (``("tracks", "ic", "stages", 2, "seats", 0, "role")``) finds its line. This is a
    line scanner, not a parser: it only has to be right for files tomllib already accepted.
    """
    lines: dict[PathKey, int] = {}
    aot_counts: dict[PathKey, int] = {}
    current: PathKey = ()
    depth = 0

    def resolve(keys: Sequence[str]) -> list[str | int]:
        out: list[str | int] = []
        for key in keys:
            out.append(key)
            count = aot_counts.get(tuple(out))
            if count:
                out.append(count - 1)
        return out

    for number, line in enumerate(text.splitlines(), start=1):
        if depth > 0:
            depth += _bracket_depth(line)
            continue
        if match := _AOT_HEADER.match(line):
            keys = _split_dotted(match.group(1))
            path = resolve(keys[:-1]) + [keys[-1]]
            aot_counts[tuple(path)] = aot_counts.get(tuple(path), 0) + 1
            lines.setdefault(tuple(path), number)
            current = (*path, aot_counts[tuple(path)] - 1)
            lines.setdefault(current, number)
        elif match := _TABLE_HEADER.match(line):
            current = tuple(resolve(_split_dotted(match.group(1))))
            lines.setdefault(current, number)
        elif match := _KEY_LINE.match(line):
            path = (*current, *_split_dotted(match.group(1)))
            lines.setdefault(path, number)
            depth = max(0, _bracket_depth(line[match.end() :]))
    return lines


@dataclass(frozen=True)
class TemplateSource:
    name: str
    data: dict[str, Any]
    lines: dict[PathKey, int]

    def depth_of(self, path: PathKey) -> int:
        """How much of ``path`` this source's document contains."""
        node: Any = self.data
        for index, key in enumerate(path):
            in_table = isinstance(node, dict) and isinstance(key, str) and key in node
            in_array = isinstance(node, list) and isinstance(key, int) and key < len(node)
            if not (in_table or in_array):
                return index
            node = node[key]
        return len(path)

    def line_of(self, path: PathKey) -> int:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def read_source(path: str | Path) -> TemplateSource:
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(name, 1, f"cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
        raise TemplateError(name, line, "not UTF-8 text; save the file as UTF-8") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else 1
        message = message[: match.start()].strip() if match else message
        raise TemplateError(name, line, f"invalid TOML: {message}") from exc
    return TemplateSource(name, data, locate_keys(text))
