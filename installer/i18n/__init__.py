"""One catalog for every string a person reads, in the CLI and in the wizard.

Strings are written in English in the code and wrapped in `_()`; the English text is the key, and
`zh.yaml` beside this file maps it to Simplified Chinese. A missing translation falls back to English.
Placeholders use str.format names: `_("found {n} GPUs", n=2)`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("en", "zh")
_current: str | None = None
_chosen: str | None = None  # what the person asked for (--lang, the wizard's switch), not the locale's


def _locale_language(env: Mapping[str, str]) -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def console_drops_chinese(environ: Mapping[str, str] | None = None) -> bool:
    """The locale asks for Chinese, but this is the Linux kernel's text console (TERM=linux): it draws at
    most 512 glyphs and no Chinese ones, so every message would be a row of diamonds. That console is
    where people end up when a driver install took the desktop down, so English is the default there;
    `--lang zh` still gives Chinese (fbterm and other framebuffer terminals can draw it)."""
    env = os.environ if environ is None else environ
    return env.get("TERM") == "linux" and _locale_language(env) == "zh"


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return "en" if console_drops_chinese(env) else _locale_language(env)


def set_language(lang: str | None) -> str:
    global _current, _chosen
    _chosen = lang if lang in LANGUAGES else None
    _current = _chosen or language_from_env()
    return _current


def chosen_language() -> str | None:
    """The language the person chose (`--lang`, the wizard's switch); None when it came from the locale.
    A choice says something about the person (the mirror region counts it), a default locale does not."""
    return _chosen


def current_language() -> str:
    return _current or set_language(None)


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang == "en":
        return {}
    path = Path(__file__).with_name(f"{lang}.yaml")
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _(text: str, /, **values: object) -> str:
    translated = catalog(current_language()).get(text) or text
    return translated.format(**values) if values else translated
