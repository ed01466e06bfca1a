"""Facts about the target interpreter, gathered by its own Python (the host never imports torch).

One short stdlib-only script answers for the target: its version and prefix, the torch it already
holds (read from the dist-info on its sys.path, never imported) and the pip configuration pip would
use there: the files pip reads (on Linux by pip's own location rules, which importing pip would cost 0.1 s
to learn; elsewhere asked of pip) plus the PIP_* variables, with pip's precedence. This is the one
reader of pip's configuration: detection and the mirror commands both go through it.

Another interpreter runs the script as `python -c`; when the target is the interpreter running
torch-setup, the same script's functions run in-process instead (same answer, no second start).
TORCH_SETUP_ASK_PIP=1 asks pip on Linux too (the tests compare both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Union

from installer.hardware import run as _run

# Kept compatible with old Pythons (3.6+): the target may be anything the machine has.
SCRIPT = r'''
import json, os, sys
try:
    import configparser
except ImportError:
    configparser = None

def dists(names, path=None):
    found = {}
    for entry in (sys.path if path is None else path):
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

def _xdg(var, default):
    # platformdirs' rule, which pip uses: unset or blank means the default
    value = os.environ.get(var, "")
    return value if value.strip() else default

def native_pip_files():
    """pip's own rules on Linux (pip._internal.configuration with its platformdirs): no pip import needed.

    Load order, later wins: each $XDG_CONFIG_DIRS/pip/pip.conf and /etc/pip.conf (global);
    ~/.pip/pip.conf then $XDG_CONFIG_HOME/pip/pip.conf (user, skipped when PIP_CONFIG_FILE names an
    existing file); sys.prefix/pip.conf (site); PIP_CONFIG_FILE itself, last of all.
    """
    dirs = _xdg("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep)
    out = [("global", os.path.join(os.path.expanduser(d), "pip", "pip.conf")) for d in dirs]
    out.append(("global", "/etc/pip.conf"))
    env_file = os.environ.get("PIP_CONFIG_FILE")
    if not (env_file and os.path.exists(env_file)):
        user_dir = _xdg("XDG_CONFIG_HOME", os.path.expanduser("~/.config"))
        out += [("user", os.path.join(os.path.expanduser("~"), ".pip", "pip.conf")),
                ("user", os.path.join(user_dir, "pip", "pip.conf"))]
    out.append(("site", os.path.join(sys.prefix, "pip.conf")))
    if env_file is not None:
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
            items.append((":env:", key[4:].lower(), value, key))
    loaded = [f for _, f in files if os.path.isfile(f)]
    return {"how": how, "files": [f for _, f in files], "loaded": loaded, "items": items}

def install_facts():
    """Whether pip may install here: the PEP 668 marker (in effect outside a venv only) and whether this
    user can write the site-packages folders (the nearest existing parent, for one not made yet)."""
    out = {"externally_managed": None, "site_packages": None, "site_writable": None,
           "conda_env": os.path.isdir(os.path.join(sys.prefix, "conda-meta"))}
    try:
        import sysconfig
        if sys.prefix == getattr(sys, "base_prefix", sys.prefix):
            marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
            if os.path.isfile(marker):
                out["externally_managed"] = marker
        folders = []
        for name in ("platlib", "purelib"):
            folder = sysconfig.get_path(name)
            if folder and folder not in folders:
                folders.append(folder)
        writable = True
        for folder in folders:
            probe = folder
            while not os.path.exists(probe) and os.path.dirname(probe) != probe:
                probe = os.path.dirname(probe)
            writable = writable and os.access(probe, os.W_OK)
        out["site_packages"] = folders[0] if folders else None
        out["site_writable"] = writable if folders else None
    except Exception:
        pass
    return out

def facts(path=None):
    return {
        "version": "%d.%d.%d" % sys.version_info[:3],
        "executable": sys.executable,
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "implementation": sys.implementation.name if hasattr(sys, "implementation") else None,
        "packages": dists({"torch", "torchvision", "torchaudio", "pip"}, path),
        "pip_config": pip_config(),
        "install": install_facts(),
    }

if __name__ == "__main__":
    sys.stdout.write(json.dumps(facts()))
'''


class InProcess:
    """The target is the interpreter running torch-setup: its facts are read here, without a second Python."""

    def __init__(self, python: str | None) -> None:
        self.python = python


Started = Union["subprocess.Popen[str]", InProcess, None]


def is_this_interpreter(python: str | None) -> bool:
    """Whether `python` would start as this very interpreter, with the same prefix.

    A venv's bin/python is a symlink to the base interpreter: the same file, yet another sys.prefix
    (Python finds pyvenv.cfg next to the path it was started by), so the folder must match too.
    """
    if python is None:
        return bool(sys.executable)
    if not sys.executable:
        return False
    try:
        return (os.path.samefile(python, sys.executable)
                and os.path.samefile(os.path.dirname(os.path.abspath(python)),
                                     os.path.dirname(os.path.abspath(sys.executable))))
    except OSError:
        return False


def _in_process_allowed() -> bool:
    # where the script must ask pip for its files it would import pip into the host: a subprocess keeps it out
    return sys.platform.startswith("linux") and os.environ.get("TORCH_SETUP_ASK_PIP") != "1"


def start(python: str | None) -> Started:
    """Launch the script in the target now; `collect` reads it after the other probes have run.

    The running interpreter itself is not started again (about 40 ms here, tests/bench/bench_target_python.py):
    `collect` runs the same script in-process.
    """
    if _in_process_allowed() and is_this_interpreter(python):
        return InProcess(python)
    return _run.start([python or sys.executable, "-c", SCRIPT])


def collect(proc: Started, *, timeout: float = _run.MAX_TIMEOUT) -> dict[str, Any] | None:
    if isinstance(proc, InProcess):
        return facts_here(proc.python)
    out = _run.finish(proc, timeout=timeout)
    if out is None or not out.ok:
        return None
    try:
        data = json.loads(out.stdout)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


_namespace: dict[str, Any] | None = None


def _script() -> dict[str, Any]:
    """The script's functions, defined in this process (its `__main__` block does not run)."""
    global _namespace
    if _namespace is None:
        namespace: dict[str, Any] = {"__name__": "torch_setup_target_facts"}
        exec(compile(SCRIPT, "<torch-setup target facts>", "exec"), namespace)
        _namespace = namespace
    return _namespace


def _as_json(data: Any) -> Any:
    # the same types the subprocess's JSON gives: lists, never tuples
    return json.loads(json.dumps(data))


def facts_here(python: str | None = None) -> dict[str, Any] | None:
    """What the script prints when run by this interpreter as `python -c`, gathered in-process."""
    # `python -c` puts '' (the working folder) first, which the script skips; our sys.path[0] is the
    # folder of whatever started us (the checkout, for `python -m installer`): leave it out the same way
    path = sys.path[1:] if sys.path and not getattr(sys.flags, "safe_path", False) else list(sys.path)
    try:
        data = _as_json(_script()["facts"](path))
    except Exception:  # the subprocess would have failed the same way: no facts, never a crash
        return None
    if not isinstance(data, dict):
        return None
    if python is not None:
        data["executable"] = os.path.abspath(python)  # a child reports the path it was started by
    return data


def pip_config_here() -> dict[str, Any]:
    """The pip configuration this interpreter's pip would use: the report's `mirror_config.pip`."""
    if not _in_process_allowed():
        return pip_config(collect(start(None)))
    try:
        raw = _as_json(_script()["pip_config"]())
    except Exception:
        raw = None
    return pip_config({"pip_config": raw} if isinstance(raw, dict) else None)


def pip_config(target_facts: dict[str, Any] | None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """`mirror_config.pip` from the script's facts (None: it could not run; the PIP_* variables of
    `environ`, by default this process's, still count)."""
    raw = (target_facts or {}).get("pip_config") or {}
    conf = effective_pip_config(raw.get("items") or [], environ)
    conf["files"] = raw.get("loaded") or []
    return conf


# pip option -> how the report keeps it; the list options are whitespace-separated in pip's config.
# pypi-url is pip's other name for --index-url.
_PIP_KEYS = {"index-url": "index_url", "pypi-url": "index_url", "extra-index-url": "extra_index_urls",
             "find-links": "find_links", "trusted-host": "trusted_hosts", "no-index": "no_index",
             "break-system-packages": "break_system_packages", "retries": "retries"}
_LIST_KEYS = {"extra_index_urls", "find_links", "trusted_hosts"}
_SECTIONS = ("global", "install", ":env:")


def _normalize(name: str) -> str:
    name = name.lower().replace("_", "-")
    return name[2:] if name.startswith("--") else name


def effective_pip_config(items: list[list[str]] | list[tuple[str, str, str, str]],
                         environ: dict[str, str] | None = None) -> dict[str, Any]:
    """What `pip install` would use, from config items in load order, with pip's precedence.

    As pip's ConfigOptionParser does: within each section a later file replaces an earlier one's
    key (even with an empty value), empty values are then dropped, and the sections apply in the
    order [global], [install], PIP_* variables. Lists are replaced whole, never merged.
    Each value's source is the file it came from, or the variable's name.
    """
    sections: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in _SECTIONS}
    for section, key, value, origin in items:
        if section in sections:
            sections[section][_normalize(key)] = (value, origin)
    env = os.environ if environ is None else environ
    # the variables count even when the script could not run in the target (the child inherits them)
    for var in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_TRUSTED_HOST", "PIP_NO_INDEX",
                "PIP_BREAK_SYSTEM_PACKAGES", "PIP_RETRIES"):
        if env.get(var):
            sections[":env:"].setdefault(_normalize(var[4:]), (env[var], var))
    chosen: dict[str, tuple[str, str]] = {}
    for name in _SECTIONS:
        for key, (value, origin) in sections[name].items():
            field = _PIP_KEYS.get(key)
            if field and value:
                chosen[field] = (value, origin)
    result: dict[str, Any] = {"index_url": None, "extra_index_urls": [], "find_links": [],
                              "trusted_hosts": [], "no_index": False, "break_system_packages": False,
                              # None: pip's own (5); the pip kind's fallback after uv then asks for fewer
                              "retries": None, "sources": {}}
    for field, (value, origin) in chosen.items():
        if field in _LIST_KEYS:
            result[field] = value.split()
        elif field in ("no_index", "break_system_packages"):
            result[field] = value.strip().lower() in ("1", "true", "yes", "y", "on", "t")
        else:
            result[field] = value.strip() or None
        result["sources"][field] = origin
    return result
