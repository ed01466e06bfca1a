"""Found by a tester (session 27), through the real command line on the recorded machines of
tests/fixtures/machines:

- a CUDA build for a machine with no NVIDIA GPU: `answers check` said only "ok", and `plan` said it in a
  `# note:` of the script; it is installed (it runs, on the CPU), so the exit stays 0, with a warning;
- a pinned torch version on a K80: the variant's refusal said `torch.variant: auto`, which was then refused as
  "no torch build has a wheel for Python 3.8" at `target.python`, though the pinned version was the cause;
- `recommend --python 3.9` for a machine with Python 3.12.3 called it a machine with Python 3.9, its build
  working "as it is".
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MACHINES = REPO / "tests" / "fixtures" / "machines"
CPU_ONLY, K80, H200 = (str(MACHINES / n) for n in ("cpu-only.json", "k80-470.json", "h200-580.json"))
FAST = ("--probe-timeout", "0.2")
CU130 = "version: 1\ntorch:\n  version: 2.15.0\n  variant: cu130\n"


def test_cuda_build_for_a_gpu_less_machine_is_warned_of_not_refused(cli, tmp_path, xdg_home):
    (tmp_path / "h200.yaml").write_text(CU130)
    checked = cli("answers", "check", "h200.yaml", "--hardware", CPU_ONLY, *FAST, cwd=tmp_path, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == "h200.yaml: ok\n"
    assert checked.stderr.startswith("warning: h200.yaml:4: torch.variant: torch 2.15.0 (cu130) will use no GPU on "
                                     "the recorded machine: it has no NVIDIA GPU, so this CUDA build runs on the "
                                     "CPU only"), checked.stderr
    assert "torch.variant: cpu" in checked.stderr
    planned = cli("plan", "--answers", "h200.yaml", "--hardware", CPU_ONLY, *FAST, cwd=tmp_path, timeout=120)
    assert planned.returncode == 0, planned.stderr
    assert planned.stderr.startswith("warning: h200.yaml:4: torch.variant: torch 2.15.0 (cu130) will use no GPU")
    # atop the script, before the summary, not only among the notes
    head = planned.stdout.split("#   torch:")[0]
    assert "# WARNING: torch 2.15.0 (cu130) will use no GPU on the recorded machine" in head, planned.stdout
    zh = cli("--lang", "zh", "answers", "check", "h200.yaml", "--hardware", CPU_ONLY, *FAST, cwd=tmp_path,
             timeout=120)
    assert zh.returncode == 0 and zh.stderr.startswith("警告：h200.yaml:4: torch.variant: torch 2.15.0（cu130）在记录的"
                                                       "机器上用不上 GPU"), zh.stderr


def test_install_says_it_before_anything_runs(cli, tmp_path, xdg_home):
    # this test machine has no NVIDIA GPU (none is faked): the warning comes before the no-terminal refusal
    (tmp_path / "a.yaml").write_text("version: 1\ntarget: {kind: venv, path: .venv-x}\n"
                                     "torch: {version: 2.13.0, variant: cu130, extras: []}\n")
    r = cli("install", "--answers", "a.yaml", *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    first, _, rest = r.stderr.partition("no terminal to ask for confirmation")
    assert "warning: a.yaml:3: torch.variant: torch 2.13.0 (cu130) will use no GPU on this machine" in first, r.stderr
    assert not (tmp_path / ".venv-x").exists()


def test_a_gpu_build_is_not_warned_of(cli, tmp_path, xdg_home):
    (tmp_path / "a.yaml").write_text(CU130.replace("cu130", "cpu"))
    checked = cli("answers", "check", "a.yaml", "--hardware", CPU_ONLY, *FAST, cwd=tmp_path, timeout=120)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    checked = cli("answers", "check", "a.yaml", "--hardware", H200, *FAST, cwd=tmp_path, timeout=120)
    assert checked.returncode == 0 and "warning" not in checked.stderr, checked.stderr


def test_a_pinned_version_on_a_k80_is_named_with_the_variant(cli, tmp_path, xdg_home):
    (tmp_path / "h200.yaml").write_text(CU130)
    r = cli("plan", "--answers", "h200.yaml", "--hardware", K80, *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("h200.yaml:4: torch.variant: torch 2.15.0 (cu130)"), r.stderr
    # the variant's fix alone would be refused next, for the version: both are said at once
    assert "torch.variant: auto and torch.version: latest" in r.stderr
    assert f"`torch-setup recommend --hardware {K80} --python 3.8`" in r.stderr
    (tmp_path / "auto.yaml").write_text("version: 1\ntarget:\n  python: null\n"
                                        "torch:\n  version: 2.15.0\n  variant: auto\n")
    r = cli("answers", "check", "auto.yaml", "--hardware", K80, *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("auto.yaml:5: torch.version: torch 2.15.0 has no wheel for Python 3.8 on Linux x86_64 "
                               "(it has Python 3.11-3.15)"), r.stderr
    assert "torch.version: latest" in r.stderr and f"--hardware {K80} --python 3.8`" in r.stderr
    (tmp_path / "auto.yaml").write_text("version: 1\ntorch:\n  version: latest\n  variant: auto\n")
    r = cli("answers", "check", "auto.yaml", "--hardware", K80, *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr  # what the hint says is what recommend gives there: torch 2.4.1


def test_recommend_says_the_machines_python_beside_the_one_asked_for(cli):
    r = cli("recommend", "--hardware", H200, "--python", "3.9")
    assert r.returncode == 0, r.stderr
    head, _, rest = r.stdout.partition("\n")
    assert head.endswith(", Python 3.12.3 (Python 3.9 asked for)"), head
    best = rest.split("\n\n")[0].lstrip("\n")
    assert best.startswith("Recommended: torch 2.8.0"), best
    assert ("  needs: create the environment with Python 3.9 (the recorded machine has Python 3.12.3; uv downloads "
            "Python 3.9 for it when the plan runs there, unless it is on the PATH)") in best
    assert "as it is" not in best
    same = cli("recommend", "--hardware", H200, "--python", "3.12")
    assert "Python 3.12.3\n" in same.stdout and "  works on the recorded machine as it is\n" in same.stdout
    assert "asked for" not in same.stdout
