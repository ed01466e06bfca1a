"""verify's `pip install` fixes (NumPy's) for an environment installed from a wheelhouse (method: wheel).

The probe writes `python -m pip install numpy`, and the host rewrites it for torch-setup's pip or uv; both
reach for an index, which an air-gapped machine has none of (found in use: after an offline install, Verify
said "if your code uses NumPy, install it: `pip install numpy`"). Here the fix installs from the wheelhouse
with no index, where the wheelhouse holds a wheel that fits; where it holds none (torch's own wheel does not
need NumPy, so a wheelhouse built for torch alone has none), the fix says how to fetch one into the folder
where there is network, for this machine's Python and platform, as the wheelhouse build itself did.
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import Any


def _(text: str, **values: Any) -> dict[str, Any]:
    """A message as the probe sends one (installer.probes.verify._): its template and values, which the
    front-ends translate (installer.probes.text.message)."""
    return {"text": text, "args": values}


def wheelhouse_fixes(result: dict[str, Any], python: str, wheelhouse: str) -> None:
    """Rewrite, in verify's `result` for `python`, each failed check's `pip` fix as an install from `wheelhouse`.

    A check so rewritten keeps `wheelhouse` (the folder) and `wheelhouse_lacks` (the requirements it holds no
    wheel of, [] when it can install them), for a front-end that writes the command in its own form."""
    for check in result.get("checks") or []:
        args = check.get("pip")
        if check.get("ok") or not isinstance(args, list):
            continue
        args = [str(a) for a in args]
        lacks = lacking(wheelhouse, [a for a in args if not a.startswith("-")])
        cmd = install_line(python, wheelhouse, args)
        check["wheelhouse"] = wheelhouse
        check["wheelhouse_lacks"] = lacks
        msg = check.get("fix_msg")
        if not lacks and isinstance(msg, dict) and "cmd" in (msg.get("args") or {}):
            msg["args"] = {**msg["args"], "cmd": cmd}
        elif lacks:
            version = str(((result.get("python") or {}).get("version")) or "")
            values = {"wheelhouse": wheelhouse, "packages": ", ".join(lacks),
                      "download": download_line(wheelhouse, lacks, version), "cmd": cmd}
            if os.path.isdir(wheelhouse):
                msg = _("the wheelhouse {wheelhouse} has no wheel of {packages} to install from: where there is "
                        "network, download one into that folder (`{download}`), carry the folder over, and install "
                        "it here: `{cmd}`", **values)
            else:  # a USB stick taken out since: "has no wheel" would send the person to fetch what it may hold
                msg = _("the wheelhouse {wheelhouse} this environment was installed from is not there now: put it "
                        "back there and install {packages} from it (`{cmd}`); where it has none, download one into "
                        "that folder where there is network (`{download}`) and carry the folder over", **values)
            check["fix_msg"] = msg
        else:
            continue
        check["fix"] = str(msg["text"]).format(**msg["args"])


def install_line(python: str, wheelhouse: str, args: list[str]) -> str:
    """`pip install ARGS` into `python`'s environment from `wheelhouse` alone. uv where torch-setup has it (it
    reads no pip.conf, as the plan's own offline install); otherwise pip with the wheelhouse as its only
    find-links (PIP_FIND_LINKS replaces the configuration's: `--no-index` keeps a pip.conf's find-links, and a
    mirror's URL there would have this command try the network first)."""
    from installer.plan.tools import find_uv, host_pip_works

    uv = find_uv()
    if uv:
        return shlex.join([uv, "pip", "install", "--python", python, "--no-index", "--find-links", wheelhouse, *args])
    pip = [sys.executable, "-m", "pip", "--python", python] if host_pip_works() else [python, "-m", "pip"]
    return _pip_from(wheelhouse, pip, args)


def activated_line(wheelhouse: str, args: list[str]) -> str:
    """The same, typed in the environment once it is activated and has a pip of its own: `python -m pip`."""
    return _pip_from(wheelhouse, ["python", "-m", "pip"], args)


def _pip_from(wheelhouse: str, pip: list[str], args: list[str]) -> str:
    from installer.plan.kinds.wheel import only_these_links

    env = "".join(f"{name}={shlex.quote(value)} " for name, value in only_these_links(wheelhouse))
    return env + shlex.join([*pip, "install", "--no-index", *args])


def lacking(wheelhouse: str, requirements: list[str]) -> list[str]:
    """The requirements (`numpy`, `numpy<2`) of which `wheelhouse` holds no wheel whose version they allow."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

    held: dict[str, list[Any]] = {}
    try:
        names = os.listdir(wheelhouse)
    except OSError:
        names = []
    for name in names:
        if not name.endswith(".whl"):
            continue
        try:
            dist, version, _build, _tags = parse_wheel_filename(name)
        except InvalidWheelFilename:
            continue
        held.setdefault(str(dist), []).append(version)
    out = []
    for text in requirements:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            out.append(text)
            continue
        versions = held.get(canonicalize_name(req.name), [])
        if not any(req.specifier.contains(v, prereleases=True) for v in versions):
            out.append(text)
    return out


def download_line(wheelhouse: str, requirements: list[str], python_version: str) -> str:
    """`pip download` of `requirements` into `wheelhouse`, run where there is network, for this machine: the
    Python the environment runs (X.Y, else the manifest's) and the platform tags the wheelhouse was built for
    (pip's --platform takes exact tags, so all of them, as the build passed them)."""
    from installer.plan.kinds.wheel import built_platforms, for_target, manylinux_platforms

    manifest_version, platforms = built_platforms(wheelhouse)
    major_minor = ".".join(python_version.split(".")[:2]) if python_version else manifest_version
    platforms = platforms or list(manylinux_platforms(os.uname().machine))
    return shlex.join(["python3", "-m", "pip", "download", "--dest", wheelhouse, *for_target(major_minor, platforms),
                       *requirements])

