"""A package index on 127.0.0.1 that wants a password (HTTP Basic), for the tests that check credentials
reach pip and uv and are never shown: tests/**/test_secrets_*.py load this module for `AuthIndex` and
`tiny_index`. Its own tests check that it really refuses a request without the password.

`AuthIndex` serves a folder (this machine's /opt/pypi, or a PEP 503 index built by `tiny_index` around a
real wheel made here) and answers 401 to any request without `Authorization: Basic user:password`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import subprocess
import sys
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

USER, PASSWORD = "bob", "s3cret-Pa55"
TOKEN = "tok3n-2f9c1d"  # a token alone in the user part (https://TOKEN@host), as some indexes want


class _Handler(SimpleHTTPRequestHandler):
    accepted: tuple[str, ...]
    seen: list[tuple[bool, str]]

    def log_message(self, *args: object) -> None:
        pass

    def _authorized(self) -> bool:
        given = self.headers.get("Authorization", "")
        ok = given in self.accepted
        self.seen.append((ok, self.path))
        if not ok:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="private index"')
            self.send_header("Content-Length", "0")
            self.end_headers()
        return ok

    def do_GET(self) -> None:  # noqa: N802
        if self._authorized():
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if self._authorized():
            super().do_HEAD()


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class AuthIndex:
    """`root` served over HTTP on 127.0.0.1; only bob:s3cret-Pa55 (or the token as user name) gets in."""

    def __init__(self, root: Path) -> None:
        self.seen: list[tuple[bool, str]] = []  # (authorized, path) per request
        handler = type("Handler", (_Handler,), {"seen": self.seen,
                                               "accepted": (_basic(USER, PASSWORD), _basic(TOKEN, ""))})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/simple", *, user: str = USER, password: str | None = PASSWORD) -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"http://{auth}@127.0.0.1:{self.port}{path}"

    @property
    def plain_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/simple"

    def authorized(self, prefix: str) -> list[str]:
        return [p for ok, p in self.seen if ok and p.startswith(prefix)]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def tiny_wheel(folder: Path, name: str = "secretpkg", version: str = "1.0") -> Path:
    """A real, installable pure-Python wheel (one module) made here: a few hundred bytes."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": f"VERSION = {version!r}\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: torch-setup-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{dist}/RECORD,,")
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
        zf.writestr(f"{dist}/RECORD", "\n".join(record) + "\n")
    return wheel


def tiny_index(root: Path, name: str = "secretpkg", version: str = "1.0") -> Path:
    """A PEP 503 index in `root`: /simple/NAME/ linking /files/NAME-VERSION-py3-none-any.whl, with its sha256."""
    wheel = tiny_wheel(root / "files", name, version)
    sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
    page = root / "simple" / name
    page.mkdir(parents=True, exist_ok=True)
    (page / "index.html").write_text(f'<!DOCTYPE html><html><body><a href="../../files/{wheel.name}#sha256={sha}">'
                                     f"{wheel.name}</a></body></html>\n")
    return root


# --- the server's own tests: a check that can fail if the server let anyone in ----------------------------

def test_refuses_without_the_password_and_serves_with_it(tmp_path):
    index = AuthIndex(tiny_index(tmp_path / "index"))
    try:
        assert httpx.get(f"{index.plain_url}/secretpkg/").status_code == 401
        assert httpx.get(f"{index.plain_url}/secretpkg/", auth=(USER, "wrong")).status_code == 401
        page = httpx.get(f"{index.plain_url}/secretpkg/", auth=(USER, PASSWORD))
        assert page.status_code == 200 and "secretpkg-1.0-py3-none-any.whl" in page.text
        assert httpx.get(f"{index.plain_url}/secretpkg/", auth=(TOKEN, "")).status_code == 200
    finally:
        index.stop()


def test_pip_installs_the_tiny_wheel_through_it_only_with_the_password(tmp_path):
    index = AuthIndex(tiny_index(tmp_path / "index"))
    target = tmp_path / "target"
    base = [sys.executable, "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
            "--no-input", "--target", str(target), "--trusted-host", "127.0.0.1", "secretpkg==1.0"]
    try:
        refused = subprocess.run([*base, "--index-url", index.plain_url], capture_output=True, text=True)
        assert refused.returncode != 0 and not target.exists()
        done = subprocess.run([*base, "--index-url", index.url()], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert (target / "secretpkg.py").read_text() == "VERSION = '1.0'\n"
        assert index.authorized("/files/secretpkg-1.0")
    finally:
        index.stop()
