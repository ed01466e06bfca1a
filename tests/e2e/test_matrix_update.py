"""`torch-setup matrix update` against a real HTTP server on 127.0.0.1 serving recorded index pages.

The server answers PyPI's JSON API (`/pypi/<package>/json`) from tests/fixtures/indexes/pypi/ and a
PyTorch-style PEP 503 page (`/whl/torch/`) from tests/fixtures/indexes/whl/ (see record.py there).
"""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from helpers import cli_as_nobody

REPO = Path(__file__).resolve().parents[2]
INDEXES = REPO / "tests" / "fixtures" / "indexes"
DATA = REPO / "installer" / "compat" / "data"
MACHINES = REPO / "tests" / "fixtures" / "machines"


class _Pages(http.server.BaseHTTPRequestHandler):
    root: Path = INDEXES
    extra_links: list[str] = []
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path.split("?", 1)[0]
        type(self).requests.append(path)
        if path.startswith("/pypi/") and path.endswith("/json"):
            body, ctype = (self.root / "pypi" / f"{path.split('/')[2]}.json"), "application/json"
        elif path.rstrip("/") == "/whl/torch":
            body, ctype = self.root / "whl" / "torch" / "index.html", "text/html"
        else:
            self.send_error(404)
            return
        if not body.is_file():
            self.send_error(404)
            return
        data = body.read_bytes()
        if ctype == "text/html" and self.extra_links:
            links = "".join(f'<a href="/whl/{n}">{n}</a><br/>\n' for n in self.extra_links)
            data = data.replace(b"  </body>", links.encode() + b"  </body>")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Pages.extra_links = []
    _Pages.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _update(cli, server: str, data_dir: Path, *extra: str):
    return cli("matrix", "update", "--pypi-url", f"{server}/pypi", "--index-url", f"{server}/whl",
               "--output", str(data_dir), *extra, timeout=120)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _rows(folder: Path) -> dict[str, dict]:
    return {r["torch"]: r for r in yaml.safe_load((folder / "releases.yaml").read_text())["releases"]}


def test_a_missing_release_comes_back_as_a_reviewable_diff(cli, server, data_dir):
    doc = yaml.safe_load((data_dir / "releases.yaml").read_text())
    newest = doc["releases"].pop(0)  # as if the data predated that release
    doc["releases"][0]["python"]["linux_x86_64"] = "3.10-3.13"  # and missed a Python
    from installer.compat.update import RELEASES_HEADER
    from installer.compat.yamlout import dump_data

    (data_dir / "releases.yaml").write_text(dump_data(doc, RELEASES_HEADER))
    before = _digest(data_dir)

    r = _update(cli, server, data_dir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("--- a/releases.yaml\n+++ b/releases.yaml\n")
    added = [line[1:] for line in r.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:] for line in r.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert f"  - torch: {newest['torch']}" in added
    assert f"    date: '{newest['date']}'" in added
    assert f"    torchvision: {newest['torchvision']}" in added  # uploaded the same day
    assert any("linux_x86_64: 3.10-3.14" in line for line in added)
    assert any("linux_x86_64: 3.10-3.13" in line for line in removed)
    assert "new release torch " + newest["torch"] in r.stderr and "nothing written" in r.stderr
    assert _digest(data_dir) == before, "matrix update wrote without --write"
    assert {"/pypi/torch/json", "/pypi/torchvision/json", "/pypi/torchaudio/json", "/whl/torch/"} <= \
        set(_Pages.requests)

    w = _update(cli, server, data_dir, "--write")
    assert w.returncode == 0 and w.stdout == r.stdout
    rows = _rows(data_dir)
    row = rows[newest["torch"]]
    assert row["python"] == newest["python"] and row["variants"] == newest["variants"]
    # what the indexes cannot say is marked for review, not guessed silently
    assert "pypi_default" in row["unverified"] and "torchaudio" in row["unverified"]
    again = _update(cli, server, data_dir)
    assert again.returncode == 0 and again.stdout == "" and "up to date" in again.stderr

    # and the solver reads what was written
    from installer.compat.data import load_from
    assert load_from(data_dir).released()[0].torch == newest["torch"]


def test_a_new_variant_on_the_index_is_added_with_a_note_about_kernels(cli, server, data_dir):
    newest = next(iter(_rows(data_dir)))
    _Pages.extra_links = [f"torch-{newest}%2Bcu134-cp312-cp312-manylinux_2_28_x86_64.whl"]
    r = _update(cli, server, data_dir, "--write")
    assert r.returncode == 0, r.stderr
    assert any(line.startswith("+") and "cu134" in line for line in r.stdout.splitlines())
    assert f"torch {newest} cu134" in r.stderr and "builds.yaml" in r.stderr
    row = _rows(data_dir)[newest]
    assert row["variants"]["linux_x86_64"][-1] == "cu134"
    assert "wheel index" in row["source"]["variants"]
    # a variant with no kernel data is refused, never offered blind
    import json

    from installer.compat import recommend
    from installer.compat.data import load_from
    from installer.hardware.report import HardwareReport

    report = HardwareReport.model_validate(json.loads((MACHINES / "rtx4090-580.65.06.json").read_text()))
    rec = recommend(report, variant="cu134", data=load_from(data_dir))
    assert not rec.choices and "no data on the kernels" in rec.rejected[0].reason


def test_unreachable_index_fails_with_a_message_and_changes_nothing(cli, server, data_dir):
    before = _digest(data_dir)
    r = cli("matrix", "update", "--pypi-url", f"{server}/pypi", "--index-url", f"{server}/nowhere",
            "--output", str(data_dir), "--write", timeout=120)
    assert r.returncode == 1 and "HTTP 404" in r.stderr and "Traceback" not in r.stderr
    r = cli("matrix", "update", "--pypi-url", "http://127.0.0.1:9/pypi", "--output", str(data_dir),
            "--timeout", "2", timeout=120)
    assert r.returncode == 1 and "cannot read" in r.stderr
    assert _digest(data_dir) == before


def test_a_host_that_does_not_resolve_is_said_in_the_mirror_probes_words(cli, data_dir):
    """Found in use: with no network, a Chinese `matrix update` printed the C library's "[Errno -2] Name or
    service not known"; the mirror probes say that failure in words ("DNS 查询失败"). A `.invalid` host
    (RFC 6761) never resolves; NO_PROXY=* keeps a proxy of the machine's from answering in its stead."""
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "NO_PROXY": "*"}
    r = cli("matrix", "update", "--pypi-url", "http://no-such-host.invalid/pypi", "--output", str(data_dir),
            "--timeout", "5", env=env, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "no-such-host.invalid 的 DNS 查询失败" in r.stderr and "Errno" not in r.stderr, r.stderr


def test_output_folder_without_data_is_bad_input(cli, server, tmp_path):
    r = cli("matrix", "update", "--pypi-url", f"{server}/pypi", "--index-url", f"{server}/whl",
            "--output", str(tmp_path))
    assert r.returncode == 2 and "releases.yaml" in r.stderr


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root (to make folders nobody may write or enter) and setpriv (to run as nobody)")
def test_a_data_folder_the_user_may_not_write_or_enter_is_bad_input_before_any_request(
        server, shared_and_home, readable_checkout):
    # found in use, as a normal user: --output under /root ended in a PermissionError traceback; and an
    # install made by root keeps its data where a user may read but not write, which --write met last
    shared, home = shared_and_home
    data = shared / "data"
    shutil.copytree(DATA, data)
    before = _digest(data)
    args = ("matrix", "update", "--pypi-url", f"{server}/pypi", "--index-url", f"{server}/whl", "--output")
    result = cli_as_nobody(readable_checkout, home, home, *args, str(data), "--write")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"--output: {data} is not writable by you",
        "  -> copy installer/compat/data to a folder of yours and point --output at it, or run as the folder's owner"]
    assert _Pages.requests == []  # refused before the network was asked
    closed = shared / "private"
    closed.mkdir(mode=0o700)
    shutil.move(str(data), closed / "data")
    result = cli_as_nobody(readable_checkout, home, home, *args, str(closed / "data"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[0] == (f"--output: {closed} is closed to you (you may not look inside it), so "
                                             f"{closed}/data/releases.yaml cannot be used")
    assert _Pages.requests == [] and _digest(closed / "data") == before
