"""Answers v1: every decision of a run, in one model.

The wizard fills it, an answers file (YAML) fills it, and `install --answers F` replays it on another
machine. Every key has a default, documented in its `description` (which is also what the exported
JSON Schema shows an editor). Unknown keys are an error, and so is any value that is not what its key
means: versions are PEP 440 versions (or `latest`), paths are paths, URLs are URLs. Values are checked
here, once, so that nothing downstream has to wonder whether a field could smuggle in a shell command.
"""

from __future__ import annotations

import errno
import json
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import quote, urlsplit

import yaml
from packaging.version import InvalidVersion, Version
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema

from installer.i18n import _
from installer.i18n.phrases import listed
from installer.yamlfile import HintedValueError, Located, load_yaml, parse_yaml, pydantic_error

ANSWERS_VERSION = 1

# A path may hold spaces (it only ever becomes one whole argv item), but never control characters.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_VARIANT = re.compile(r"^(auto|cpu|cu[0-9]{3}|rocm[0-9]+\.[0-9]+(\.[0-9]+)?|xpu|mps)$")
_PY_VERSION = re.compile(r"^3\.[0-9]{1,2}$")
_MIRROR_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# what a URL may hold: no space, quote or shell character (written with no `\"`, which an ECMA-262
# pattern in unicode mode, as editors compile the schema's, refuses)
_URL_CHARS = "[^\\s\"'`\\\\<>|;&$(){}]"
_URL = re.compile(r"^(https?|file)://" + _URL_CHARS + "+$")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_NOT_IN_URL = re.compile(r"[\x00-\x1f\x7f\s\"'`\\<>|;&$(){}]")  # what _URL_CHARS leaves out, controls too
# the names of a value's $NAME and ${NAME}, to blame one; `$$` (a `$` of the value itself) matches with no name
_NAMED = re.compile(r"\$(?:\$|\{?([A-Za-z_][A-Za-z0-9_]*))")
_BRANCH = re.compile(r"^[0-9]{3}$")  # 550, 570, 580: NVIDIA's branches are the first number of a driver version
_DRIVER_VERSION = re.compile(r"^([0-9]{3})\.[0-9.]*$")  # 580.65, 580.65.06: a driver version written for a branch
_WINDOWS = re.compile(r"^[A-Za-z]:([\\/]|$)")
_CUDA = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}(\.[0-9]{1,3})?")

# The same rules as JSON Schema patterns (ECMA-262 regular expressions), for `torch-setup answers schema`:
# an editor that checks a file against the schema must refuse what the checker refuses. What depends on
# the machine (a ~user, an unset $NAME, a file in a folder's place) stays the checker's alone.
_NOT_IN_PATH = r"\x00-\x1f\x7f\\"  # control characters, and the backslash of a Windows path
_PATH_BODY = (r"(?!-)(?![A-Za-z]:(?:/|$))"  # not an option, not C:/ (C:\ has its backslash)
              r"(?=[^" + _NOT_IN_PATH + r"]*\S)[^" + _NOT_IN_PATH + r"]+")  # not blank
_PATH_PATTERN = "^" + _PATH_BODY + "$"
_INTERPRETER_PATTERN = ("^(?:" + _PY_VERSION.pattern[1:-1] + "|(?=~|[^" + _NOT_IN_PATH + "]*/)" + _PATH_BODY
                        + ")$")  # a version, or a path with a '/' or a leading '~'
# kind: existing installs into an interpreter that is there: its path, never a version to look for
_INTERPRETER_PATH_PATTERN = "^(?=~|[^" + _NOT_IN_PATH + "]*/)" + _PATH_BODY + "$"
_BRANCH_PATTERN = "^(?:latest|" + _BRANCH.pattern[1:-1] + ")$"
_CUDA_PATTERN = "^(?:auto|" + _CUDA.pattern + ")$"


def _any_case(*words: str) -> str:
    """`(?:[aA][bB]|...)`: ECMA-262 patterns have no flag for case, and PEP 440 ignores it."""
    return "(?:" + "|".join("".join(f"[{c.lower()}{c.upper()}]" for c in word) for word in words) + ")"


def _torch_version_pattern() -> str:
    """`latest` or a PEP 440 version (packaging's VERSION_PATTERN) with no local part, and only the
    characters `_version` allows: `.` or `-` between the parts, never `_`."""
    sep = "[-.]?"
    pre = sep + _any_case("alpha", "a", "beta", "b", "preview", "pre", "c", "rc") + sep + "[0-9]*"
    post = "(?:-[0-9]+|" + sep + _any_case("post", "rev", "r") + sep + "[0-9]*)"
    dev = sep + _any_case("dev") + sep + "[0-9]*"
    version = "[vV]?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*(?:" + pre + ")?" + post + "?(?:" + dev + ")?"
    return r"^\s*(?:latest|" + version + r")\s*$"


def _mirror_pattern() -> str:
    """auto, none, a mirror id, or an https:// URL with a host (http:// only to this machine)."""
    port = "(?::0*(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])?)?"
    rest = "(?:[/?#].*)?"
    host = r"(?:\[[0-9A-Fa-f:.]+\]|[^/?#@:\[\]]+)"
    loopback = (_any_case("localhost") + r"|127(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}"
                + r"|\[::1\]")
    user = "(?:[^/?#]*@)?"
    https = "https://" + user + host + port + rest
    http = "http://" + user + "(?:" + loopback + ")" + port + rest
    # $NAME and ${NAME} inside the URL: whether they are set, and what they hold, is the checker's to say
    variable = r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)"
    chars = "(?:" + _URL_CHARS + "|" + variable + ")"
    return "^(?:auto|none|[a-z0-9][a-z0-9._-]*|(?=[a-z]+://" + chars + "+$)(?:" + https + "|" + http + "))$"


def _version(value: str) -> str:
    """A PEP 440 release such as 2.13.0 (no local part: the variant says which build)."""
    text = value.strip()
    try:
        v = Version(text)
    except InvalidVersion:
        raise ValueError(_("{value} is not a version (write it like 2.13.0)", value=repr(value))) from None
    if v.local is not None:
        raise ValueError(_("{value}: leave out the local part (+cpu, +cu126): the variant key says which build",
                           value=repr(value)))
    if not re.fullmatch(r"[0-9A-Za-z.!+-]+", text):
        raise ValueError(_("{value} is not a version (write it like 2.13.0)", value=repr(value)))
    return text


def _torch_version(value: str) -> str:
    return "latest" if value.strip() == "latest" else _version(value)


def _variant(value: str) -> str:
    if not _VARIANT.fullmatch(value):
        raise ValueError(_("{value} is not a variant: use auto, cpu, cuNNN (cu126), rocmX.Y (rocm6.3), xpu or mps",
                           value=repr(value)))
    return value


def _path(value: str) -> str:
    if not value or not value.strip():
        raise ValueError(_("the path is empty"))
    if _CONTROL.search(value):
        raise ValueError(_("a path cannot hold control characters (newline, tab, NUL)"))
    if value.startswith("-"):
        raise ValueError(_("{value}: a path cannot start with '-' (write ./{path} for a relative one)",
                           value=repr(value), path=value))
    if _WINDOWS.match(value) or "\\" in value:
        # on Linux `C:\Users\me\env` is one odd folder name in the working directory, not what was meant
        raise ValueError(_("{value} is a Windows path: torch-setup installs on Linux, where paths look like "
                           "/home/me/torch-env or ~/torch-env", value=f"'{value}'"))
    _check_home(value)
    _check_variables(value)
    return value


def _check_variables(value: str) -> None:
    """The $NAME / ${NAME} in a path are read from the environment (installer.paths.expand, where the
    path is used); one that is unset would become a folder literally named `$NAME`. `$$` is a `$` of the name."""
    from installer.paths import expand, unset_variables, with_unset_escaped

    unset = unset_variables(value)
    if unset:
        # "write the path out in full" did not help a folder named `it's $x`: it was written in full
        raise HintedValueError(_("{name} is not set in the environment", name="$" + unset[0]),
                               _("set it (export {name}=...) before running torch-setup, or write $$ for a $ that "
                                 "is part of the name: {path}", name=unset[0], path=with_unset_escaped(value)))
    if _CONTROL.search(expand(value)):  # a variable's value is as much the path as what was written
        raise ValueError(_("a path cannot hold control characters (newline, tab, NUL)"))


def _check_home(value: str) -> None:
    """`~name/...` is the home of the user `name`; where there is no such user, expanduser leaves it alone
    and the path becomes a folder called `~name` in the working directory, which nobody meant."""
    from installer.paths import no_such_user

    problem = no_such_user(value)
    if problem is not None:
        raise HintedValueError(*problem)


def _interpreter(value: str) -> str:
    """A Python version (3.11) to find or create, or the path of an interpreter."""
    if _PY_VERSION.fullmatch(value):
        return value
    if "/" not in value and not value.startswith("~"):
        raise ValueError(_("{value}: give a Python version like 3.11, or the path of an interpreter "
                           "like /usr/bin/python3.11", value=repr(value)))
    return _path(value)


def _mirror(value: str, kind: str | None = None) -> str:
    """auto | none | a mirror id from the catalog | a URL. $NAME and ${NAME} are read from the environment
    here, as a path's are (installer.paths.expand): an admin keeps an index token out of a file that twenty
    machines share (https://admin:${PYPI_TOKEN}@host/simple). The answers hold the URL expanded, the way
    pip and uv need it; wherever it is shown, its credentials are hidden (installer.redaction). `kind`: the
    mirror key (pypi, pytorch, conda, apt), whose kind of address the hints give as the example."""
    if value in ("auto", "none") or _MIRROR_ID.fullmatch(value):
        return value
    if not _SCHEME.match(value):  # a variable stands for part of a URL, not for a whole choice
        message = _("{value} is not auto, none, a mirror id (`torch-setup mirrors` lists them) or an http(s):// URL",
                    value=repr(value))
        # found in use: `mirrors.tuna.tsinghua.edu.cn/anaconda`, copied without its scheme, got no way forward
        typed = "https://" + value if _LOOKS_LIKE_HOST.match(value) else None
        example = _as_kind(typed, kind) if typed and _URL.fullmatch(typed) else None
        if example:
            raise HintedValueError(message, _("write {url}", url=example))
        raise ValueError(message)
    from installer.mirrors.urls import url_problem
    from installer.paths import expand, unset_variables

    unset = unset_variables(value)
    if unset:
        raise HintedValueError(_("{name} is not set in the environment", name="$" + unset[0]),
                               _("set it (export {name}=...) before running torch-setup; a '$' that is part of "
                                 "a password is written %24", name=unset[0]))
    url = expand(value) if "$" in value else value
    if not _URL.fullmatch(url) or _CONTROL.search(url):
        raise _url_refused(value, url, kind)
    _check_host_part(value)
    problem = url_problem(url)
    if problem and _names_no_host(url):  # https:///simple, https://bob@: an http(s) URL all the same
        problem = _("the URL names no host")
    if problem:
        https = "https://" + value.split("://", 1)[1] if value.startswith("http://") and not _names_no_host(url) else None
        # the https form of what was typed, as its key needs it: found in use, a conda channel's http address
        # was answered with a PyPI mirror as the example
        example = _as_kind(https, kind) if https and url_problem(expand(https) if "$" in https else https) is None else None
        raise HintedValueError(f"{value}: {problem}", _("write {url} (http:// only for 127.0.0.1 or localhost)",
                                                        url=example) if example else _mirror_hint(kind))
    return url


def _mirror_of_key(value: str, info: ValidationInfo) -> str:
    return _mirror(value, info.field_name)


# `host.name/path` or `host:port/...`: a URL written without its scheme
_LOOKS_LIKE_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]+)?(/\S*)?$")

# an address of each key's kind, for the hints (catalog entries: installer/mirrors/data/catalog.yaml)
_EXAMPLES = {"pypi": "https://mirrors.aliyun.com/pypi/simple", "pytorch": "https://download.pytorch.org/whl",
             "conda": "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge",
             "apt": "https://mirrors.tuna.tsinghua.edu.cn/ubuntu"}


def _mirror_hint(kind: str | None = None) -> str:
    if kind in _EXAMPLES:
        return _("give the mirror's https:// address, such as {url} (http:// only for 127.0.0.1 or localhost)",
                 url=_EXAMPLES[kind])
    return _("give the mirror's https:// address, such as https://mirrors.aliyun.com/pypi/simple (http:// only "
             "for 127.0.0.1 or localhost)")


def _as_kind(url: str | None, kind: str | None) -> str | None:
    """`url` as the key `kind` takes it (a conda channel's forms mapped to its conda-forge channel), or the
    same site's address of that kind (a PyPI key given a site's conda channel); None when it is of another
    kind and the site's own is not known, so that a hint never offers an address of the wrong kind."""
    if url is None:
        return None
    try:
        if kind == "conda":
            from installer.mirrors.writers.conda import conda_forge_channel

            return conda_forge_channel(url)
        if kind == "pypi":
            from installer.mirrors.shapes import pypi_url_problem, site_mirror

            if pypi_url_problem(url) is None:
                return url
            site = site_mirror((urlsplit(url).hostname or "").lower(), _catalog(), "pypi")
            return site.url if site is not None else None
        if kind == "pytorch":
            from installer.mirrors.pick import pypi_mirror_as_torch_index

            return None if pypi_mirror_as_torch_index(url) is not None else url
    except ValueError:
        return None
    return url


def _catalog() -> Any:
    from installer.mirrors.catalog import load_catalog

    return load_catalog()


def _names_no_host(url: str) -> bool:
    try:
        return url.startswith(("http://", "https://")) and not urlsplit(url).hostname
    except ValueError:  # not one url_problem could take apart: it says so
        return False


def _check_host_part(value: str) -> None:
    """A variable before the URL's path (a token: https://admin:${TOKEN}@host) that holds '/', '?' or '#'
    ends the host part there: base64 tokens hold '/', and the URL then names another host, or a port that
    is no number, with nothing in the file to show why."""
    authority = re.split(r"[/?#]", value.split("://", 1)[1], maxsplit=1)[0]
    for name in _NAMED.findall(authority):
        found = re.search(r"[/?#]", os.environ.get(name, ""))
        if found:
            char = found.group()
            raise HintedValueError(_("{value}: ${name} holds {char}, which ends the URL's host part there",
                                     value=repr(value), name=name, char=repr(char)),
                                   _("percent-encode it in the variable ({encoded} for {char})",
                                     encoded=quote(char, safe=""), char=repr(char)))


def _url_refused(value: str, url: str, kind: str | None = None) -> ValueError:
    """Why `url` (`value` with its variables read) is no mirror URL, in words that name the real problem:
    found in use, https://admin:${PYPI_TOKEN}@host was refused as "not an http(s):// URL"."""
    if not url.startswith(("http://", "https://")):  # ftp://, HTTPS://: true as it stands
        return ValueError(_("{value} is not auto, none, a mirror id (`torch-setup mirrors` lists them) or an http(s):// URL",
                            value=repr(value)))
    bad = _NOT_IN_URL.search(url)
    if bad is not None:
        char = bad.group()
        encoded = quote(char, safe="")
        holder = next((name for name in _NAMED.findall(value) if char in os.environ.get(name, "")), None)
        if holder:
            return HintedValueError(_("{value}: ${name} holds {char}, which a URL cannot hold",
                                      value=repr(value), name=holder, char=repr(char)),
                                    _("percent-encode it in the variable ({encoded} for {char})",
                                      encoded=encoded, char=repr(char)))
        return HintedValueError(_("{value}: a URL cannot hold {char}", value=repr(value), char=repr(char)),
                                _("percent-encode it ({encoded} for {char}); a password or token can come from "
                                  "an environment variable: write $NAME or ${{NAME}} in its place",
                                  encoded=encoded, char=repr(char)))
    return HintedValueError(f"{value}: " + _("the URL names no host"), _mirror_hint(kind))  # `https://` alone


def mirror_problem(value: str, kind: str | None = None, region: str = "auto") -> tuple[str, str] | None:
    """(why, what to do; may be empty) when a mirror choice would be refused in an answers file, else None:
    the wizard checks typed URLs with this same rule as the user leaves the field, instead of failing later
    on the Review screen. `kind`: the answers key (pytorch refuses a PyPI mirror), `region`: mirror.region,
    for the mirrors it names. Kept apart, as the answers file's errors keep them: joined with ". " the
    Chinese read "…的页面. PyPI 镜像应写在…" (found in use)."""
    try:
        url = _mirror(value, kind)
        if kind == "pytorch":
            _not_a_pypi_mirror(url, region)
        elif kind == "conda":
            _conda_mirror(url)
        elif kind == "pypi":
            _pypi_mirror(url)
    except ValueError as exc:  # what to give instead is the point of a hint: said under the field too
        return str(exc), str(getattr(exc, "hint", ""))
    return None


def _not_a_pypi_mirror(url: str, region: Any) -> str:
    """mirror.pytorch: a PyPI mirror given as the PyTorch wheel index is refused (the plan would append the
    variant to it: installer.mirrors.pick.pypi_mirror_as_torch_index)."""
    if "://" not in url:
        return url
    from installer.mirrors.pick import pypi_mirror_as_torch_index

    said = pypi_mirror_as_torch_index(url, str(region or "auto"))
    if said is not None:
        raise HintedValueError(*said)
    return url


def _pytorch_mirror(value: str, info: ValidationInfo) -> str:
    return _not_a_pypi_mirror(value, info.data.get("region"))


def _pypi_mirror(value: str) -> str:
    """mirror.pypi: an address that is surely no PyPI index (a conda channel, a PyTorch wheel index, a
    mirror site's front page) is refused with the same site's PyPI index to write
    (installer.mirrors.shapes.pypi_url_problem); pip would otherwise write it into the environment's pip.conf
    and find nothing there. Other addresses (a private index) are left to the probe."""
    if "://" not in value:
        return value
    from installer.mirrors.shapes import pypi_url_problem

    said = pypi_url_problem(value)
    if said is not None:
        raise HintedValueError(*said)
    return value


def _conda_mirror(value: str) -> str:
    """mirror.conda: a URL becomes the conda-forge channel it stands for (.../anaconda/cloud and the
    mirrorz endpoint .../anaconda are mapped; Anaconda's pkgs/main, another channel or a bare site is
    refused), as the engine's -c and the .condarc's custom_channels need it
    (installer.mirrors.writers.conda.conda_forge_channel)."""
    if "://" not in value:
        return value
    from installer.mirrors.writers.conda import conda_forge_channel

    return conda_forge_channel(value)


def _branch(value: str) -> str:
    if value == "latest" or _BRANCH.fullmatch(value):
        return value
    version = _DRIVER_VERSION.fullmatch(value)
    if version:
        # '580.65' was taken once and planned as branch 580 under a title that said 580.65
        raise _driver_version_as_branch(repr(value), version.group(1))
    raise ValueError(_("{value} is not a driver branch: use latest or a branch number like 550", value=repr(value)))


def _driver_version_as_branch(shown: str, branch: str) -> HintedValueError:
    return HintedValueError(_("{value} is a driver version, not a branch: a branch is the driver's first number, "
                              "e.g. 580 for driver 580.65.06", value=shown),
                            _("write branch: {branch} (or latest)", branch=branch))


def _cuda(value: str) -> str:
    if value == "auto" or _CUDA.fullmatch(value):
        return value
    raise ValueError(_("{value} is not a CUDA version: use auto or a version like 12.6", value=repr(value)))


def _region(value: Any) -> Any:
    """What people write instead of cn / global (china, tuna, us) gets a hint; anything else is left to the
    Literal's own message."""
    if isinstance(value, str) and value not in ("auto", "cn", "global"):
        from installer.mirrors.region import said_instead

        meant = said_instead(value)
        if meant:
            raise HintedValueError(_("{value} is not a region: use auto, cn (mainland China) or global",
                                     value=repr(value)), _("did you mean {value}?", value=repr(meant)))
    return value


def _pattern(pattern: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern})


TorchVersion = Annotated[str, AfterValidator(_torch_version), _pattern(_torch_version_pattern())]
Variant = Annotated[str, AfterValidator(_variant), _pattern(_VARIANT.pattern)]
PathStr = Annotated[str, AfterValidator(_path), _pattern(_PATH_PATTERN)]
Interpreter = Annotated[str, AfterValidator(_interpreter), _pattern(_INTERPRETER_PATTERN)]
MirrorChoice = Annotated[str, AfterValidator(_mirror_of_key), _pattern(_mirror_pattern())]
PypiMirrorChoice = Annotated[str, AfterValidator(_mirror_of_key), AfterValidator(_pypi_mirror),
                             _pattern(_mirror_pattern())]
PytorchMirrorChoice = Annotated[str, AfterValidator(_mirror_of_key), AfterValidator(_pytorch_mirror),
                                _pattern(_mirror_pattern())]
CondaMirrorChoice = Annotated[str, AfterValidator(_mirror_of_key), AfterValidator(_conda_mirror),
                              _pattern(_mirror_pattern())]


def _whole_number_as_text(value: Any) -> Any:
    """`branch: 580` as admins write it: a whole number is a branch, unlike `version: 2.10`, which YAML
    has already turned into 2.1. `branch: 580.65` is a driver version: putting it in quotes would not make
    it a branch, so it is refused here with the branch to write, not with the usual "put it in quotes"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 580.0, as JSON's number one is 1.0 (the schema's integer takes it too)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if 100 <= value < 1000:
            raise _driver_version_as_branch(str(value), str(int(value)))
        raise ValueError(_("{value} is not a driver branch: use latest or a branch number like 550", value=value))
    return value


DriverBranch = Annotated[str, BeforeValidator(_whole_number_as_text), AfterValidator(_branch), WithJsonSchema(
    {"anyOf": [{"type": "string", "pattern": _BRANCH_PATTERN}, {"type": "integer", "minimum": 100, "maximum": 999}]})]
CudaVersion = Annotated[str, AfterValidator(_cuda), _pattern(_CUDA_PATTERN)]
Extra = Literal["torchvision", "torchaudio"]
DEFAULT_EXTRAS: tuple[Extra, ...] = ("torchvision", "torchaudio")


class _Section(BaseModel):
    # defer_build: a model builds its validator when first used, not at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, defer_build=True)


class Target(_Section):
    """Where torch goes."""

    # `path: ~` is YAML's null, not the home folder: the error suggests a folder inside it (installer.yamlfile;
    # for a key that may be null, _bare_tilde)
    home_examples: ClassVar[dict[str, str]] = {"path": "~/.venv-torch", "python": "~/proj/bin/python"}

    kind: Literal["venv", "conda", "existing"] = Field(
        default="venv", description="venv: create (or reuse) a virtual environment at `path`; conda: a conda "
        "environment at `path`; existing: install into the interpreter given by `python`. Default: venv, and conda "
        "with method: conda.")
    path: PathStr = Field(
        default=".venv-torch", description="The environment's folder. A relative path is taken from the working "
        "directory where torch-setup runs; `~` is your home, and $NAME or ${NAME} is read from the environment "
        "($HOME/venvs/torch; an unset one is an error); $$ is a $ that is part of a folder's name (~/it's $$x/env "
        "is the folder `it's $x`). Unused for kind: existing. Default: .venv-torch.")
    python: Interpreter | None = Field(
        default=None, description="The Python to build the environment with: a version (3.11) or an interpreter's "
        "path (with a '/'; `~` and $NAME or ${NAME} are expanded and $$ is a $, as in path). For kind: existing, the interpreter to install into (required). Default: null, the Python "
        "detection found (`torch-setup detect`).")


class TorchChoice(_Section):
    """Which PyTorch."""

    version: TorchVersion = Field(
        default="latest", description="A PyTorch release (2.13.0) or `latest`: the newest release that fits this "
        "machine and Python; with method: wheel, the build the wheelhouse holds (its variant where variant is "
        "auto, its companions where extras are not given); with method: conda, the newest release torch-setup knows "
        "conda-forge builds, where PyPI's newest is not among them. Default: latest.")
    variant: Variant = Field(
        default="auto", description="The wheel variant: auto, cpu, cuNNN (cu126), rocmX.Y, xpu or mps. auto picks the "
        "best one for the GPU and driver (`torch-setup recommend`); with method: conda, the best one conda-forge builds "
        "(cpu for an AMD or Intel GPU). Default: auto.")
    extras: list[Extra] = Field(
        default_factory=lambda: list(DEFAULT_EXTRAS),
        description="Companion packages, installed at the versions that match torch: torchvision, "
        "torchaudio. Default: [torchvision, torchaudio].", json_schema_extra={"uniqueItems": True})

    @model_validator(mode="after")
    def _unique_extras(self) -> TorchChoice:
        if len(set(self.extras)) != len(self.extras):
            raise _cross(_("an extra is listed twice"), ("torch", "extras"))
        return self


class Mirror(_Section):
    """Where packages come from."""

    region: Annotated[Literal["auto", "cn", "global"], BeforeValidator(_region)] = Field(
        default="auto", description="Which mirrors to consider besides the upstream ones: cn (mainland China), global, or auto "
        "(cn when the timezone is China's, or when it says nothing and the locale is zh_CN or Simplified Chinese "
        "was chosen with --lang zh; global otherwise; TORCH_SETUP_REGION overrides the guess). The wizard writes "
        "the region itself when the language it ran in decided. Default: auto.")
    pypi: PypiMirrorChoice = Field(
        default="auto", description="The PyPI index: auto (the pip configuration already on this machine, else "
        "PyPI), none (PyPI itself), a mirror id from `torch-setup mirrors`, or an https:// URL. In a URL, $NAME or "
        "${NAME} is read from the environment, so that a token stays out of a shared file "
        "(https://admin:${PYPI_TOKEN}@host/simple; an unset one is an error), as in every mirror URL. Default: auto.")
    pytorch: PytorchMirrorChoice = Field(
        default="auto", description="The PyTorch wheel index for variants PyPI does not carry (cpu, cuNNN, rocm): "
        "auto (the fastest reachable), none, a mirror id, or a URL (the index the variant folders are in, such "
        "as https://download.pytorch.org/whl; a PyPI mirror is refused: it goes in mirror.pypi). Default: auto.")
    conda: CondaMirrorChoice = Field(
        default="auto", description="The conda-forge mirror: auto, none, a mirror id, or a URL: the mirror's "
        "conda-forge channel (https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge); .../anaconda/cloud and "
        ".../anaconda are taken as that mirror's conda-forge. Default: auto.")
    apt: MirrorChoice = Field(default="auto", description="The apt mirror: auto, none, an id or a URL. Default: auto.")
    scope: Literal["env", "user", "none"] = Field(
        default="env", description="Where a chosen mirror is written for later use: env (only the new environment), "
        "user (your pip/conda configuration), none (used for this run only). Default: env.")

    @classmethod
    def unknown_key(cls, name: str) -> tuple[str, str] | None:
        """(message, hint) for a key people write here that torch-setup has no answer for (yamlfile asks)."""
        if name == "cuda":
            # `torch-setup mirrors` ranks the catalog's cuda mirrors, but no plan takes CUDA from them:
            # the runfile and cuda-keyring come from NVIDIA's hosts (installer.plan.kinds.runfile,
            # apt.cuda_keyring), and the keyring points apt at NVIDIA's repository
            return (_("unknown key: there is no mirror.cuda answer"),
                    _("CUDA runfiles and cuda-keyring (which sets apt up for NVIDIA's repository) are fetched from "
                      "NVIDIA's own hosts, developer.download.nvidia.cn first with mirror.region: cn. Delete the "
                      "line"))
        return None


class Driver(_Section):
    """The NVIDIA driver."""

    install: StrictBool = Field(default=False, description="Install or upgrade the NVIDIA driver (needs root and a "
                          "reboot); a loaded driver that runs the chosen build, of the branch asked for, is kept. "
                          "Default: false.")
    branch: DriverBranch = Field(default="latest", description="The driver branch (550, 570, 580) or latest: the "
                                 "one the chosen CUDA build needs. Default: latest.")
    source: Literal["auto", "ubuntu-drivers", "nvidia-repo", "runfile"] = Field(
        default="auto", description="Where the driver comes from: ubuntu-drivers (the distribution's packages), "
        "nvidia-repo (NVIDIA's apt repository), runfile, or auto. Default: auto.")
    kernel_modules: Literal["auto", "open", "proprietary"] = Field(
        default="auto", description="open or proprietary kernel modules; auto picks open for Turing and newer, "
        "proprietary before. Default: auto.")


class CudaToolkit(_Section):
    """A system CUDA toolkit (only needed to compile CUDA code; the PyTorch wheels bring their own runtime)."""

    home_examples: ClassVar[dict[str, str]] = {"prefix": "~/cuda"}  # as Target's

    install: StrictBool = Field(default=False, description="Install a CUDA toolkit. Default: false.")
    version: CudaVersion = Field(default="auto", description="The toolkit version (12.6) or auto: the one matching "
                                 "the chosen PyTorch build. Default: auto.")
    source: Literal["apt", "runfile"] = Field(default="apt", description="NVIDIA's apt repository or the runfile. "
                                              "Default: apt.")
    prefix: PathStr | None = Field(default=None, description="Where the runfile installs the toolkit; `~` and $NAME or "
                                   "${NAME} are expanded and $$ is a $, as in target.path. Default: null, /usr/local/cuda-X.Y.")


class Answers(_Section):
    """An answers file (version 1): the whole set of decisions of a torch-setup run."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True,
                              json_schema_extra={"$id": "https://torch-setup/answers-v1.json"})
    home_examples: ClassVar[dict[str, str]] = {"wheelhouse": "~/wheelhouse"}  # as Target's

    version: Literal[1] = Field(default=1, description="The answers format. Always 1.")
    target: Target = Field(default_factory=Target, description="Where torch goes.")
    torch: TorchChoice = Field(default_factory=TorchChoice, description="Which PyTorch.")
    method: Literal["pip", "conda", "wheel", "wheelhouse-build"] = Field(
        default="pip", description="How to install: pip (uv, with pip as the fallback), conda, or wheel (from an "
        "offline wheelhouse, with no network). wheelhouse-build installs nothing: on a machine with network it "
        "downloads the wheels another machine needs into `wheelhouse` (plan it with that machine's report: "
        "--hardware target.json; its platform and Python decide which wheels). Default: pip.")
    wheelhouse: PathStr | None = Field(default=None, description="The folder of wheels: read by method: wheel, "
                                       "filled by method: wheelhouse-build. `~` and $NAME or ${NAME} are expanded "
                                       "and $$ is a $, as in target.path. Default: null.")
    mirror: Mirror = Field(default_factory=Mirror, description="Where packages come from.")
    driver: Driver = Field(default_factory=Driver, description="The NVIDIA driver.")
    cuda_toolkit: CudaToolkit = Field(default_factory=CudaToolkit, description="A system CUDA toolkit.")
    verify: StrictBool = Field(default=True, description="Check that torch works once installed (`torch-setup verify`). "
                         "Default: true.")
    bench: Literal["none", "quick", "full"] = Field(default="none", description="Measure the result afterwards: "
                                                    "none, quick or full. Default: none.")

    @model_validator(mode="before")
    @classmethod
    def _conda_makes_a_conda_environment(cls, data: Any) -> Any:
        """`method: conda` with no target.kind: the environment conda makes is a conda one (found in use: the
        default kind, venv, made the plan say `python: <torch-setup's own>` and "Python 3.11 has wheels for torch"
        of the conda environment it created)."""
        if not isinstance(data, dict) or data.get("method") != "conda":
            return data
        target = data.get("target")
        if target is None:
            return {**data, "target": {"kind": "conda"}}
        if isinstance(target, dict) and "kind" not in target:
            return {**data, "target": {**target, "kind": "conda"}}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Answers:
        if self.target.kind == "existing" and self.target.python is None:
            raise _cross(_("target.kind is existing: give target.python, the interpreter to install into"),
                         ("target", "kind"))
        if self.target.kind == "existing" and _PY_VERSION.fullmatch(self.target.python or ""):
            # found in use: `python: "3.11"` passed every check, then uv and pip looked for a bare python3.11
            # at install time (the system's, PEP 668-managed, here) and failed
            raise _cross(_("target.kind is existing, which installs into an interpreter that is there: give its "
                           "path (such as ~/proj/bin/python), not the version {version}; for a new environment with "
                           "Python {version}, use target.kind: venv", version=self.target.python),
                         ("target", "python"))
        if self.target.kind == "venv" and self.method == "conda":
            raise _cross(_("target.kind is venv, and method: conda makes a conda environment, not a venv: set "
                           "target.kind: conda (the same folder), or method: pip"), ("target", "kind"))
        if self.target.kind == "conda" and self.method in ("pip", "wheel"):
            # the pip and wheel recipes make venvs: their plan had no step at all, and verify then failed
            raise _cross(_("target.kind is conda, which only method: conda makes, and method is {method}: set "
                           "method: conda, or target.kind: venv", method=self.method), ("target", "kind"))
        if self.method == "wheel" and self.wheelhouse is None:
            raise _cross(_("method is wheel: give wheelhouse, the folder of wheels"), ("method",))
        if self.method == "wheelhouse-build" and self.wheelhouse is None:
            raise _cross(_("method is wheelhouse-build: give wheelhouse, the folder the wheels go into"), ("method",))
        return self


# Cross-field checks cannot say which key they are about through pydantic: the message remembers it.
_CROSS_KEYS: dict[str, tuple[str, ...]] = {}


def _cross(message: str, key: tuple[str, ...]) -> ValueError:
    _CROSS_KEYS[message] = key
    return ValueError(message)


def _shown_version(located: Located, version: Any) -> str:
    """The version as written when YAML read it as true or false (Python's repr would say True)."""
    if isinstance(version, bool):
        return located.texts.get(("version",), str(version).lower())
    return repr(version)


def answers_from_located(located: Located, *, this_machine: bool = True) -> Answers:
    """The answers, validated. `this_machine`: they are for the machine that reads them (not planned for a
    recorded one, `--hardware F`), so whether this user may write their folders counts too."""
    if located.data is None:
        # an empty file is more likely the wrong file, or one not saved yet, than a wish for every default:
        # `install --yes` would otherwise go ahead with the latest torch in .venv-torch
        from installer.paths import answers_examples

        raise located.error((), _("the answers file is empty"),
                            _("write at least `version: 1` (every other key has a default, shown by "
                              "`torch-setup answers schema`), or start from an example in {folder} (copy "
                              "cpu-venv.yaml)", folder=answers_examples()))
    if not isinstance(located.data, dict):
        raise located.error((), _("an answers file is a mapping of keys (version: 1, target: ..., torch: ...)"),
                            _("write one key per line, `key: value`, with no '-' in front"))
    version = located.data.get("version", ANSWERS_VERSION)
    if isinstance(version, str) and version.strip() == str(ANSWERS_VERSION):
        raise located.error(("version",), _("the version is the number {supported}, not the text {version}",
                                            supported=ANSWERS_VERSION, version=repr(version)),
                            _("write `version: {supported}`, without quotes", supported=ANSWERS_VERSION))
    if version != ANSWERS_VERSION or isinstance(version, bool):  # true == 1 in Python, not in the schema
        newer = isinstance(version, int) and not isinstance(version, bool) and version > ANSWERS_VERSION
        raise located.error(("version",), _("unsupported answers version {version}; this torch-setup reads "
                                            "version {supported}", version=_shown_version(located, version),
                                            supported=ANSWERS_VERSION),
                            _("a newer torch-setup wrote this file: upgrade torch-setup, or write the file again "
                              "in version {supported} (`torch-setup answers schema`)", supported=ANSWERS_VERSION)
                            if newer else _("write `version: {supported}`", supported=ANSWERS_VERSION))
    _bare_tilde(located)
    try:
        answers = Answers.model_validate(located.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["type"] == "value_error":
            message = str(err["msg"]).removeprefix("Value error, ")
            where = _CROSS_KEYS.get(message)
            if where:
                raise located.error(where, message) from None
        raise pydantic_error(located, exc, model=Answers) from None
    _check_folders(answers, located, this_machine=this_machine)
    return answers


def _bare_tilde(located: Located) -> None:
    """Refuse a bare `~` on a path key that may be null (wheelhouse, target.python, cuda_toolkit.prefix): YAML
    reads it as null, so the key silently took its default, while the person meant their home folder (found in
    review: `target.path: ~` was explained, `wheelhouse: ~` was not). `null`, or no line, is still no value."""
    from installer.yamlfile import section_model

    for loc, text in located.texts.items():
        if text != "~" or not loc or not isinstance(loc[-1], str):
            continue
        parent: Any = located.data
        for part in loc[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or parent.get(loc[-1], "") is not None:
            continue  # '~' in quotes is text, the home folder itself
        section = section_model(Answers, tuple(str(p) for p in loc[:-1]))
        field = section.model_fields.get(loc[-1]) if section is not None else None
        example = (getattr(section, "home_examples", None) or {}).get(loc[-1])
        # a key that may not be null is pydantic's to refuse, with its own hint (installer.yamlfile)
        if example and field is not None and field.default is None:
            raise located.error(loc, _("`~` alone is YAML's empty value (null)"),
                                _("for a path in your home, write it after ~/, such as {example}; for no value, "
                                  "write null or delete the line", example=example))


# What `uv venv` and `python -m venv` write at the top of an environment, and conda's own folders: a
# folder that holds only these is an environment, or one that a killed run left half made and the next
# run finishes. Anything else is somebody's files.
ENV_ENTRIES = frozenset({"bin", "lib", "lib64", "include", "share", "etc", "pyvenv.cfg", ".gitignore",
                         "CACHEDIR.TAG", "conda-meta"})


def foreign_entries(folder: str) -> list[str]:
    """The entries of an existing `folder` that no Python environment has (sorted); [] when it is
    missing, empty, a venv (pyvenv.cfg) or a conda environment (conda-meta), or cannot be listed.
    Found as a normal user: `target.path: proj` turned a project folder into a venv in place, and the
    `.gitignore` of `*` that uv adds hid the project's own files from git."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    if "pyvenv.cfg" in names or "conda-meta" in names:
        return []
    return sorted(n for n in names if n not in ENV_ENTRIES)


# file systems the kernel makes up, where no folder can be made although os.access says root may write
KERNEL_FOLDERS = ("/proc", "/sys")


def _read_only(folder: str) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _cannot_be_made(full: str, folder: str) -> tuple[str, str] | None:
    """Why `full` cannot be made in `folder`, which its owner may write: a kernel file system, a read-only
    one. Found in use: as root, /proc/x passed every other check and failed the install's first step."""
    hint = _("choose a folder of your own, such as ~/torch-env")
    try:
        device = os.stat(folder).st_dev
        for kernel in KERNEL_FOLDERS:
            if os.path.isdir(kernel) and os.stat(kernel).st_dev == device:
                return _("{path} cannot be made: {kernel} is filled by the kernel itself, and no folder "
                         "can be made in it", path=full, kernel=kernel), hint
        if _read_only(folder):
            return _("{path} cannot be made: {folder} is on a read-only file system", path=full,
                     folder=folder), hint
    except OSError:  # the step that makes it says why
        return None
    return None


def interpreter_problem(value: str) -> tuple[str, str] | None:
    """Why `value` cannot be a target.python answer by the answers file's own rules, as (message, hint; the
    hint may be empty); None when it can. The wizard's Python field asks when it is left."""
    return _rule_problem(_interpreter, value)


def path_problem(value: str) -> tuple[str, str] | None:
    """Why `value` cannot be a path answer (wheelhouse, target.path) by the answers file's own rules, as
    (message, hint; the hint may be empty); None when it can. Nothing is looked at on disk."""
    return _rule_problem(_path, value)


def _rule_problem(rule: Callable[[str], str], value: str) -> tuple[str, str] | None:
    try:
        rule(value)
    except ValueError as exc:
        return str(exc), getattr(exc, "hint", "")
    return None


def folder_problem(path: str, cwd: str | None = None, *, writes: bool = False,
                   env: Literal["venv", "conda"] | None = None) -> tuple[str, str] | None:
    """Why `path` (relative: from `cwd`; `~`: home; $NAME: the environment's) cannot be a folder torch-setup
    creates or fills, as (message, hint); None when it can. The rules an answers file's paths follow (no
    ~user that does not exist, no unset $NAME, no Windows path, ...), then a file in its place, or in place of a folder above it: a folder
    still missing is created by the run. `writes`: a step that runs as this user writes it, so the
    folder (or, while missing, the one above it) must be writable by them. `env`: the folder is a new
    environment of that kind, so an existing one must be empty or an environment already. Stats only:
    the wizard asks at each key of its Folder field."""
    from installer.paths import absolute, blocking_file, expand, nearest_folder, owned_by_me

    try:
        _path(path)
    except ValueError as exc:
        return str(exc), getattr(exc, "hint", "") or _("choose another path")
    full = absolute(path, cwd or os.getcwd())
    try:
        probe = blocking_file(full)
    except OSError as exc:  # a name over the file system's limit (ENAMETOOLONG), a loop of links, a closed folder
        from installer.i18n.phrases import closed_folder_problem, os_error

        if exc.errno in (errno.EACCES, errno.EPERM) and (closed := closed_folder_problem(full)):
            return closed
        return (_("{path} cannot be a folder here: {why}", path=full, why=os_error(exc)),
                _("choose a shorter or simpler path"))
    if probe is None:
        if env and (taken := foreign_entries(full)):
            shown = listed([*taken[:3], *(["…"] if len(taken) > 3 else [])])
            suggestion = _new_folder(full, cwd, writes=writes, env=env)
            return (_("{path} already holds other files ({names}) and is not a Python environment: an "
                      "environment made there would be mixed in with them", path=full, names=shown),
                    _("choose a new or empty folder, such as {suggestion}", suggestion=suggestion) if suggestion
                    else _("choose a new or empty folder"))
        folder = nearest_folder(full) if writes else None
        if folder is None:
            return None
        if os.access(folder, os.W_OK | os.X_OK) or _read_only(folder):
            return _cannot_be_made(full, folder)
        # found at run time, the first step failed with "Permission denied" (a lab's shared folder)
        here = posixpath.normpath(cwd or os.getcwd())
        if not posixpath.isabs(expand(path)) and folder == here:
            # found in use: `cd / && install` of the example's `.venv-torch` said "/ is not writable", and the
            # user had written no `/`: the folder they run in is the one to change
            return (_("{path} is relative, so it is taken from the folder you run torch-setup in, {folder}, "
                      "which is not writable by you", path=path, folder=folder),
                    _("cd to a folder of your own (such as ~) and run torch-setup there, or write an absolute "
                      "path, such as {suggestion}", suggestion=posixpath.join("~", posixpath.normpath(path))))
        message = (_("{path} is not writable by you", path=full) if folder == full else
                   _("{folder} is not writable by you, so {path} cannot be made there", folder=folder, path=full))
        if owned_by_me(folder):  # found in use: "ask the owner" was said to the owner
            return message, _("it is yours but not writable: `chmod u+w {folder}`, or choose another folder",
                              folder=folder)
        return message, _("choose a folder of your own (such as ~/torch-env), or ask the owner of {folder} to "
                          "let you write there", folder=folder)
    if os.path.islink(probe) and not os.path.exists(probe):
        return (_("{file} is a link to {target}, which does not exist", file=probe, target=os.readlink(probe)),
                _("create {target}, or remove the link", target=os.readlink(probe)))
    if probe == full:
        return (_("{path} is a file, not a folder", path=full), _("choose another path, or move the file aside"))
    return (_("{file} is a file, so the folder {path} cannot be made in it", file=probe, path=full),
            _("choose another path, or move {file} aside", file=probe))


# The Filesystem Hierarchy Standard's folders of the system itself (https://refspecs.linuxfoundation.org/FHS_3.0/
# fhs/ch03.html): an environment suggested inside or beside one would be among the system's files. /home,
# /srv, /mnt and /media hold people's own folders, and a folder below /opt or /var (/opt/lab) may be a project.
SYSTEM_FOLDERS = frozenset({"/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/opt", "/proc",
                            "/run", "/sbin", "/sys", "/usr", "/var"})
_SYSTEM_TREES = ("/bin/", "/boot/", "/dev/", "/etc/", "/lib/", "/lib32/", "/lib64/", "/proc/", "/run/", "/sbin/",
                 "/sys/", "/usr/")


def _system_folder(full: str) -> bool:
    path = posixpath.normpath(full)
    return path in SYSTEM_FOLDERS or path.startswith(_SYSTEM_TREES)


def _new_folder(full: str, cwd: str | None, *, writes: bool, env: Literal["venv", "conda"]) -> str | None:
    """A folder to suggest instead of `full`, which holds other files, that passes the same checks; None when
    none found does. A project folder (~/thesis) gets the environment inside it, as projects keep theirs; a
    folder named like an environment (.venv-torch, or any hidden one), or a link (whose inside is another
    folder altogether), gets a new one beside it: found in use, a full `~/t/.venv-torch` and a link
    `.venv-torch -> /opt/wheels` were both answered "such as …/.venv-torch/.venv-torch"."""
    from installer.paths import unexpanded

    name = ".venv-torch" if env == "venv" else "torch-env"
    base = posixpath.basename(full.rstrip("/"))
    project = bool(base) and not base.startswith(".") and base != name and not os.path.islink(full)
    home = os.path.expanduser("~")
    # found in use: `/usr` was answered "such as /usr/.venv-torch", a folder this user cannot make and one that
    # would mix an environment into the system's files (root may write there, but should not): the home
    # folder only. Writability is looked at even for a plan made for another machine (`writes` false).
    system = _system_folder(full)
    inside = project and not system and os.access(full, os.W_OK | os.X_OK)
    beside = bool(base) and not project and not system and os.access(posixpath.dirname(full), os.W_OK | os.X_OK)
    # names not taken, as another environment there is not this one's to fill: in the project, or beside the
    # folder refused, or in the home folder
    new = [posixpath.join(full, f"{name}-{n}") for n in range(2, 10)] if inside else []
    new += [f"{full.rstrip('/')}-{n}" for n in range(2, 10)] if beside else []
    new += [posixpath.join(home, name)] + [posixpath.join(home, f"{name}-{n}") for n in range(2, 10)]
    # the project's own environment folder, if it has one already, is fine to fill
    own = [posixpath.join(full, name)] if inside else []
    for candidate in own + [c for c in new if not os.path.lexists(c)]:
        if candidate == full or foreign_entries(candidate):
            continue  # taken too (and it would only be refused with a suggestion of its own)
        # as the answers file would have it: a `$` of a folder's name is written `$$` (installer.paths.expand)
        written = unexpanded(candidate)
        if folder_problem(written, cwd, writes=writes, env=env) is None:
            return written
    return None


def _check_folders(answers: Answers, located: Located, *, this_machine: bool = True) -> None:
    """The folders the run would create or fill, checked on this machine before anything runs (detection
    included): a file in the way fails `plan` and `install` here, naming the answers line, rather than a
    step halfway through an install. Reading only: nothing is created."""
    # (key, path, whether a step running as this user writes it): an offline install only reads its
    # wheelhouse; the runfile installs a toolkit into a prefix as the user (cuda-runfile.yaml)
    toolkit = answers.cuda_toolkit
    folders: list[tuple[tuple[str, ...], str | None, bool]] = [
        (("wheelhouse",), answers.wheelhouse, answers.method == "wheelhouse-build"),
        (("cuda_toolkit", "prefix"), toolkit.prefix if toolkit.install else None, toolkit.source == "runfile"),
    ]
    env: Literal["venv", "conda"] | None = None
    if answers.target.kind in ("venv", "conda") and answers.method != "wheelhouse-build":
        folders.insert(0, (("target", "path"), answers.target.path, True))
        env = answers.target.kind
    for key, path, writes in folders:
        problem = (folder_problem(path, writes=writes and this_machine, env=env if key == ("target", "path") else None)
                   if path else None)
        if problem:
            raise located.error(key, *problem)


def parse_answers(text: str, source: str = "<answers>") -> Answers:
    """Answers from YAML text; InputError naming `source`, line and key on anything wrong."""
    return answers_from_located(parse_yaml(text, source))


def load_answers(path: str | Path) -> Answers:
    """Answers from a file; InputError naming the file, line and key on anything wrong."""
    return answers_from_located(load_yaml(path))


def dump_answers(answers: Answers, path: str | Path | None = None, *, recorded: bool = False,
                 refused: str | None = None, refused_fix: str | None = None) -> str:
    """The YAML of an answers file (every key, defaults included, so a replay needs nothing else).
    `path`: where it is written, when that is known, for the commands its comment gives. `recorded`: the
    answers were chosen for a recorded machine (--hardware), which the comment then names as such.
    `refused`, `refused_fix`: the message and hint `install` refuses these answers with on that machine
    (installer.plan.gpu_refusal.refusal), which the comment then says in place of the replay it offers."""
    # in the reader's language, as the wizard that saved it spoke (found in use: a Chinese wizard's file
    # began in English, then said THIS_FILE and REPORT in a Chinese comment); the keys stay as they are,
    # they are the file's format
    # a name with a line break in it would end the comment and break the YAML: the placeholder then
    from installer.paths import shell_word

    # `~/...` (a recorded machine's file, said from its user's home) stays one the shell expands
    this_file = shell_word(str(path)) if path is not None and str(path).isprintable() else _("THIS_FILE")
    command = f"torch-setup install --answers {this_file}"
    if refused:
        # found in use: a recorded Rocky machine's cu132 answers, which its R560 driver cannot run, said "Replay
        # with" and that the build "was chosen for the recorded machine's GPU and driver", and the lab machines
        # the file was copied to refused it; it says what Done says: the refusal, what to do first, then replay
        lines = [_("torch-setup answers (version 1). WARNING: `torch-setup install` refuses these answers on the "
                   "recorded machine: {why}", why=refused) if recorded else
                 _("torch-setup answers (version 1). WARNING: `torch-setup install` refuses these answers on this "
                   "machine: {why}", why=refused)]
        if refused_fix:
            lines.append(_("What to do first: {fix}", fix=refused_fix))
        lines.append(_("Once that is put right, replay with: {command}", command=command))
    else:
        lines = [_("torch-setup answers (version 1). Replay with: {command}", command=command)]
    if refused and answers.torch.variant not in ("auto", "cpu"):
        lines += [_("For machines that differ, `variant: auto` lets each choose its own build; check a machine's "
                    "saved report with:"),
                  f"  torch-setup answers check {this_file} --hardware {_('REPORT')}"]
    elif answers.torch.variant not in ("auto", "cpu"):
        # found in use: a lab admin saved the wizard's answers for twenty machines, and the build chosen for
        # this one's GPU and driver was pinned for all of them
        lines += [_("torch.variant {variant} was chosen for the recorded machine's GPU and driver. For machines "
                    "that differ,", variant=answers.torch.variant) if recorded else
                  _("torch.variant {variant} was chosen for this machine's GPU and driver. For machines that differ,",
                    variant=answers.torch.variant),
                  _("`variant: auto` lets each choose its own build; check a machine's saved report with:"),
                  f"  torch-setup answers check {this_file} --hardware {_('REPORT')}"]
    # a refusal's message may run over several lines: each stays a comment, or the YAML would break
    header = "".join(f"# {part}\n" for line in lines for part in line.splitlines())
    return header + yaml.safe_dump(answers.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def answers_schema() -> dict[str, Any]:
    """The JSON Schema of answers files, for editors and `torch-setup answers schema`."""
    schema = Answers.model_json_schema()
    # a section's own description (on the field) sits beside its $ref, where editors show it
    for name, info in Answers.model_fields.items():
        prop = schema["properties"].get(name, {})
        if info.description and "description" not in prop:
            prop["description"] = info.description
    schema["allOf"] = _cross_field_rules()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "torch-setup answers file"
    return schema


def _kind_is(kind: str) -> dict[str, Any]:
    return {"properties": {"target": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}},
            "required": ["target"]}


def _method_in(*methods: str) -> dict[str, Any]:
    return {"properties": {"method": {"enum": list(methods)}}, "required": ["method"]}


def _cross_field_rules() -> list[dict[str, Any]]:
    """Answers._consistent as if/then rules: pydantic's schema has only the keys one at a time."""
    return [
        {"if": _kind_is("existing"),
         "then": {"properties": {"target": {"required": ["python"], "properties": {
             "python": {"type": "string", "pattern": _INTERPRETER_PATH_PATTERN}}}}}},
        {"if": _kind_is("conda"), "then": _method_in("conda", "wheelhouse-build")},  # pip's default makes a venv
        {"if": _method_in("wheel", "wheelhouse-build"),
         "then": {"required": ["wheelhouse"], "properties": {"wheelhouse": {"type": "string"}}}},
    ]


def answers_schema_json() -> str:
    return json.dumps(answers_schema(), indent=2)
