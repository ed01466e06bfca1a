"""A default region (cn / global) from the timezone and the locale. Only a default: probing decides,
and the user can always override it (`--region`, answers `mirror.region`).

Timezone first (TZ, /etc/timezone, the /etc/localtime link): it says where the machine is. When the
timezone says nothing (UTC servers, the rented GPU containers many students in China use), a zh_CN
locale tips it to cn, and so does Simplified Chinese chosen for the interface (`--lang zh`, the wizard's
language switch): the person at the keyboard is the best clue left.
Hong Kong, Macau and Taiwan reach the global hosts directly, so they are `global`.
TORCH_SETUP_REGION (cn, global, or auto for the guess) settles it without guessing; any other value is
bad input (exit 2, naming the variable), as a malformed TORCH_SETUP_DRIVER_VERSION is: a mistyped region
silently ignored would send a user in China to the slow global hosts with no word why.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from installer.errors import InputError
from installer.i18n import _, chosen_language

REGION_VAR = "TORCH_SETUP_REGION"
REGIONS = ("cn", "global")
# what people write instead of `cn` / `global`: only ever suggested, never taken as the region
_SAID_INSTEAD = {**dict.fromkeys(("china", "zh", "zh_cn", "zh-cn", "prc", "mainland", "chn", "aliyun", "tuna",
                                  "ustc", "tsinghua"), "cn"),
                 **dict.fromkeys(("us", "usa", "eu", "europe", "world", "intl", "international", "abroad",
                                  "overseas"), "global")}
CN_ZONES = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "Asia/Urumqi", "Asia/Kashgar",
            "PRC"}
NEUTRAL_ZONES = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Universal", "Zulu", "Etc/Universal", "Etc/Zulu", "UCT"}


@dataclass(frozen=True)
class RegionGuess:
    region: str  # cn | global
    reason: str


def _zone_from_link(target: str) -> str | None:
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def machine_timezone(environ: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """(zone name, where it came from), TORCH_SETUP_ROOT aware for the files."""
    from installer.hardware.root import at, read_text

    env = os.environ if environ is None else environ
    tz = env.get("TZ", "").lstrip(":")
    if tz:
        return (_zone_from_link(tz) or tz), "TZ"
    text = (read_text("/etc/timezone") or "").strip()
    if text:
        return text.splitlines()[0].strip(), "/etc/timezone"
    try:
        link = os.readlink(at("/etc/localtime"))
    except OSError:
        return None, ""
    return _zone_from_link(link), "/etc/localtime"


def said_instead(value: str) -> str | None:
    """cn / global for what people write instead of them (china, tuna, usa), else None."""
    return _SAID_INSTEAD.get(value.strip().lower())


def region_override(environ: Mapping[str, str] | None = None) -> str | None:
    """cn / global from TORCH_SETUP_REGION; None when it is unset, empty or auto. InputError otherwise."""
    env = os.environ if environ is None else environ
    raw = env.get(REGION_VAR, "")
    value = raw.strip().lower()
    if value in REGIONS:
        return value
    if value in ("", "auto"):
        return None
    import difflib

    from installer.shells import unset_command, user_shell

    close = said_instead(value) or next(iter(difflib.get_close_matches(value, [*REGIONS, "auto"], n=1,
                                                                             cutoff=0.5)), None)
    # in the words of the shell of whoever set it ($SHELL of the same environment): fish has no `unset`
    unset = unset_command(REGION_VAR, user_shell(env))
    hint = (_("did you mean {value}? Or unset it to go by the timezone and locale: {unset}", value=repr(close),
              unset=unset) if close else
            _("use cn or global, or unset it to go by the timezone and locale: {unset}", unset=unset))
    raise InputError(_("invalid value {value}: expected cn (mainland China), global or auto", value=repr(raw)),
                     file=_("environment"), key=REGION_VAR, hint=hint)


# `language` left at this: the language the person chose in this process (`--lang`, the wizard's switch)
CHOSEN = "chosen"


def guess_region(environ: Mapping[str, str] | None = None, language: str | None = CHOSEN) -> RegionGuess:
    """`language`: the interface language the person chose; by default i18n.chosen_language(), None for
    none (what an unattended replay of the answers, with no language chosen, would guess)."""
    if language == CHOSEN:
        language = chosen_language()
    env = os.environ if environ is None else environ
    override = region_override(env)
    if override is not None:
        return RegionGuess(override, _("set by TORCH_SETUP_REGION"))
    zone, source = machine_timezone(env)
    locale = next((env[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(v)), "")
    if zone in CN_ZONES:
        return RegionGuess("cn", _("timezone {zone} (from {source})", zone=zone, source=source))
    if zone and zone not in NEUTRAL_ZONES:
        return RegionGuess("global", _("timezone {zone} (from {source})", zone=zone, source=source))
    if locale.lower().startswith(("zh_cn", "zh_sg", "zh-hans")) or locale.lower() == "zh":
        return RegionGuess("cn", _("locale {locale}; the timezone says nothing ({zone})", locale=locale,
                                   zone=zone or _("unknown")))
    if language == "zh":
        return RegionGuess("cn", _("Simplified Chinese was chosen for the interface; the timezone says nothing "
                                   "({zone})", zone=zone or _("unknown")))
    return RegionGuess("global", _("timezone {zone}, locale {locale}: nothing points at mainland China",
                                   zone=zone or _("unknown"), locale=locale or "C"))


def resolve_region(region: str | None, environ: Mapping[str, str] | None = None,
                   language: str | None = CHOSEN) -> str:
    """'cn' / 'global' as given, or the guess for None / 'auto'."""
    if region in ("cn", "global"):
        return region
    return guess_region(environ, language).region


def region_to_record(region: str) -> str:
    """The region an answers file made from this run should name: `auto` stays auto, unless the language
    chosen here decided it. A replay (`install --answers` on the lab's other machines) has no language
    chosen, and would otherwise guess global where this run probed and planned for mainland China."""
    if region != "auto":
        return region
    here = guess_region().region
    return here if here != guess_region(language=None).region else "auto"


def download_region(answers: Any) -> str:
    """cn or global: which of the catalog's download hosts go first (Miniforge, CUDA runfiles, cuda-keyring).
    cn when a mirror chosen by hand (of any kind) is one of the catalog's cn mirrors, or a URL on one of their
    hosts, whatever mirror.region says: that choice says the machine reaches that host (tuna-conda: a network
    where TUNA is the way out), while region global may only mean "not only Chinese mirrors". Otherwise
    mirror.region when it says cn or global, else the guess from the timezone and locale that the index
    probes use (installer.mirrors.region). Found in use: on a network that reaches only domestic hosts,
    Miniforge waited for github.com to time out before TUNA was tried, with region auto and then with
    region global beside mirror.conda: tuna-conda."""
    region = str(answers.mirror.region)
    if region == "cn":
        return region
    from urllib.parse import urlsplit

    from installer.mirrors.catalog import load_catalog

    catalog = load_catalog()
    cn_hosts = {urlsplit(m.url).hostname for m in catalog.mirrors if m.region == "cn"}
    for choice in (answers.mirror.conda, answers.mirror.pypi, answers.mirror.pytorch, answers.mirror.apt):
        entry = catalog.get(str(choice))
        if (entry is not None and entry.region == "cn") or (
                "://" in str(choice) and urlsplit(str(choice)).hostname in cn_hosts):
            return "cn"
    return region if region == "global" else resolve_region(None)
