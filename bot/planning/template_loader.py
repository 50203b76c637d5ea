"""Loading interview-loop templates.

The shipped loops live in ``loop_templates.toml`` beside this module; a user's file is merged
over them (tables merge key by key, arrays replace, except the ``roles`` and
``interview_types`` vocabularies, which a user file extends).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.planning.template_source import read_source
from bot.planning.template_validation import TemplateValidator
from bot.planning.templates import TemplateBook

DEFAULT_TEMPLATES_PATH = Path(__file__).with_name("loop_templates.toml")


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return over


def _merge_documents(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = _merge(base, over)
    for vocabulary in ("roles", "interview_types"):
        if isinstance(base.get(vocabulary), list) and isinstance(over.get(vocabulary), list):
            extra = [item for item in over[vocabulary] if item not in base[vocabulary]]
            merged[vocabulary] = base[vocabulary] + extra
    return merged


def load_templates(
    extra_path: str | Path | None = None, *, base_path: str | Path | None = None
) -> TemplateBook:
    """Load the shipped templates (or ``base_path``), merge ``extra_path`` over them, validate."""
    sources = [read_source(base_path or DEFAULT_TEMPLATES_PATH)]
    merged = sources[0].data
    if extra_path is not None:
        sources.insert(0, read_source(extra_path))
        merged = _merge_documents(merged, sources[0].data)
    return TemplateValidator(sources, merged).book()
