"""A recorded machine (`--hardware F`) is called the recorded machine, not "this machine".

Found in use: `recommend --hardware F` began "This machine: …" and said the CPU build "works on this machine as
it is"; `answers check F --hardware R` said a build "cannot use this machine's GPU"; the wizard's answers file
said the variant "was chosen for this machine's GPU and driver", of a machine recorded elsewhere, while the
screens said the plan is for that machine. Detection here still says this machine. Real subprocesses on the
recorded machines of tests/fixtures/machines (rtx4090-550: driver 550, which CUDA 13 builds need 580 for).
"""

from __future__ import annotations

from pathlib import Path

from installer.answers import Answers, dump_answers
from installer.compat import recommend
from installer.compat.render import render_recommendation
from installer.hardware.report import load_report
from installer.i18n import set_language

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
RTX4090 = str(MACHINES / "rtx4090-550.json")


def test_recommend_names_the_recorded_machine(cli):
    r = cli("recommend", "--hardware", RTX4090)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("The recorded machine: Linux x86_64, NVIDIA GeForce RTX 4090"), r.stdout
    assert "  works on the recorded machine as it is\n" in r.stdout
    assert "cu130 wheels need driver >= 580.65.06; the recorded machine has 550.54.14" in r.stdout
    assert "this machine" not in r.stdout.lower()


def test_recommend_in_chinese_uses_the_catalogs_term(cli):
    r = cli("--lang", "zh", "recommend", "--hardware", RTX4090)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("记录的机器："), r.stdout
    assert "无需改动即可在记录的机器上运行" in r.stdout and "记录的机器有 550.54.14" in r.stdout
    assert "此机器" not in r.stdout and "本机" not in r.stdout


def test_a_report_detected_here_is_still_this_machine():
    report = load_report(RTX4090)
    text = render_recommendation(recommend(report))
    assert text.startswith("This machine: ") and "works on this machine as it is" in text
    assert "this machine has 550.54.14" in text and "recorded" not in text


def test_answers_check_says_the_recorded_machines_gpu(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\ntorch:\n  version: 2.13.0\n  variant: cu130\n")
    r = cli("answers", "check", str(answers), "--hardware", RTX4090, "--probe-timeout", "0.2")
    assert r.returncode == 2, r.stdout + r.stderr
    first, hint = r.stderr.splitlines()[:2]
    assert first == (f"{answers}:4: torch.variant: torch 2.13.0 (cu130) cannot use the recorded machine's GPU as it "
                     "is: cu130 wheels need driver >= 580.65.06; the recorded machine has 550.54.14"), first
    assert hint.startswith("  -> let this run install the driver (driver.install: true)"), hint
    assert "this machine" not in r.stderr


def test_answers_check_points_at_builds_that_run_on_the_recorded_machine(cli, tmp_path):
    """A K80 (compute capability 3.7) runs no cu126 kernels: the build to pick is one that runs there."""
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\ntarget:\n  python: \"3.11\"\ntorch:\n  version: 2.13.0\n  variant: cu126\n")
    r = cli("answers", "check", str(answers), "--hardware", str(MACHINES / "k80-470.json"), "--probe-timeout", "0.2")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "cannot use the recorded machine's GPU as it is: " in r.stderr
    assert ("  -> pick a build that runs on the recorded machine (torch.variant: auto; `torch-setup recommend "
            f"--hardware {MACHINES / 'k80-470.json'}` lists them") in r.stderr, r.stderr
    assert "runs here" not in r.stderr


def test_plan_for_a_recorded_machine_warns_of_the_recorded_machine(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\ntorch:\n  version: 2.13.0\n  variant: cu130\n")
    r = cli("plan", "--answers", str(answers), "--hardware", RTX4090, "--probe-timeout", "0.2", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert ("# WARNING: `torch-setup install` refuses these answers on the recorded machine: torch 2.13.0 (cu130) "
            "cannot use the recorded machine's GPU as it is: ") in r.stdout
    assert ("warning: `torch-setup install` refuses these answers on the recorded machine; the script shows what "
            "they would install:") in r.stderr
    assert "this machine's GPU" not in r.stdout + r.stderr


def test_the_saved_answers_say_the_variant_was_chosen_for_the_recorded_machine():
    answers = Answers.model_validate({"version": 1, "torch": {"version": "2.13.0", "variant": "cu126"}})
    text = dump_answers(answers, recorded=True)
    assert "# torch.variant cu126 was chosen for the recorded machine's GPU and driver. For machines that differ,\n" \
        in text
    assert "this machine" not in text
    assert "was chosen for this machine's GPU and driver" in dump_answers(answers)
    set_language("zh")
    try:
        text = dump_answers(answers, recorded=True)
    finally:
        set_language("en")
    assert "# torch.variant cu126 是按记录的机器的 GPU 和驱动选的。" in text and "本机" not in text
