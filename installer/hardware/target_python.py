"""Facts about the target interpreter, gathered by running it (the host never imports torch).

One short stdlib-only script runs inside the target: its version and prefix, the torch it already
holds (read from the dist-info on its sys.path, never imported) and the pip configuration pip would
use there: the files pip reads (on Linux by pip's own location rules, which importing pip would cost 0.1 s
to learn; elsewhere asked of pip) plus the PIP_* variables, with pip's precedence.
TORCH_SETUP_ASK_PIP=1 asks pip on Linux too (the tests compare both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from installer.hardware import run as _run

# Kept compatible with old Pythons (3.6+): the target may be anything the machine has.
SCRIPT = r'''
import json, os, sys
try:
    import configparser
except ImportError:
    configparser = None

def dists(names):
    found = {}
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        try:
            listing = os.listdir(entry)
        except OSError:
            continue
        for item in listing:
            low = item.lower()
            if not (low.endswith(".dist-info") or low.endswith(".egg-info")):
                continue
            name = low.rsplit(".", 1)[0].split("-")[0].replace("_", "-")
            if name not in names or name in found:
                continue
            path = os.path.join(entry, item)
            meta = os.path.join(path, "METADATA") if os.path.isdir(path) else path
            if not os.path.isfile(meta):
                meta = os.path.join(path, "PKG-INFO")
            version = None
            try:
                with open(meta, encoding="utf-8", errors="replace") as fh:
                    for line in fh:
                        if line.startswith("Version:"):
                            version = line.split(":", 1)[1].strip()
                            break
                        if not line.strip():
                            break
            except OSError:
                pass
            installer = None
            try:
                with open(os.path.join(path, "INSTALLER"), encoding="utf-8") as fh:
                    installer = fh.read().strip() or None
            except OSError:
                pass
            found[name] = {"version": version, "location": entry, "dist_info": path, "installer": installer}
    return found

def native_pip_files():
    """pip's own rules on Linux (pip._internal.configuration, unchanged since pip 10): no pip import needed."""
    home = os.path.expanduser("~")
    dirs = [d for d in os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep) if d]
    out = [("global", os.path.join(d, "pip", "pip.conf")) for d in dirs] + [("global", "/etc/pip.conf")]
    env_file = os.environ.get("PIP_CONFIG_FILE")
    if not (env_file and os.path.exists(env_file)):
        xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        out += [("user", os.path.join(home, ".pip", "pip.conf")), ("user", os.path.join(xdg, "pip", "pip.conf"))]
    out.append(("site", os.path.join(sys.prefix, "pip.conf")))
    if env_file:
        out.append(("env", env_file))
    return out

def pip_files():
    """The pip configuration files in pip's load order: (variant, path)."""
    if sys.platform.startswith("linux") and os.environ.get("TORCH_SETUP_ASK_PIP") != "1":
        return native_pip_files(), "locations"
    try:
        from pip._internal.configuration import Configuration
        conf = Configuration(isolated=False)
        out = []
        for variant, files in conf.iter_config_files():
            for f in files:
                out.append((str(variant), f))
        return out, "pip"
    except Exception:
        return native_pip_files(), "locations"

def pip_config():
    files, how = pip_files()
    items = []  # (section, key, value, origin) in load order
    # PIP_CONFIG_FILE=/dev/null makes pip skip every file (the variables still count)
    if any(v == "env" and f == os.devnull for v, f in files):
        files = []
    else:
        for variant, path in files:
            if configparser is None or not os.path.isfile(path):
                continue
            parser = configparser.RawConfigParser()
            try:
                parser.read(path, encoding="utf-8")
            except Exception as exc:
                items.append(("!error", path, str(exc), path))
                continue
            for section in parser.sections():
                for key, value in parser.items(section):
                    items.append((section, key, value, path))
    for key, value in os.environ.items():
        if key.startswith("PIP_") and value and key[4:].lower() not in ("version", "help"):
            items.append((":env:", key[4:].lower(), value, "environment"))
    loaded = [f for _, f in files if os.path.isfile(f)]
    return {"how": how, "files": [f for _, f in files], "loaded": loaded, "items": items}

out = {
    "version": "%d.%d.%d" % sys.version_info[:3],
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "implementation": sys.implementation.name if hasattr(sys, "implementation") else None,
    "packages": dists({"torch", "torchvision", "torchaudio", "pip"}),
    "pip_config": pip_config(),
}
sys.stdout.write(json.dumps(out))
'''


def start(python: str | None) -> subprocess.Popen[str] | None:
    """Launch the script in the target now; `collect` reads it after the other probes have run."""
    return _run.start([python or sys.executable, "-c", SCRIPT])


def collect(proc: subprocess.Popen[str] | None, *, timeout: float = _run.MAX_TIMEOUT) -> dict[str, Any] | None:
    out = _run.finish(proc, timeout=timeout)
    if out is None or not out.ok:
        return None
    try:
        data = json.loads(out.stdout)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# pip option -> how the report keeps it; the list options are whitespace-separated in pip's config
_PIP_KEYS = {"index-url": "index_url", "extra-index-url": "extra_index_urls",
             "find-links": "find_links", "trusted-host": "trusted_hosts", "no-index": "no_index"}
_LIST_KEYS = {"extra_index_urls", "find_links", "trusted_hosts"}


def _normalize(name: str) -> str:
    name = name.lower().replace("_", "-")
    return name[2:] if name.startswith("--") else name


def effective_pip_config(items: list[list[str]] | list[tuple[str, str, str, str]],
                         environ: dict[str, str] | None = None) -> dict[str, Any]:
    """What `pip install` would use, from config items in load order, with pip's precedence.

    pip applies [global] from every file, then [install] from every file, then PIP_* variables:
    a later one replaces an earlier one (lists are replaced whole, not merged).
    """
    order = {"global": 0, "install": 1, ":env:": 2}
    chosen: dict[str, tuple[str, str]] = {}
    ordered = sorted((order[s], i, k, v, origin) for i, (s, k, v, origin) in enumerate(items) if s in order)
    for _, _, key, value, origin in ordered:
        field = _PIP_KEYS.get(_normalize(key))
        if field:
            chosen[field] = (value, origin)
    env = os.environ if environ is None else environ
    # the variables named in the contract win even when the script could not run in the target
    for var, field in (("PIP_INDEX_URL", "index_url"), ("PIP_EXTRA_INDEX_URL", "extra_index_urls"),
                       ("PIP_FIND_LINKS", "find_links"), ("PIP_TRUSTED_HOST", "trusted_hosts"),
                       ("PIP_NO_INDEX", "no_index")):
        if env.get(var):
            chosen[field] = (env[var], "environment")
    result: dict[str, Any] = {"index_url": None, "extra_index_urls": [], "find_links": [],
                              "trusted_hosts": [], "no_index": False, "sources": {}}
    for field, (value, origin) in chosen.items():
        if field in _LIST_KEYS:
            result[field] = value.split()
        elif field == "no_index":
            result[field] = value.strip().lower() in ("1", "true", "yes", "on")
        else:
            result[field] = value.strip() or None
        result["sources"][field] = origin
    return result
