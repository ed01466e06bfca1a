"""The environment a step runs with: an allowlist of what the user's environment carries, plus what
the step declares. Everything else (PYTHONPATH, VIRTUAL_ENV, LD_PRELOAD, CONDA_PREFIX, ...) is dropped:
it would make a step's result depend on the shell torch-setup was started from."""

from __future__ import annotations

import os
from collections.abc import Mapping

KEEP = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "TZ", "LANG", "LANGUAGE",
    "http_proxy", "https_proxy", "no_proxy", "all_proxy", "ftp_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "FTP_PROXY",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    # where caches and user configuration live (pip reads XDG_CONFIG_HOME/pip/pip.conf)
    "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
    # pip: sources, trust and network behaviour the user set on purpose
    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_TRUSTED_HOST", "PIP_CERT",
    "PIP_CLIENT_CERT", "PIP_PROXY", "PIP_TIMEOUT", "PIP_DEFAULT_TIMEOUT", "PIP_RETRIES",
    "PIP_CONFIG_FILE", "PIP_CONSTRAINT", "PIP_NO_CACHE_DIR", "PIP_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_INPUT",
    # uv: the same, and where its cache is
    "UV_CACHE_DIR", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX", "UV_FIND_LINKS",
    "UV_NATIVE_TLS", "UV_HTTP_TIMEOUT", "UV_HTTP_RETRIES", "UV_CONCURRENT_DOWNLOADS", "UV_LINK_MODE", "UV_OFFLINE",
    "UV_PYTHON_DOWNLOADS", "UV_INSECURE_HOST", "UV_NO_CACHE", "UV_INDEX_STRATEGY", "UV_KEYRING_PROVIDER",
    "PIP_KEYRING_PROVIDER", "NETRC",  # credentials for a private index, kept where the user keeps them
    # uv: where a Python it must download comes from and goes (guides for users in China set the mirror,
    # since the builds are GitHub releases)
    "UV_PYTHON_INSTALL_MIRROR", "UV_PYPY_INSTALL_MIRROR", "UV_PYTHON_DOWNLOADS_JSON_URL", "UV_PYTHON_INSTALL_DIR",
    "UV_PYTHON_PREFERENCE",
    # conda's configuration file, when a recipe uses conda
    "CONDARC",
})
KEEP_PREFIXES = ("LC_",)
# Set for every step: output comes line by line, without colour codes or progress bars.
FIXED = {"PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "PIP_PROGRESS_BAR": "off", "UV_NO_PROGRESS": "1"}
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def scrubbed(environ: Mapping[str, str] | None = None, *, declared: Mapping[str, str] | None = None,
             tmpdir: str | None = None) -> dict[str, str]:
    source = os.environ if environ is None else environ
    env = {k: v for k, v in source.items() if k in KEEP or k.startswith(KEEP_PREFIXES)}
    env.setdefault("PATH", DEFAULT_PATH)
    env.update(FIXED)
    if tmpdir:
        env["TMPDIR"] = tmpdir
    env.update(declared or {})
    return env
