"""The CUDA toolkit's environment snippets work in fish as well as in bash and dash.

Found by a tester who uses fish: the plan said "add `. PREFIX/torch-setup-env.sh` to your shell's startup
file", and fish cannot read it (`'case' builtin not inside of switch block`); /etc/profile.d/cuda.sh, the
apt and runfile toolkits' snippet for every user, is never read by fish either. Each snippet now has a fish
twin written by the same step (PREFIX/torch-setup-env.fish; /etc/fish/conf.d/cuda.fish, which fish sources at
start), and the plan names both. The files are planned from the real recipes and sourced in the real shells.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.file import FileParams, ShellEnv, render_fish_env, render_shell_env
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[2]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
BASE_PATH = "/usr/bin:/bin"

needs_fish = pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")


def plan(tmp_path: Path, recipe: str, toolkit: str):
    answers = parse_answers(f"""
version: 1
torch: {{version: 2.13.0, variant: cu126, extras: []}}
cuda_toolkit: {toolkit}
""")
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / recipe)], cache_dir=str(tmp_path / "cache"))


def user_snippets(tmp_path: Path, prefix: Path):
    """The runfile toolkit's step into a folder of the user's, and its two files written as planned."""
    p = plan(tmp_path, "cuda-runfile.yaml", f'{{install: true, version: "12.6", source: runfile, prefix: "{prefix}"}}')
    step = next(s for s in p.steps if s.id == "cuda-profile-user")
    prefix.mkdir(parents=True, exist_ok=True)
    for fw in step.files:
        Path(fw.path).write_text(fw.content)
    return step


def fish(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    # --no-config: the machine's own fish configuration stays out of what is checked; a home of its own, as
    # fish writes its history and variables there (found in review: HOME=/nonexistent, run as root, made
    # /nonexistent, which a detection test relies on not being there)
    with tempfile.TemporaryDirectory(prefix="fish-home-") as home:
        return subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True,
                              env={"PATH": BASE_PATH, "HOME": home, "XDG_CONFIG_HOME": f"{home}/.config",
                                   "XDG_DATA_HOME": f"{home}/.local/share", **env})


@needs_fish
def test_the_user_snippet_sourced_twice_in_fish_puts_the_toolkit_first_once(tmp_path):
    prefix = tmp_path / "cuda-12.6"
    step = user_snippets(tmp_path, prefix)
    assert [f.path for f in step.files] == [str(prefix / "torch-setup-env.sh"), str(prefix / "torch-setup-env.fish")]
    env_fish = prefix / "torch-setup-env.fish"
    got = fish(f"source {env_fish}; source {env_fish}; "
               "echo $CUDA_HOME; printenv PATH; printenv LD_LIBRARY_PATH", LD_LIBRARY_PATH="/opt/a:/opt/b")
    assert got.returncode == 0 and got.stderr == "", got.stderr
    assert got.stdout.splitlines() == [str(prefix), f"{prefix}/bin:{BASE_PATH}", f"{prefix}/lib64:/opt/a:/opt/b"]


@needs_fish
@pytest.mark.parametrize(("given", "want"), [(None, ""), ("", "")])
def test_an_unset_or_empty_library_path_gets_no_empty_entry_in_fish(tmp_path, given, want):
    # `dir:` would put the current folder on the loader's path, as `${NAME:+:$NAME}` avoids in sh
    prefix = tmp_path / "cuda-12.6"
    user_snippets(tmp_path, prefix)
    env = {} if given is None else {"LD_LIBRARY_PATH": given}
    got = fish(f"source {prefix}/torch-setup-env.fish; printenv LD_LIBRARY_PATH", **env)
    assert got.returncode == 0 and got.stdout == f"{prefix}/lib64{want}\n", (got.stdout, got.stderr)


@pytest.mark.parametrize("shell", ["bash", "dash"])
def test_the_sh_snippet_still_works_in_bash_and_dash(tmp_path, shell):
    if shutil.which(shell) is None:
        pytest.skip(f"needs {shell}")
    prefix = tmp_path / "cuda-12.6"
    user_snippets(tmp_path, prefix)
    env_sh = prefix / "torch-setup-env.sh"
    got = subprocess.run([shell, "-c", f'. {env_sh}; . {env_sh}; echo "$CUDA_HOME"; echo "$PATH"; '
                          'echo "$LD_LIBRARY_PATH"'], capture_output=True, text=True,
                         env={"PATH": BASE_PATH, "LD_LIBRARY_PATH": ""})
    assert got.returncode == 0 and got.stderr == "", got.stderr
    assert got.stdout.splitlines() == [str(prefix), f"{prefix}/bin:{BASE_PATH}", f"{prefix}/lib64"]


def test_the_plan_names_both_snippets_whatever_the_shell_of_whoever_plans(tmp_path, monkeypatch):
    prefix = tmp_path / "cuda-12.6"
    said = []
    for shell in ("/usr/bin/fish", "/bin/bash"):
        monkeypatch.setenv("SHELL", shell)
        step = user_snippets(tmp_path, prefix)
        said.append((step.title, step.why, step.files))
    assert said[0] == said[1]
    why = said[0][1]
    assert f"`. {prefix}/torch-setup-env.sh`" in why and f"`source {prefix}/torch-setup-env.fish`" in why


@pytest.mark.parametrize(("recipe", "toolkit", "step_id"), [
    ("cuda-runfile.yaml", '{install: true, version: "12.6", source: runfile}', "cuda-profile-system"),
    ("cuda-apt.yaml", '{install: true, version: "12.6", source: apt}', "cuda-profile"),
])
def test_the_system_snippet_has_a_twin_in_fishs_own_conf_d(tmp_path, recipe, toolkit, step_id):
    step = next(s for s in plan(tmp_path, recipe, toolkit).steps if s.id == step_id)
    assert [f.path for f in step.files] == ["/etc/profile.d/cuda.sh", "/etc/fish/conf.d/cuda.fish"]
    assert "/etc/fish/conf.d/cuda.fish" in step.title
    if shutil.which("fish") is None:
        return
    # fish sources every conf.d/*.fish at start; the user's conf.d is read like /etc/fish/conf.d
    conf_d = tmp_path / "config" / "fish" / "conf.d"
    conf_d.mkdir(parents=True)
    (conf_d / "cuda.fish").write_text(step.files[1].content)
    got = subprocess.run(["fish", "-c", "echo $CUDA_HOME; printenv PATH"], capture_output=True, text=True,
                         env={"PATH": BASE_PATH, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert got.returncode == 0 and got.stderr == "", got.stderr
    assert got.stdout.splitlines() == ["/usr/local/cuda", f"/usr/local/cuda/bin:{BASE_PATH}"]


@needs_fish
def test_a_folder_with_a_quote_a_backslash_and_a_space_stays_one_folder_in_fish(tmp_path):
    # two backslashes in a row: inside fish's single quotes a pair is read as one (shlex.quote's would be)
    base = str(tmp_path / "it's a \\\\ folder")
    env = ShellEnv(base=base, set={"CUDA_HOME": "."}, prepend={"PATH": ("bin",)})
    snippet = tmp_path / "env.fish"
    snippet.write_text(render_fish_env(env, str(snippet), str(tmp_path / "env.sh")))
    got = fish(f"source '{snippet}'; printf '%s\\n' $CUDA_HOME $PATH[1]")
    assert got.returncode == 0 and got.stdout.splitlines() == [base, f"{base}/bin"], (got.stdout, got.stderr)
    # the sh one, as before
    (tmp_path / "env.sh").write_text(render_shell_env(env, str(tmp_path / "env.sh")))
    sh = subprocess.run(["bash", "-c", f'. "{tmp_path}/env.sh"; printf "%s\\n" "$CUDA_HOME"'],
                        capture_output=True, text=True)
    assert sh.stdout.splitlines() == [base]


def test_a_fish_twin_is_refused_where_fish_could_not_export_it_as_a_list_of_folders():
    with pytest.raises(ValueError, match="ends in PATH"):
        FileParams.model_validate({"path": "/etc/profile.d/x.sh", "fish_path": "/etc/fish/conf.d/x.fish",
                                   "shell_env": {"prepend": {"PKG_CONFIG_DIRS": ["/x"]}}})
    with pytest.raises(ValueError, match="go with `shell_env`"):
        FileParams.model_validate({"path": "/etc/x.conf", "fish_path": "/etc/fish/conf.d/x.fish", "lines": ["a"]})
    with pytest.raises(ValueError, match="give `dir`"):
        FileParams.model_validate({"path": "/etc/profile.d/x.sh", "fish_name": "x.fish",
                                   "shell_env": {"set": {"A": "/x"}}})
