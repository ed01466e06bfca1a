"""A stdout that cannot write every character (PYTHONIOENCODING=ascii, latin-1) gets escapes, not a traceback.

Found in use: `PYTHONIOENCODING=ascii torch-setup --lang zh detect` ended in a UnicodeEncodeError traceback,
and so did `plan` of a folder with Chinese characters in its name. Text is written with \\uXXXX for what the
encoding lacks; `--json` stays valid JSON with the same strings; the bash script of `plan` keeps the folder's
own characters (an escaped name would be another folder). The real command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
FOLDER = "文件夹"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_chinese_messages_on_a_narrow_stdout(cli, tmp_path, encoding):
    result = cli("--lang", "zh", "detect", "--hardware", CPU_ONLY, cwd=tmp_path, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "\\u" in result.stdout  # the Chinese, escaped
    help_text = cli("--lang", "zh", "install", "--help", cwd=tmp_path, env={"PYTHONIOENCODING": encoding})
    assert help_text.returncode == 0 and "Traceback" not in help_text.stderr


@pytest.mark.parametrize("command", [["recommend", "--json"], ["detect", "--json"]])
def test_json_stays_valid_and_the_same(cli, tmp_path, command):
    args = ["--lang", "zh", *command, "--hardware", CPU_ONLY]
    wide = cli(*args, cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8"})
    narrow = cli(*args, cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert narrow.returncode == wide.returncode == 0, narrow.stderr
    assert narrow.stdout.isascii()
    assert json.loads(narrow.stdout) == json.loads(wide.stdout)


def test_json_beyond_the_basic_plane_and_latin_1():
    """The escape is JSON's own, \\u and surrogate pairs, where Python's backslashreplace would write \\xe9."""
    code = ("import json, sys; from installer.commands.streams import survive_narrow_encodings; "
            "survive_narrow_encodings(); sys.stdout.write(json.dumps({'a': 'é中😀'}, ensure_ascii=False))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env={"PYTHONIOENCODING": "ascii"},
                         cwd=REPO, check=True).stdout
    assert json.loads(out) == {"a": "é中😀"}


def test_plan_of_a_folder_with_chinese_in_its_name(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(f"version: 1\ntarget:\n  kind: venv\n  path: {tmp_path}/{FOLDER}/env\ntorch:\n"
                       "  version: 2.13.0\n  variant: cpu\n  extras: []\n", encoding="utf-8")
    for lang in ("en", "zh"):
        result = subprocess.run([sys.executable, "-m", "installer", "--lang", lang, "plan", "--answers", str(answers),
                                 "--hardware", CPU_ONLY, "--probe-timeout", "0.2"], cwd=tmp_path, capture_output=True,
                                env={**os.environ, "PYTHONIOENCODING": "ascii", "NO_COLOR": "1"})
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
        script = result.stdout.decode("utf-8")
        # bash gets the folder's own name, not an escape that would name another folder
        assert f"{tmp_path}/{FOLDER}/env" in script and "\\u6587" not in script
        assert subprocess.run(["bash", "-n"], input=result.stdout).returncode == 0


def test_an_error_naming_such_a_folder(cli, tmp_path):
    # stderr: escaped as stdout is (Python's own default there, backslashreplace, was already no traceback)
    (tmp_path / FOLDER).write_text("a file where the folder goes\n")
    (tmp_path / "a.yaml").write_text(f"version: 1\ntarget:\n  path: {FOLDER}/env\n", encoding="utf-8")
    result = cli("plan", "--answers", "a.yaml", "--hardware", CPU_ONLY, cwd=tmp_path,
                 env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "\\u6587\\u4ef6\\u5939" in result.stderr


def test_the_wizard_draws_in_utf8_whatever_pythonioencoding_says(tmp_path):
    """Found in use: with PYTHONIOENCODING=ascii (the terminal itself UTF-8) the wizard drew \\u2014 for a dash
    and \\u2590\\u25cf\\u258c for a radio button, and its footer lost keys to the longer text."""
    import pty
    import select
    import time

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "COLUMNS": "100", "LINES": "30", "XDG_STATE_HOME": str(tmp_path / "state")}
    proc = subprocess.Popen([sys.executable, "-m", "installer", "--lang", "en", "--dry-run", "--hardware", CPU_ONLY],
                            stdin=follower, stdout=follower, stderr=follower, cwd=tmp_path, env=env,
                            start_new_session=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and b"Step 1 of 9" not in seen:
            ready, _w, _x = select.select([leader], [], [], 0.5)
            if ready:
                seen += os.read(leader, 65536)
        os.write(leader, b"\x11")  # ctrl+q
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        try:
            while select.select([leader], [], [], 0.2)[0]:
                chunk = os.read(leader, 65536)
                if not chunk:
                    break
                seen += chunk
        except OSError:  # the other end is closed
            pass
        os.close(leader)
    assert b"Step 1 of 9" in seen, seen[-2000:]
    assert "—".encode() in seen  # "torch-setup — Step 1 of 9", as UTF-8
    assert b"\\u2014" not in seen and b"\\u25cf" not in seen
