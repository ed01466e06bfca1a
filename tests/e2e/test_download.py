"""download.fetch against a real HTTP server on 127.0.0.1: resume, checksum, mirror fallback, progress."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import recipe_fixture

from installer.errors import Interrupted, TorchSetupError
from installer.executor.download import fetch, part_path
from installer.plan.model import Download

rangeserver = recipe_fixture("rangeserver")
RangeServer, Behaviour = rangeserver.RangeServer, rangeserver.Behaviour

SIZE = 3 * 1024 * 1024 + 12345  # not a multiple of any chunk size


@pytest.fixture
def payload(tmp_path) -> tuple[Path, bytes, str]:
    root = tmp_path / "www"
    root.mkdir()
    data = os.urandom(SIZE)
    (root / "cuda.run").write_bytes(data)
    return root, data, hashlib.sha256(data).hexdigest()


@pytest.fixture
def server(payload):
    with RangeServer(payload[0]) as srv:
        yield srv


def closed_port_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connection refused
    return f"http://127.0.0.1:{port}/cuda.run"


def test_fetch_verifies_and_reports_progress(server, payload, tmp_path):
    _, data, sha = payload
    seen: list[tuple[int, int | None, float | None]] = []
    dest = fetch(Download(urls=(server.url("cuda.run"),), dest="cuda.run", sha256=sha, size=SIZE),
                 dest_dir=tmp_path / "dl", on_progress=lambda d, t, r: seen.append((d, t, r)))
    assert dest == tmp_path / "dl" / "cuda.run"
    assert dest.read_bytes() == data
    assert not part_path(dest).exists()
    assert seen[-1][0] == SIZE and seen[-1][1] == SIZE
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert seen[-1][2] is not None and seen[-1][2] > 0


def test_a_file_already_there_is_not_downloaded_again(server, payload, tmp_path):
    _, _, sha = payload
    d = Download(urls=(server.url("cuda.run"),), dest=str(tmp_path / "cuda.run"), sha256=sha)
    fetch(d)
    server.stats.reset()
    fetch(d)
    assert server.stats.requests == []


def test_tampered_file_is_refused_and_removed(server, payload, tmp_path):
    root, data, sha = payload
    (root / "cuda.run").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    d = Download(urls=(server.url("cuda.run"),), dest=str(tmp_path / "cuda.run"), sha256=sha)
    with pytest.raises(TorchSetupError) as err:
        fetch(d)
    assert "sha256 mismatch" in err.value.message
    assert "tampered" in (err.value.hint or "")
    assert not (tmp_path / "cuda.run").exists()
    assert not part_path(tmp_path / "cuda.run").exists()


def test_falls_back_along_the_mirror_list(server, payload, tmp_path):
    root, data, sha = payload
    (root / "bad.run").write_bytes(b"not the runfile")
    urls = (closed_port_url(), server.url("missing.run"), server.url("bad.run"), server.url("cuda.run"))
    dest = fetch(Download(urls=urls, dest=str(tmp_path / "cuda.run"), sha256=sha))
    assert dest.read_bytes() == data
    asked = [r.path for r in server.stats.requests]
    assert asked == ["missing.run", "bad.run", "cuda.run"]


def test_every_mirror_failing_names_each_reason(server, payload, tmp_path):
    _, _, sha = payload
    server.behaviour["cuda.run"] = Behaviour(status=503)
    with pytest.raises(TorchSetupError) as err:
        fetch(Download(urls=(closed_port_url(), server.url("cuda.run")), dest=str(tmp_path / "x"), sha256=sha))
    text = err.value.render()
    assert "HTTP 503" in text and "ConnectError" in text
    assert not (tmp_path / "x").exists()
    # no file came: the network's doing, not tampering (found in use: a DNS failure read as tampering)
    assert "tampered" not in (err.value.hint or "") and "DNS" in (err.value.hint or "")


def test_broken_stream_resumes_from_the_same_url(server, payload, tmp_path):
    _, data, sha = payload
    server.behaviour["cuda.run"] = Behaviour(cut_after=SIZE // 3)
    dest = fetch(Download(urls=(server.url("cuda.run"),), dest=str(tmp_path / "cuda.run"), sha256=sha))
    assert dest.read_bytes() == data
    ranges = [r.range for r in server.stats.requests]
    assert ranges[0] is None and ranges[1] is not None and ranges[1].startswith("bytes=")
    resumed_at = int(ranges[1].removeprefix("bytes=").rstrip("-"))
    assert resumed_at > 0
    # nothing was sent twice beyond what the client had not yet flushed when the connection died
    assert server.stats.sent["cuda.run"] == SIZE + (SIZE // 3 - resumed_at)


def test_server_ignoring_range_restarts_cleanly(server, payload, tmp_path):
    _, data, sha = payload
    dest = tmp_path / "cuda.run"
    part_path(dest).write_bytes(data[:1000])
    server.behaviour["cuda.run"] = Behaviour(ignore_range=True)
    fetch(Download(urls=(server.url("cuda.run"),), dest=str(dest), sha256=sha))
    assert dest.read_bytes() == data


def test_a_stale_part_with_wrong_bytes_gets_one_clean_retry(server, payload, tmp_path):
    _, data, sha = payload
    dest = tmp_path / "cuda.run"
    part_path(dest).write_bytes(b"\0" * 5000)  # e.g. left by a mirror that served garbage
    fetch(Download(urls=(server.url("cuda.run"),), dest=str(dest), sha256=sha))
    assert dest.read_bytes() == data


def test_size_mismatch_is_refused(server, payload, tmp_path):
    with pytest.raises(TorchSetupError) as err:
        fetch(Download(urls=(server.url("cuda.run"),), dest=str(tmp_path / "c"), size=SIZE + 1))
    assert "expected" in err.value.message
    assert not (tmp_path / "c").exists()


def test_cancel_keeps_the_part_for_a_resume(server, payload, tmp_path):
    _, data, sha = payload
    server.behaviour["cuda.run"] = Behaviour(bytes_per_s=4 * 1024 * 1024)
    cancel = threading.Event()
    d = Download(urls=(server.url("cuda.run"),), dest=str(tmp_path / "cuda.run"), sha256=sha)

    def stop_at_a_third(done, total, rate):
        if done > SIZE // 3:
            cancel.set()

    with pytest.raises(Interrupted):
        fetch(d, on_progress=stop_at_a_third, cancel=cancel)
    kept = part_path(tmp_path / "cuda.run").stat().st_size
    assert kept > SIZE // 3
    server.behaviour.clear()
    server.stats.reset()
    fetch(d)
    assert (tmp_path / "cuda.run").read_bytes() == data
    assert server.stats.sent["cuda.run"] == SIZE - kept


def test_file_url(payload, tmp_path):
    root, data, sha = payload
    dest = fetch(Download(urls=((root / "cuda.run").as_uri(),), dest=str(tmp_path / "copy.run"), sha256=sha))
    assert dest.read_bytes() == data


CHILD = """
import sys
from installer.executor.download import fetch
from installer.plan.model import Download
fetch(Download(urls=(sys.argv[1],), dest=sys.argv[2], sha256=sys.argv[3]))
"""


def test_download_killed_half_way_resumes_with_less_than_half(server, payload, tmp_path):
    """The issue's criterion: a download killed half-way transfers less than half the file the second time."""
    _, data, sha = payload
    dest = tmp_path / "cuda.run"
    server.behaviour["cuda.run"] = Behaviour(bytes_per_s=2 * 1024 * 1024)
    child = subprocess.Popen([sys.executable, "-c", CHILD, server.url("cuda.run"), str(dest), sha])
    part = part_path(dest)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if part.exists() and part.stat().st_size > SIZE * 0.55:
            break
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    assert not dest.exists()
    kept = part.stat().st_size
    assert SIZE * 0.55 < kept < SIZE

    server.behaviour.clear()
    server.stats.reset()
    subprocess.run([sys.executable, "-c", CHILD, server.url("cuda.run"), str(dest), sha], check=True, timeout=60)
    second = server.stats.sent["cuda.run"]
    assert second < SIZE / 2, f"the second run transferred {second} of {SIZE} bytes"
    assert second == SIZE - kept
    assert server.stats.requests[0].range == f"bytes={kept}-"
    assert dest.read_bytes() == data
