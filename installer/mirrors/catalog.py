"""The mirror catalog: which mirrors exist for each kind of download, where each fact came from.

The catalog is data (installer/mirrors/data/catalog.yaml, or a file given with `--catalog`), loaded
into pydantic models so that a bad file is an InputError naming the file, the line and the key.
Every URL in it is a candidate to be probed, never trusted as a constant: mirrors move and die.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from installer.errors import InputError
from installer.i18n import _, current_language
from installer.mirrors.urls import url_problem
from installer.yamlfile import Located

Kind = Literal["pypi", "pytorch", "conda", "apt", "cuda", "miniforge"]
KINDS: tuple[Kind, ...] = ("pypi", "pytorch", "conda", "apt", "cuda", "miniforge")
Region = Literal["cn", "global"]
DEFAULT_CATALOG = Path(__file__).with_name("data") / "catalog.yaml"


class _Strict(BaseModel):
    # defer_build: a model builds its validator when first used, not at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class KindInfo(_Strict):
    """What is true of a whole kind: the upstream hosts (links there mean 'not served by the mirror')."""

    upstream_hosts: tuple[str, ...] = ()
    # what the probe fetches: a small real resource, and a real file for the throughput sample
    probe_project: str | None = None  # pypi: /simple/<project>/ (small page; its newest wheel is the sample)
    distro_suites: dict[str, str] = Field(default_factory=dict)  # apt: distro -> codename probed by default
    cuda_repo: str | None = None  # cuda: <distro><version>/<arch> probed by default, e.g. ubuntu2204/x86_64
    runfile: str | None = None  # cuda: a real runfile path below compute/cuda/
    installer: str | None = None  # miniforge: installer file name probed
    default_cuda_variant: str | None = None  # pytorch: the variant probed when a GPU is present


# a Han character: what makes a name Chinese rather than the English one copied over
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def shown_name(name: str, name_zh: str | None, lang: str | None = None) -> str:
    """The name a person reads: the Chinese one when the messages are in Chinese and there is one.
    Many people in China know a mirror by its institution's Chinese name (北京外国语大学), not by the
    English abbreviation (BFSU)."""
    return name_zh if name_zh and (lang or current_language()) == "zh" else name


class Mirror(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: Kind
    name: str
    url: str
    region: Region
    upstream: bool = False
    source: str = Field(min_length=3)
    # the name in Simplified Chinese (the institution's own), and where that name was read: a row's
    # `source` is about its URL, not about what the institution calls itself
    name_zh: str | None = None
    name_zh_source: str | None = Field(default=None, min_length=3, validate_default=True)
    notes: str = ""
    # pytorch wheel indexes: how the per-variant folder is laid out and which variants it is known to carry
    layout: Literal["pep503", "flat"] | None = None
    variants: tuple[str, ...] | None = None  # None: unknown, the probe decides
    # apt: which distribution this archive carries; cuda: a package repo or a runfile host
    distro: Literal["ubuntu", "ubuntu-ports", "debian"] | None = None
    repo: Literal["apt", "runfile"] | None = None
    # conda: how the mirror's help page says to write .condarc
    condarc: Literal["anaconda", "conda-forge", "upstream"] | None = None
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _url(cls, v: str, info: ValidationInfo) -> str:
        problem = url_problem(v)
        # Ubuntu's own archive offers no https; apt verifies signatures, so it may stay listed (the
        # probe still refuses it and says why). Everything else must be https or loopback.
        if problem and (info.data.get("kind") != "apt" or url_problem(v.replace("http://", "https://", 1))):
            raise ValueError(problem)
        return v.rstrip("/")

    @field_validator("name_zh")
    @classmethod
    def _name_zh(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if v != v.strip() or "\n" in v or not _HAN.search(v):
            raise ValueError(_("`name_zh` is the mirror's name in Chinese: one line, with Chinese characters "
                               "in it"))
        return v

    @field_validator("name_zh_source")
    @classmethod
    def _name_zh_source(cls, v: str | None, info: ValidationInfo) -> str | None:
        if "name_zh" not in info.data:  # name_zh itself was refused: that is the error to show
            return v
        if (info.data["name_zh"] is None) != (v is None):
            raise ValueError(_("`name_zh` and `name_zh_source` go together: the Chinese name, and where it was "
                               "read (the institution's own site)"))
        return v

    @model_validator(mode="after")
    def _per_kind(self) -> Mirror:
        if self.kind == "pytorch" and self.layout is None:
            raise ValueError(_("a pytorch wheel index needs `layout: pep503` or `layout: flat`"))
        if self.kind == "apt" and self.distro is None:
            raise ValueError(_("an apt mirror needs `distro: ubuntu | ubuntu-ports | debian`"))
        if self.kind == "cuda" and self.repo is None:
            raise ValueError(_("a cuda mirror needs `repo: apt` or `repo: runfile`"))
        if self.kind == "conda" and self.condarc is None:
            raise ValueError(_("a conda mirror needs `condarc: anaconda | conda-forge | upstream`"))
        return self

    def shown_name(self, lang: str | None = None) -> str:
        return shown_name(self.name, self.name_zh, lang)

    def variant_url(self, variant: str) -> str:
        """The per-variant index (pep503) or find-links page (flat) of a pytorch wheel index."""
        return f"{self.url}/{variant}"


class Catalog(_Strict):
    version: Literal[1]
    kinds: dict[Kind, KindInfo]
    mirrors: tuple[Mirror, ...]

    @model_validator(mode="after")
    def _checks(self) -> Catalog:
        seen: set[str] = set()
        for m in self.mirrors:
            if m.id in seen:
                raise ValueError(f"mirror id {m.id!r} appears twice")  # reworded by _duplicate_id_error
            seen.add(m.id)
        return self

    def of_kind(self, kind: str) -> list[Mirror]:
        return [m for m in self.mirrors if m.kind == kind and m.enabled]

    def get(self, mirror_id: str) -> Mirror | None:
        return next((m for m in self.mirrors if m.id == mirror_id), None)

    def info(self, kind: str) -> KindInfo:
        return self.kinds.get(kind, KindInfo())  # type: ignore[call-overload]

    def upstream(self, kind: str) -> list[Mirror]:
        return [m for m in self.of_kind(kind) if m.upstream]


def _duplicate_id_error(located: Located, exc: ValidationError) -> InputError | None:
    """Point a duplicate id at the second occurrence rather than at the list."""
    msg = exc.errors()[0]["msg"]
    if "appears twice" not in msg:
        return None
    dup = msg.split("'")[1] if "'" in msg else ""
    ids = [m.get("id") if isinstance(m, dict) else None for m in located.data.get("mirrors", [])]
    second = [i for i, x in enumerate(ids) if x == dup][1:2]
    path = ("mirrors", second[0], "id") if second else ("mirrors",)
    return located.error(path, _("mirror id {id!r} appears twice", id=dup), hint=_("give each mirror its own id"))


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate a catalog; a bad file raises InputError naming file, line and key."""
    if path is None:
        return _default_catalog()
    return _load(Path(path))


@cache
def _default_catalog() -> Catalog:
    return _load(DEFAULT_CATALOG)


def _load(path: Path) -> Catalog:
    from installer.yamlfile import load_yaml, pydantic_error

    located = load_yaml(path)
    if not isinstance(located.data, dict):
        raise located.error((), _("a mirror catalog must be a mapping with `version`, `kinds` and `mirrors`"))
    try:
        return Catalog.model_validate(located.data)
    except ValidationError as exc:
        raise (_duplicate_id_error(located, exc) or pydantic_error(located, exc)) from None
