"""The CUDA toolkit's fish snippet in /etc/fish/conf.d is written only where fish is installed.

Noticed in session 25: the runfile and apt toolkits' steps wrote /etc/fish/conf.d/cuda.fish on machines
without fish, a file nothing reads. The test is made where the step runs (`fish` on the PATH its commands get),
by the executor and by the printed script alike; the plan stays the same whoever plans it. The steps are the
real recipes' (their paths moved into a temporary folder, as a test cannot write /etc) and the real fish runs.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_fish_env_snippets import plan

from installer.executor import run_plan
from installer.executor.events import OutputLine, StepFinished
from installer.plan.model import Plan
from installer.plan.script import _file, _put_file

REPO = Path(__file__).resolve().parents[2]
FISH = shutil.which("fish")
needs_fish = pytest.mark.skipif(FISH is None, reason="needs fish")


def system_step(tmp_path: Path, recipe: str, toolkit: str, step_id: str):
    """The recipe's step for every user, its two files moved below tmp_path and run as the user."""
    step = next(s for s in plan(tmp_path, recipe, toolkit).steps if s.id == step_id)
    files = tuple(dataclasses.replace(f, path=str(tmp_path / "root" / f.path.lstrip("/"))) for f in step.files)
    return dataclasses.replace(step, files=files, root=False)


def bin_without_fish(tmp_path: Path) -> str:
    """A PATH with the usual tools but no fish: links to each program of /usr/bin and /bin but fish."""
    folder = tmp_path / "bin-no-fish"
    folder.mkdir()
    for d in ("/usr/bin", "/bin"):
        for name in os.listdir(d):
            if name != "fish" and not (folder / name).exists():
                (folder / name).symlink_to(os.path.join(d, name))
    return str(folder)


CASES = [("cuda-runfile.yaml", '{install: true, version: "12.6", source: runfile}', "cuda-profile-system"),
         ("cuda-apt.yaml", '{install: true, version: "12.6", source: apt}', "cuda-profile")]


@pytest.mark.parametrize(("recipe", "toolkit", "step_id"), CASES)
def test_the_plan_says_the_fish_snippet_needs_fish_and_the_sh_one_nothing(tmp_path, recipe, toolkit, step_id):
    step = next(s for s in plan(tmp_path, recipe, toolkit).steps if s.id == step_id)
    assert [(f.path, f.needs) for f in step.files] == [("/etc/profile.d/cuda.sh", None),
                                                       ("/etc/fish/conf.d/cuda.fish", "fish")]


def test_the_users_own_fish_snippet_is_always_written(tmp_path):
    # sourced by hand, as the step's `why` says: not a conf.d file fish reads by itself
    prefix = tmp_path / "cuda-12.6"
    p = plan(tmp_path, "cuda-runfile.yaml", f'{{install: true, version: "12.6", source: runfile, prefix: "{prefix}"}}')
    step = next(s for s in p.steps if s.id == "cuda-profile-user")
    assert [f.needs for f in step.files] == [None, None]


@pytest.mark.parametrize(("recipe", "toolkit", "step_id"), CASES)
def test_the_executor_writes_the_fish_snippet_only_where_fish_is(tmp_path, monkeypatch, xdg_home, recipe, toolkit,
                                                                  step_id):
    step = system_step(tmp_path, recipe, toolkit, step_id)
    sh, fish = (Path(f.path) for f in step.files)
    monkeypatch.setenv("PATH", bin_without_fish(tmp_path))
    events = list(run_plan(Plan(steps=(step,)), state_dir=xdg_home / "state"))
    lines = [e.line for e in events if isinstance(e, OutputLine)]
    assert [e.status for e in events if isinstance(e, StepFinished)] == ["changed"]
    assert sh.exists() and not fish.exists()
    assert f"{fish} not written: fish is not installed here" in lines
    # the dry run says the same
    dry = [e.line for e in run_plan(Plan(steps=(step,)), dry_run=True) if isinstance(e, OutputLine)]
    assert f"would not write {fish}: fish is not installed here" in dry and f"would write {sh}" in dry
    if FISH is None:
        return
    monkeypatch.setenv("PATH", f"{os.path.dirname(FISH)}:/usr/bin:/bin")
    list(run_plan(Plan(steps=(step,)), state_dir=xdg_home / "state2"))
    assert fish.read_text() == step.files[1].content


@pytest.mark.parametrize("with_fish", [False, True])
def test_the_printed_script_tests_for_fish_as_the_executor_does(tmp_path, with_fish):
    if with_fish and FISH is None:
        pytest.skip("needs fish")
    step = system_step(tmp_path, *CASES[0])
    fish = Path(step.files[1].path)
    script = "\n".join([_put_file(), *_file(step.files[1], root=False)])
    assert "if command -v fish >/dev/null 2>&1; then" in script
    path = f"{os.path.dirname(FISH)}:/usr/bin:/bin" if with_fish else bin_without_fish(tmp_path)
    got = subprocess.run(["/bin/bash", "-c", script], capture_output=True, text=True,
                         env={"PATH": path, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")})
    assert got.returncode == 0, got.stderr
    assert fish.exists() is with_fish
    if not with_fish:
        assert got.stdout.strip() == f"{fish} not written: fish is not installed here"


@needs_fish
def test_the_written_snippet_is_read_by_fish_from_its_conf_d(tmp_path):
    step = system_step(tmp_path, *CASES[1])
    conf_d = tmp_path / "config" / "fish" / "conf.d"
    conf_d.mkdir(parents=True)
    (conf_d / "cuda.fish").write_text(step.files[1].content)
    got = subprocess.run(["fish", "-c", "echo $CUDA_HOME"], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert got.stdout.strip() == "/usr/local/cuda", got.stderr


def test_only_installer_shells_reads_the_users_shell_from_the_environment():
    # the edges pass the environment to installer.shells.user_shell; pure code takes the shell as an argument
    reads = re.compile(r"""(environ|getenv)\b[^\n]{0,20}["']SHELL["']""")
    found = [str(p.relative_to(REPO)) for p in (REPO / "installer").rglob("*.py")
             if p.name != "shells.py" and reads.search(p.read_text())]
    assert found == []
