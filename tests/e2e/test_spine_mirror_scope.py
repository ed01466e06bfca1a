"""mirror.scope for real: `torch-setup install` with the PyPI mirror at a 127.0.0.1 URL (a real HTTP
server serving this machine's local package index), scope env. torch's dependencies come through that
mirror, and afterwards the new environment's own pip.conf names it: `pip config list` run for that
environment's interpreter shows it; nothing outside the environment was written."""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

LOCAL_INDEX = Path("/opt/pypi")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (LOCAL_INDEX / "simple" / "sympy").is_dir() or not Path("/opt/wheels").is_dir(),
                       reason="needs this machine's local package index (/opt/pypi) and the torch wheel (/opt/wheels)"),
]


class _Handler(SimpleHTTPRequestHandler):
    seen: list[str]

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append(self.path)
        super().do_GET()


@pytest.fixture
def mirror():
    """A PyPI mirror on 127.0.0.1: /simple/<project>/ pages and /files/ wheels, over real HTTP."""
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(LOCAL_INDEX)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple", seen
    finally:
        server.shutdown()
        server.server_close()


def test_install_keeps_the_chosen_pypi_mirror_in_the_environments_own_pip_conf(cli, tmp_path, xdg_home, mirror):
    url, seen = mirror
    (tmp_path / "answers.yaml").write_text(f"""\
version: 1
target: {{kind: venv, path: .venv-torch}}
torch: {{version: 2.13.0, variant: cpu, extras: []}}
mirror: {{pypi: "{url}", scope: env}}
verify: false
""")
    env = {k: str(xdg_home / sub) for k, sub in (("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"))}
    plan = cli("plan", "--answers", "answers.yaml", cwd=tmp_path, env=env)
    assert plan.returncode == 0, plan.stderr
    assert "pip-mirror-env" in plan.stdout and f"index-url = {url}" in plan.stdout
    assert not (tmp_path / ".venv-torch").exists()  # plan runs nothing

    result = cli("install", "--answers", "answers.yaml", "--yes", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pip-mirror-env" in result.stdout
    venv = tmp_path / ".venv-torch"
    # the install itself went through the mirror: uv asked it for torch's dependencies
    assert any(p.startswith("/simple/sympy") for p in seen) and any(p.startswith("/files/sympy-") for p in seen)
    assert (venv / "pip.conf").read_text() == f"[global]\nindex-url = {url}\ntrusted-host = 127.0.0.1\n"
    # pip, run for the new environment's interpreter, reads it as that environment's own ("site") file
    def pip_config(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "config", *args],
                              capture_output=True, text=True, check=True,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}).stdout

    assert f"global.index-url='{url}'" in pip_config("list")
    site = pip_config("debug").split("site:\n", 1)[1].split("\nuser:", 1)[0]
    assert f"{venv / 'pip.conf'}, exists: True" in site and f"global.index-url: {url}" in site
    assert not (xdg_home / "config" / "pip").exists()  # the user's own configuration was not touched
    pins = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import importlib.metadata as m; print(m.version('torch'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert pins == "2.13.0+cpu"

    again = cli("install", "--answers", "answers.yaml", "--yes", cwd=tmp_path, env=env)
    assert again.returncode == 0 and again.stdout.count("unchanged") == 3, again.stdout
