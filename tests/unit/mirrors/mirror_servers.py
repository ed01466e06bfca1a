"""Real HTTP mirrors on 127.0.0.1 with known behaviour, for the probe tests and the benchmark.

Each `Mirror` is its own ThreadingHTTPServer on its own port (so each has its own host:port, the way
real mirrors have their own hosts). A mirror serves a dict of routes; it can wait before answering
(`delay`), pace the body (`rate`, bytes per second), redirect, or answer a portal page for anything.
Range requests get 206 with Content-Range, as real file servers do.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

WHEEL_BYTES = b"PK\x03\x04" + os.urandom(2 * 1024 * 1024)  # a "wheel": zip magic, then 2 MiB
PORTAL = (b"<!DOCTYPE html><html><head><title>Welcome to our portal</title></head><body>"
          b"<a href='/news/'>News</a> <a href='/about/'>About</a> <a href='/login'>Log in</a></body></html>")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)


Route = Reply | Callable[[str], Reply]


@dataclass
class Mirror:
    name: str
    routes: dict[str, Route] = field(default_factory=dict)
    delay: float = 0.0  # before the headers of every answer
    rate: float | None = None  # body bytes per second (None: as fast as loopback goes)
    fallback: Route | None = None  # for paths not in routes (None: 404)
    hang: bool = False  # accept the connection, never answer
    requests: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    tls: ssl.SSLContext | None = None  # serve HTTPS with this server context

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.server.server_address[1]}"

    @property
    def netloc(self) -> str:
        return self.base.split("//", 1)[1]

    def start(self) -> Mirror:
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = unquote(urlsplit(self.path).path)
                mirror.requests.append(path)
                if mirror.hang:
                    time.sleep(30)
                    return
                if mirror.delay:
                    time.sleep(mirror.delay)
                route = mirror.routes.get(path, mirror.fallback)
                reply = Reply(404, b"not found", "text/plain") if route is None else (
                    route(path) if callable(route) else route)
                body, status = reply.body, reply.status
                headers = {"Content-Type": reply.content_type, **reply.headers}
                rng = self.headers.get("Range")
                if rng and status == 200 and rng.startswith("bytes="):
                    start_s, _, end_s = rng[6:].partition("-")
                    start, end = int(start_s or 0), min(int(end_s or len(body) - 1), len(body) - 1)
                    # a reply may state its own Content-Range (a server that lies about what it sends)
                    headers.setdefault("Content-Range", f"bytes {start}-{end}/{len(body)}")
                    body, status = body[start:end + 1], 206
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if mirror.rate:
                        chunk = 64 * 1024
                        for i in range(0, len(body), chunk):
                            self.wfile.write(body[i:i + chunk])
                            time.sleep(chunk / mirror.rate)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if self.tls is not None:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def dead_base() -> str:
    """An http://127.0.0.1 base URL where nothing listens (connection refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


# ------------------------------------------------------------------ what a torch index looks like
def torch_wheel(version: str, variant: str, py: str = "cp311") -> str:
    return f"torch-{version}+{variant}-{py}-{py}-manylinux_2_28_x86_64.whl"


def index_html(hrefs: list[str]) -> bytes:
    anchors = "\n".join(f'<a href="{h}">{unquote(h.rsplit("/", 1)[-1].split("#")[0])}</a><br/>' for h in hrefs)
    return f"<!DOCTYPE html>\n<html><body>\n<h1>Links</h1>\n{anchors}\n</body></html>\n".encode()


def torch_index(mirror: Mirror, *, variant: str = "cpu", versions: tuple[str, ...] = ("2.12.0", "2.13.0"),
                layout: str = "pep503", link_base: str | None = None, prefix: str = "/whl") -> Mirror:
    """Add a PyTorch wheel index for `variant` to `mirror` (wheel files included, Range-able).

    link_base: write absolute links to that base instead (a mirror whose links go back upstream).
    """
    names = [torch_wheel(v, variant) for v in versions] + [f"torchvision-0.28.0+{variant}-cp311-cp311-"
                                                           "manylinux_2_28_x86_64.whl"]
    folder = f"{prefix}/{variant}"
    for n in names:
        mirror.routes[f"{folder}/{n}"] = Reply(200, WHEEL_BYTES, "application/octet-stream")
    torch_names = [n for n in names if n.startswith("torch-")]
    if layout == "pep503":
        hrefs = [(f"{link_base}{folder}/{quote(n)}" if link_base else f"../{quote(n)}") + "#sha256=00" for n in
                 torch_names]
        mirror.routes[f"{folder}/torch/"] = Reply(200, index_html(hrefs))
        mirror.routes[f"{folder}/"] = Reply(200, index_html(["torch/", "torchvision/"]))
    else:
        hrefs = [(f"{link_base}{folder}/" if link_base else "") + quote(n) for n in names]
        mirror.routes[f"{folder}/"] = Reply(200, index_html(hrefs))
    return mirror


def pypi_index(mirror: Mirror, *, project: str = "sympy", versions: tuple[str, ...] = ("1.13.3", "1.14.0"),
               prefix: str = "/simple", link_base: str | None = None) -> Mirror:
    names = [f"{project}-{v}-py3-none-any.whl" for v in versions]
    for i, n in enumerate(names):
        mirror.routes[f"/packages/{i:02d}/{n}"] = Reply(200, WHEEL_BYTES, "application/octet-stream")
    base = link_base or ""
    hrefs = [f"{base}{'/' if link_base else '../../'}packages/{i:02d}/{n}#sha256=00" for i, n in enumerate(names)]
    mirror.routes[f"{prefix}/{project}/"] = Reply(200, index_html(hrefs))
    return mirror


def release_file(date: float, suite: str = "noble-updates") -> bytes:
    return (f"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Ubuntu\nLabel: Ubuntu\nSuite: {suite}\n"
            f"Codename: noble\nDate: {formatdate(date, usegmt=True)}\nArchitectures: amd64 arm64\n"
            "Components: main restricted universe multiverse\n").encode() + b"x" * 20000


def apt_archive(mirror: Mirror, *, date: float, prefix: str = "/ubuntu", suite: str = "noble") -> Mirror:
    mirror.routes[f"{prefix}/dists/{suite}-updates/InRelease"] = Reply(200, release_file(date), "text/plain")
    mirror.routes[f"{prefix}/dists/{suite}/main/binary-amd64/Packages.gz"] = Reply(
        200, b"\x1f\x8b" + WHEEL_BYTES[4:], "application/x-gzip")
    return mirror


def conda_channel(mirror: Mirror, *, modified: float, prefix: str = "/conda-forge") -> Mirror:
    repodata = b'{"info":{"subdir":"noarch"},"packages":{' + b" " * (300 * 1024) + b"}}"
    headers = {"Last-Modified": formatdate(modified, usegmt=True)}
    mirror.routes[f"{prefix}/noarch/repodata.json"] = Reply(200, repodata, "application/json", headers)
    mirror.routes[f"{prefix}/linux-64/repodata.json"] = Reply(200, repodata, "application/json", headers)
    return mirror


def script_file(mirror: Mirror, path: str) -> Mirror:
    mirror.routes[path] = Reply(200, b"#!/bin/sh\n# installer\n" + WHEEL_BYTES, "application/x-sh")
    return mirror


def write_catalog(path: Path, kinds: dict[str, dict], mirrors: list[dict]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump({"version": 1, "kinds": kinds, "mirrors": mirrors}, sort_keys=False))
    return path
