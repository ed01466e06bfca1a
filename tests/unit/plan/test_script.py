"""The plan as a bash script: bash -n accepts it, every item quoted, guards as tests, root steps marked."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from installer.plan.model import Command, Download, FileWrite, Guard, Plan, Step
from installer.plan.script import render_script

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"
HOSTILE = "/tmp/a b/$(touch pwned)/`id`/'q'\"/;x"


def _bash_n(script: str) -> None:
    proc = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    assert proc.returncode == 0, proc.stderr


def _plan() -> Plan:
    return Plan(steps=(
        Step(id="venv", title="Create\nthe env", kind="pip", why="why it matters",
             commands=(Command(argv=("uv", "venv", HOSTILE), fallback=Command(argv=("python3", "-m", "venv", HOSTILE))),),
             guard=Guard(creates=HOSTILE + "/pyvenv.cfg", unless=(HOSTILE + "/bin/python", "-c", "import sys"))),
        Step(id="driver", title="Install the driver", kind="apt", root=True, reboot=True,
             commands=(Command(argv=("apt-get", "install", "-y", "nvidia-driver-550"),
                               env=(("DEBIAN_FRONTEND", "noninteractive"),), ok_codes=(0, 100)),),
             downloads=(Download(urls=("https://a.example/k.deb", "https://b.example/k.deb"), dest="/var/cache/k.deb",
                                 sha256="0" * 64),),
             files=(FileWrite(path="/etc/modprobe.d/x.conf", content="blacklist nouveau\n'$(id)'\n"),)),
    ), summary=(("torch", "2.13.0"),), notes=("a note\nwith a newline",), target_python=HOSTILE + "/bin/python")


def test_script_is_valid_bash_with_everything_quoted():
    script = render_script(_plan())
    _bash_n(script)
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert shlex.quote(HOSTILE) in script
    assert "# why: why it matters" in script
    assert "# --- step 2/2 [root]: driver" in script
    # the values are bash's assignments (no argv shows them); sudo is told the names to pass on
    assert "SUDO=(sudo)" in script and ('DEBIAN_FRONTEND=noninteractive ${SUDO[@]+"${SUDO[@]}"'
                                        ' --preserve-env=DEBIAN_FRONTEND} apt-get') in script
    assert "|| python3 -m venv" in script
    assert "sha256sum --check" in script
    assert "# note: a note with a newline" in script  # a newline cannot end a comment early


def test_guard_is_a_shell_test_and_running_it_skips_done_steps(tmp_path):
    marker = tmp_path / "ran"
    done = tmp_path / "done"
    plan = Plan(steps=(
        Step(id="once", title="t", kind="command", guard=Guard(creates=str(done)),
             commands=(Command(argv=("touch", str(marker))), Command(argv=("touch", str(done))))),
    ))
    script = render_script(plan)
    subprocess.run(["bash", "-c", script], check=True, capture_output=True)
    assert marker.exists()
    marker.unlink()
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True).stdout
    assert not marker.exists() and "already done" in out


def test_hostile_value_stays_literal_when_the_script_runs(tmp_path):
    weird = tmp_path / "a b;$(touch pwned)"
    plan = Plan(steps=(Step(id="mk", title="mk", kind="command", commands=(Command(argv=("mkdir", "-p", str(weird))),)),))
    subprocess.run(["bash", "-c", render_script(plan)], check=True, cwd=tmp_path, capture_output=True)
    assert weird.is_dir()
    assert not (tmp_path / "pwned").exists()


def test_plan_command_prints_a_script_and_creates_nothing(cli, tmp_path, xdg_home):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(EXAMPLE, work / "cpu-venv.yaml")
    before = sorted(p for p in xdg_home.rglob("*"))
    result = cli("plan", "--answers", "cpu-venv.yaml", "--probe-timeout", "1", cwd=work)
    assert result.returncode == 0, result.stderr
    _bash_n(result.stdout)
    assert "torch==2.13.0" in result.stdout
    assert shlex.quote(str(work / ".venv-torch")) in result.stdout
    assert os.listdir(work) == ["cpu-venv.yaml"]
    assert sorted(p for p in xdg_home.rglob("*")) == before  # no journal, no log, no cache


@pytest.mark.parametrize("text, line, key", [
    ("version: 1\ntorch:\n  version: [2.13.0\nverify: true\n", 3, None),  # where the '[' opens
    ("version: 1\ntorhc:\n  version: 2.13.0\n", 2, "torhc"),
    ("version: 1\ntorch:\n  version: \"2.13.0; touch {marker}\"\n", 3, "torch.version"),
])
def test_plan_refuses_bad_answers(cli, tmp_path, xdg_home, text, line, key):
    marker = tmp_path / "pwned"
    answers = tmp_path / "a.yaml"
    answers.write_text(text.format(marker=marker))
    result = cli("plan", "--answers", str(answers), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{answers}:{line}: " + (f"{key}: " if key else ""))
    assert not marker.exists()


def test_a_reboot_step_stops_the_script_until_the_machine_rebooted(tmp_path):
    counter, after = tmp_path / "counter", tmp_path / "after"
    plan = Plan(steps=(
        Step(id="driver", title="driver", kind="command", reboot=True,
             commands=(Command(argv=("sh", "-c", f"echo x >> {shlex.quote(str(counter))}")),)),
        Step(id="after", title="after", kind="command", commands=(Command(argv=("touch", str(after))),)),
    ))
    script = render_script(plan)
    _bash_n(script)
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    for _ in range(2):  # before the reboot: the step runs once, and every run stops after it
        out = subprocess.run(["bash", "-c", script], env=env, check=True, capture_output=True, text=True).stdout
        assert "reboot now" in out and not after.exists()
    assert counter.read_text() == "x\n"
    marker = next((tmp_path / "state" / "torch-setup" / "script").glob("*.done"))
    marker.write_text("an-earlier-boot\n")
    subprocess.run(["bash", "-c", script], env=env, check=True, capture_output=True)
    assert after.exists() and counter.read_text() == "x\n"


SUDO_EXE = shutil.which("sudo")
SETPRIV = shutil.which("setpriv")
SYSTEM_PY = shutil.which("python3", path="/usr/bin:/bin") or "/usr/bin/python3"


def _root_step_script() -> str:
    code = "import os; print(os.geteuid(), os.environ.get('MARK'), os.environ.get('PIP_INDEX_URL'))"
    step = Step(id="root-env", title="t", kind="command", root=True,
                commands=(Command(argv=(SYSTEM_PY, "-c", code),
                                  env=(("MARK", "step env"), ("PIP_INDEX_URL", "https://bob:pw@idx.example/s"))),))
    return render_script(Plan(steps=(step,)), show_secrets=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="the script's own root path: SUDO=() when it runs as root")
def test_a_root_step_gets_its_variables_when_the_script_runs_as_root():
    out = subprocess.run(["bash", "-c", _root_step_script()], capture_output=True, text=True, check=True).stdout
    assert "0 step env https://bob:pw@idx.example/s" in out


@pytest.mark.skipif(not (SUDO_EXE and SETPRIV and os.geteuid() == 0),
                    reason="needs root (to add a sudoers rule), sudo and setpriv to act as the user nobody")
def test_a_root_step_gets_its_variables_through_the_real_sudo():
    rule = Path("/etc/sudoers.d/zz-torch-setup-script-test")
    rule.write_text(f"nobody ALL=(root) NOPASSWD:SETENV: {SYSTEM_PY}\n")
    rule.chmod(0o440)
    try:
        proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c",
                               _root_step_script()], capture_output=True, text=True, cwd="/",
                              env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, stdin=subprocess.DEVNULL)
    finally:
        rule.unlink()
    assert proc.returncode == 0, proc.stderr
    assert "0 step env https://bob:pw@idx.example/s" in proc.stdout


def test_a_multi_line_python_program_is_only_named_on_screen():
    from installer.plan.model import Command as Cmd
    from installer.plan.script import shown_command

    program = "import sys\nfor a in sys.argv:\n    print(a)\n"
    cmd = Cmd(argv=("/env/bin/python", "-I", "-c", program, "torch==2.13.0+cpu"))
    assert shown_command(cmd) == "/env/bin/python -I -c '<its Python program, in the saved script>' torch==2.13.0+cpu"
    one_line = Cmd(argv=("/env/bin/python", "-c", "import sys"))
    assert shown_command(one_line) == "/env/bin/python -c 'import sys'"


@pytest.mark.parametrize(("rc", "goes_on"), [(0, True), (100, True), (3, False)])
def test_a_command_with_other_ok_codes_goes_on_only_for_those(tmp_path, rc, goes_on):
    after = tmp_path / "after"
    plan = Plan(steps=(Step(id="s", title="s", kind="command", commands=(
        Command(argv=("bash", "-c", f"exit {rc}"), ok_codes=(0, 100)), Command(argv=("touch", str(after))))),))
    proc = subprocess.run(["bash", "-c", render_script(plan)], capture_output=True, text=True)
    assert after.exists() == goes_on
    assert proc.returncode == (0 if goes_on else rc), proc.stderr
    if not goes_on:
        assert f"exit code {rc}" in proc.stderr


@pytest.mark.skipif(shutil.which("curl") is None, reason="the script downloads with curl")
def test_a_discarded_download_is_removed_after_its_step_ran(tmp_path):
    """As the executor does for the CUDA runfile: kept while its step may fail, gone once it succeeded."""
    import hashlib

    source = tmp_path / "mirror" / "big.run"
    source.parent.mkdir()
    source.write_bytes(b"an installer of gigabytes")
    dest = tmp_path / "cache" / "big.run"
    ran = tmp_path / "ran"
    plan = Plan(steps=(Step(id="inst", title="t", kind="command",
                            downloads=(Download(urls=(source.as_uri(),), dest=str(dest), discard=True,
                                                sha256=hashlib.sha256(source.read_bytes()).hexdigest()),),
                            commands=(Command(argv=("cp", str(dest), str(ran))),)),))
    script = render_script(plan)
    assert script.index(f"cp {dest} {ran}") < script.index(f"rm -f {dest}")
    subprocess.run(["bash", "-c", script], check=True, capture_output=True)
    assert ran.read_bytes() == b"an installer of gigabytes" and not dest.exists()


def test_a_kept_download_hashes_as_before_discard_existed():
    """Journals written before `Download.discard` still match the steps they recorded."""
    step = Step(id="keyring", title="t", kind="apt", commands=(Command(argv=("dpkg", "-i", "/c/k.deb")),),
                downloads=(Download(urls=("https://example.org/k.deb",), dest="/c/k.deb", sha256="ab" * 32,
                                    size=4328),))
    assert step.digest() == "47986d647b7fcc26"  # computed by the code before the field was added
    assert Step(**{**step.__dict__, "downloads": (Download(**{**step.downloads[0].__dict__, "discard": True}),)
                   }).digest() != step.digest()


@pytest.mark.parametrize("bench, line", [
    ("quick", "# measure its speed: torch-setup bench --python /env/bin/python --quick"),
    ("full", "# measure its speed: torch-setup bench --python /env/bin/python"),
])
def test_the_benchmark_asked_for_is_named_after_the_verify_line(bench, line):
    plan = Plan(steps=(), target_python="/env/bin/python", meta={"bench": bench})
    lines = render_script(plan).splitlines()
    at = lines.index("# check the result: torch-setup verify --python /env/bin/python")
    assert lines[at + 1] == line


@pytest.mark.parametrize("meta", [{"bench": "none"}, {}])
def test_no_benchmark_no_bench_line(meta):
    script = render_script(Plan(steps=(), target_python="/env/bin/python", meta=meta))
    assert "torch-setup verify --python /env/bin/python" in script and "torch-setup bench" not in script


def test_plan_of_answers_with_bench_quick_ends_with_the_bench_line(cli, tmp_path, xdg_home):
    """Found in use: `bench: quick` in the answers, and the script ended with the verify line only."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.yaml").write_text(EXAMPLE.read_text() + "bench: quick\n")
    result = cli("plan", "--answers", "a.yaml", "--probe-timeout", "1", cwd=work)
    assert result.returncode == 0, result.stderr
    _bash_n(result.stdout)
    python = work / ".venv-torch" / "bin" / "python"
    tail = result.stdout.splitlines()[-3:]
    assert tail == [f"# check the result: torch-setup verify --python {python}",
                    f"# measure its speed: torch-setup bench --python {python} --quick", "echo 'done'"]


def test_the_closing_commands_quote_the_interpreter_as_a_shell_reads_it():
    """Found in use: `# check the result: torch-setup verify --python /home/t2/a b/it's $x/…` broke when pasted."""
    python = "/home/u/a b/it's $x/中文/.venv-torch/bin/python"
    lines = render_script(Plan(steps=(), target_python=python, meta={"bench": "quick"})).splitlines()
    quoted = shlex.quote(python)
    assert f"# check the result: torch-setup verify --python {quoted}" in lines
    assert f"# measure its speed: torch-setup bench --python {quoted} --quick" in lines
    assert shlex.split(f"torch-setup verify --python {quoted}")[-1] == python
