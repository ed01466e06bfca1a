"""`torch-setup install` from a pip configuration whose index wants a password: a real HTTP server on
127.0.0.1 serving this machine's local package index only to bob:s3cret-Pa55. torch's dependencies come
through it (torch itself from the local wheel folder), so the install succeeds only if the credentials
reached uv; and nothing the run prints or keeps (output, log, journal) holds the password."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import TESTS, load_module

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
LOCAL_INDEX = Path("/opt/pypi")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (LOCAL_INDEX / "simple" / "sympy").is_dir() or not Path("/opt/wheels").is_dir(),
                       reason="needs this machine's local package index (/opt/pypi) and the torch wheel (/opt/wheels)"),
]


def test_install_logs_in_to_a_private_index_and_keeps_the_password_out_of_sight(cli, tmp_path, xdg_home):
    index = server.AuthIndex(LOCAL_INDEX)
    try:
        conf = tmp_path / "pip.conf"
        conf.write_text(f"[global]\nindex-url = {index.url()}\ntrusted-host = 127.0.0.1\nfind-links = /opt/wheels\n")
        (tmp_path / "answers.yaml").write_text("version: 1\ntarget: {kind: venv, path: .venv-torch}\n"
                                               "torch: {version: 2.13.0, variant: cpu, extras: []}\nverify: false\n")
        env = {"PIP_CONFIG_FILE": str(conf), **{k: str(xdg_home / sub) for k, sub in (
            ("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"))}}
        result = cli("install", "--answers", "answers.yaml", "--yes", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        # the run went through the private index, logged in: torch's dependencies came from it
        assert index.authorized("/simple/sympy") and index.authorized("/files/sympy-")
        venv_python = tmp_path / ".venv-torch" / "bin" / "python"
        version = subprocess.run([str(venv_python), "-c", "import importlib.metadata as m; print(m.version('torch'))"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        assert version == "2.13.0+cpu"

        state = xdg_home / "state" / "torch-setup"
        kept = [p for p in (state / "logs").glob("*.log")] + [p for p in (state / "journal").glob("*.json")]
        assert kept
        everything = result.stdout + result.stderr + "".join(p.read_text() for p in kept)
        assert server.PASSWORD not in everything
        assert f"$ UV_INDEX_URL=http://***@127.0.0.1:{index.port}/simple " in result.stdout  # the `$` line
        # the journal keeps the answers file the run was started from (the wizard offers to resume from it)
        records = [json.loads(p.read_text()) for p in (state / "journal").glob("*.json")]
        assert records and {r["answers"] for r in records} == {str(tmp_path / "answers.yaml")}

        again = cli("install", "--answers", "answers.yaml", "--yes", cwd=tmp_path, env=env)
        assert again.returncode == 0 and again.stdout.count("unchanged") == 2, again.stdout
        assert server.PASSWORD not in again.stdout + again.stderr
    finally:
        index.stop()
