"""`torch-setup plan` with a pip configuration whose indexes carry a password or a token: the script shows
`***` (notes and commands) and says so in its header; --show-secrets gives a script that really logs in
(run here against a 127.0.0.1 index that wants the password); a saved report's hidden credentials are
never sent as a user name, and the plan says what will happen instead."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TESTS, load_module, pip_install_plan

from installer.plan.indexes import Indexes
from installer.plan.model import Plan
from installer.plan.script import render_script
from installer.plan.tools import Tools, find_uv

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
PASSWORD, TOKEN = server.PASSWORD, server.TOKEN
REPO = TESTS.parent
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"


def _bash_n(script: str) -> None:
    proc = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def work(tmp_path, xdg_home) -> tuple[Path, dict[str, str]]:
    """A folder with the example answers and a pip.conf naming a password-protected index and a token one."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "cpu-venv.yaml")
    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\nindex-url = https://bob:{PASSWORD}@idx.example/simple\n"
                    f"extra-index-url = https://{TOKEN}@tok.example/simple\nfind-links = /opt/wheels\n")
    return folder, {"PIP_CONFIG_FILE": str(conf), "XDG_CONFIG_HOME": str(xdg_home / "config")}


def _commands(script: str) -> list[str]:
    return [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_script_hides_credentials_in_notes_and_commands_and_says_so(cli, work):
    folder, env = work
    result = cli("plan", "--answers", "cpu-venv.yaml", "--probe-timeout", "1", cwd=folder, env=env)
    assert result.returncode == 0, result.stderr
    script = result.stdout
    assert PASSWORD not in script and TOKEN not in script
    _bash_n(script)
    header = script.splitlines()[:4]
    assert any("***" in line and "--show-secrets" in line for line in header), header
    notes = [line for line in script.splitlines() if line.startswith("# note: package sources")]
    assert notes and "https://***@idx.example/simple" in notes[0] and "https://***@tok.example/simple" in notes[0]
    uv_line = next(line for line in _commands(script) if " pip install " in line and "/uv " in line)
    assert "UV_INDEX_URL='https://***@idx.example/simple'" in uv_line
    assert "UV_EXTRA_INDEX_URL='https://***@tok.example/simple'" in uv_line


def test_show_secrets_puts_them_in_variables_never_in_an_argv(cli, work):
    folder, env = work
    result = cli("plan", "--answers", "cpu-venv.yaml", "--probe-timeout", "1", "--show-secrets", cwd=folder, env=env)
    assert result.returncode == 0, result.stderr
    script = result.stdout
    _bash_n(script)
    assert not any("***" in line for line in script.splitlines()[:4])  # nothing hidden: no such header line
    lines = [line for line in _commands(script) if PASSWORD in line or TOKEN in line]
    assert len(lines) == 2  # the uv command and its pip fallback
    for line in lines:
        # bash assignments before the command (no `env` process whose argv would show them)
        assert f"INDEX_URL=https://bob:{PASSWORD}@idx.example/simple " in line
        assert f"EXTRA_INDEX_URL=https://{TOKEN}@tok.example/simple " in line
        assert f"--index-url https://bob:{PASSWORD}" not in line and "env UV_" not in line and "env PIP_" not in line
    assert not any(PASSWORD in line for line in script.splitlines() if line.startswith("#"))


def _tiny_plan(venv: Path, index_url: str) -> Plan:
    return pip_install_plan(venv, ["secretpkg==1.0"], Indexes(index_url=index_url, trusted_hosts=("127.0.0.1",)),
                            Tools(uv=find_uv(), python=sys.executable, host_pip=True))


def test_the_show_secrets_script_logs_in_and_the_default_one_cannot(tmp_path, xdg_home):
    index = server.AuthIndex(server.tiny_index(tmp_path / "index"))
    try:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(xdg_home / "cache"),
               "PIP_CONFIG_FILE": "/dev/null", "UV_NO_CONFIG": "1"}
        hidden_venv, shown_venv = tmp_path / "hidden", tmp_path / "shown"
        hidden = render_script(_tiny_plan(hidden_venv, index.url()))
        assert PASSWORD not in hidden
        refused = subprocess.run(["bash", "-c", hidden], env=env, capture_output=True, text=True)
        assert refused.returncode != 0 and not index.authorized("/files/")
        shown = render_script(_tiny_plan(shown_venv, index.url()), show_secrets=True)
        done = subprocess.run(["bash", "-c", shown], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert index.authorized("/files/secretpkg-1.0")
        assert (shown_venv / "bin" / "python").exists()
        assert "1.0" == subprocess.run([str(shown_venv / "bin" / "python"), "-c", "import secretpkg; "
                                        "print(secretpkg.VERSION)"], capture_output=True, text=True).stdout.strip()
    finally:
        index.stop()


def test_a_saved_report_with_hidden_credentials_plans_without_sending_stars(cli, work):
    """`detect --json` hides the credentials; planning from that file must not send `***` as a user
    name (always a 401): the URL goes without a user part (~/.netrc can still log in) and a note says so."""
    folder, env = work
    detected = cli("detect", "--json", cwd=folder, env=env)
    assert detected.returncode == 0, detected.stderr
    assert PASSWORD not in detected.stdout
    report = json.loads(detected.stdout)
    assert report["mirror_config"]["pip"]["index_url"] == "https://***@idx.example/simple"
    (folder / "report.json").write_text(detected.stdout)
    for extra in ([], ["--show-secrets"]):
        result = cli("plan", "--answers", "cpu-venv.yaml", "--hardware", "report.json", "--probe-timeout", "1",
                     *extra, cwd=folder, env={**env, "PIP_CONFIG_FILE": "/dev/null"})
        assert result.returncode == 0, result.stderr
        _bash_n(result.stdout)
        commands = _commands(result.stdout)
        assert not any("***" in line for line in commands), commands
        uv_line = next(line for line in commands if " pip install " in line and "/uv " in line)
        assert "--index-url https://idx.example/simple" in uv_line
        assert "--extra-index-url https://tok.example/simple" in uv_line
        note = next(line for line in result.stdout.splitlines() if "HTTP 401" in line)
        assert note.startswith("# note: ") and "https://***@idx.example/simple" in note and "netrc" in note


def test_sources_without_credentials_stay_flags():
    plain = Indexes(index_url="https://a.example/simple", extra_index_urls=("https://b.example/simple",),
                    find_links=("/opt/wheels",), trusted_hosts=("a.example",))
    sources = ("--index-url", "https://a.example/simple", "--extra-index-url", "https://b.example/simple",
               "--find-links", "/opt/wheels")
    assert plain.uv_args() == ((*sources, "--allow-insecure-host", "a.example"), ())
    assert plain.pip_args() == ((*sources, "--trusted-host", "a.example"), ())


def test_a_list_with_one_credentialed_url_moves_whole_and_in_order():
    """uv ignores UV_EXTRA_INDEX_URL when --extra-index-url is given, and asks the extra indexes in
    order: the list moves as one, in its order; the others stay flags."""
    idx = Indexes(index_url="https://pypi.example/simple",
                  extra_index_urls=("https://first.example/simple", f"https://{TOKEN}@second.example/simple"),
                  find_links=("/opt/wheels", f"https://bob:{PASSWORD}@links.example/"), trusted_hosts=("h",))
    flags, env = idx.uv_args()
    assert flags == ("--index-url", "https://pypi.example/simple", "--allow-insecure-host", "h")
    assert dict(env) == {"UV_EXTRA_INDEX_URL": f"https://first.example/simple https://{TOKEN}@second.example/simple",
                         "UV_FIND_LINKS": f"/opt/wheels,https://bob:{PASSWORD}@links.example/"}
    flags, env = idx.pip_args()
    assert flags == ("--index-url", "https://pypi.example/simple", "--trusted-host", "h")
    assert dict(env) == {"PIP_EXTRA_INDEX_URL": f"https://first.example/simple https://{TOKEN}@second.example/simple",
                         "PIP_FIND_LINKS": f"/opt/wheels https://bob:{PASSWORD}@links.example/"}
