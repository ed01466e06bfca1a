"""The plan script's own words in the reader's language (found by a tester, LANG=zh_CN.UTF-8, h200-580: the
script said `echo '== venv: already done'` and "half installed (files are missing), so it is installed
again" in English among Chinese messages). The words change with the language; what a step does, and so its
digest (the journal's key), does not."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.hardware.report import load_report
from installer.i18n import set_language
from installer.plan.indexes import choose_indexes
from installer.plan.kinds.pip import REPAIR, repair_command
from installer.plan.model import Command, Download, Guard, Plan, Step
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
H200 = REPO / "tests" / "fixtures" / "machines" / "h200-580.json"
ANSWERS = "version: 1\ntarget: {kind: venv, path: .venv-torch}\ntorch: {version: 2.13.0, variant: cpu, extras: []}\n" \
          "method: pip\n"
# the English words meant for the reader that the zh script said (not commands, not the Python programs' code)
ENGLISH = ("already done", "# --- step ", "# why: ", "# note: ", "exit code", "download failed",
           "resumable, the next mirror")


def _plan() -> Plan:
    report = load_report(H200)
    answers = parse_answers(ANSWERS)
    pins = resolve_pins(report, torch="2.13.0", variant="cpu", python="3.12", extras=())
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True), cwd="/work/proj",
                     recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def _words_plan(tmp_path: Path) -> Plan:
    """A step of each shape whose words the script says: guarded, with a why, a download, a command whose
    exit code is checked by the script (ok_codes), and a note."""
    return Plan(steps=(
        Step(id="fetched", title="t", kind="command", why="w", guard=Guard(creates=str(tmp_path / "never")),
             downloads=(Download(urls=("file:///nonexistent/x",), dest=str(tmp_path / "x")),)),
        Step(id="done", title="t", kind="command", guard=Guard(creates=str(tmp_path))),
        Step(id="fails", title="t", kind="command", commands=(Command(argv=("sh", "-c", "exit 3"), ok_codes=(0, 1)),)),
    ), notes=("n",))


def test_the_zh_script_says_its_own_words_in_chinese(zh, tmp_path):
    script = render_script(_words_plan(tmp_path))
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
    assert [w for w in ENGLISH if w in script] == []
    assert "# --- 步骤 1/3: fetched - t\n# 原因：w\n" in script and "# 注意：n\n" in script
    assert "  echo '== done: 已完成，跳过'\n" in script
    assert "# 下载：可断点续传，失败时换下一个镜像\n" in script
    # the fetch fails (nothing at that URL), so only the last two steps are run: the echo of each, said in bash
    steps = script.replace("if [ -e " + str(tmp_path / "never") + " ]", "if true", 1)
    out = subprocess.run(["bash", "-c", steps], capture_output=True, text=True)
    assert out.returncode == 3 and "== done: 已完成，跳过" in out.stdout and "退出码 3" in out.stderr, out


def test_the_english_script_is_as_it_was(tmp_path):
    script = render_script(_words_plan(tmp_path))
    assert "# --- step 1/3: fetched - t\n# why: w\n" in script and "# note: n\n" in script
    assert "  echo '== done: already done'\n" in script
    assert "# downloads: resumable, the next mirror on failure\n" in script
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    assert out.returncode != 0 and "download failed: " + str(tmp_path / "x") in out.stderr, out


def test_the_repair_says_what_it_removes_in_the_plans_language(tmp_path):
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = next((env_dir / "lib").glob("python3.*")) / "site-packages"

    def half() -> None:  # uv's record of foo, its file gone: half installed
        info = site / "foo-1.0.dist-info"
        info.mkdir(exist_ok=True)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n")
        (info / "RECORD").write_text("foo/__init__.py,,\n")
        (info / "INSTALLER").write_text("uv\n")

    def said(cmd: Command) -> str:
        half()
        argv = [str(py) if a == "PY" else a for a in cmd.argv]
        return subprocess.run(argv, env=dict(cmd.env), capture_output=True, text=True, check=True).stdout

    english = repair_command("PY", ("foo==1.0",))
    assert english.env == () and english.argv[3] == REPAIR  # an English plan is as it was
    assert said(english) == "foo-1.0.dist-info: half installed (files are missing), so it is installed again\n"
    set_language("zh")
    try:
        chinese = repair_command("PY", ("foo==1.0",))
    finally:
        set_language("en")
    assert chinese.argv == english.argv
    assert said(chinese) == "foo-1.0.dist-info：只安装了一半（缺少文件），所以重新安装\n"


@pytest.mark.skipif(sys.platform != "linux", reason="the recorded machine's paths are Linux paths")
def test_the_steps_are_the_same_steps_in_either_language():
    english = _plan()
    set_language("zh")
    try:
        chinese = _plan()
        script = render_script(chinese)
    finally:
        set_language("en")
    torch = next(s for s in chinese.steps if s.id == "torch")
    assert any("TORCH_SETUP_SAY_REINSTALLED" in dict(c.env) for c in torch.commands)  # said in Chinese
    assert "TORCH_SETUP_SAY_REINSTALLED='{name}：只安装了一半（缺少文件），所以重新安装' " in script
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
    # the journal's key: a step done in one language is done in the other
    assert [s.digest() for s in english.steps] == [s.digest() for s in chinese.steps]
