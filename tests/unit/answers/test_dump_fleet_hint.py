"""The wizard's answers file, saved for other machines (found in use: a lab admin saved it for twenty
machines, and the CUDA build chosen for this one's GPU and driver was pinned for all of them): a CUDA
variant comes with a comment saying `variant: auto` lets each machine choose, and the command that checks
the file against a machine's saved report. The comment is a comment: the file replays as the same answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from installer.answers import Answers, dump_answers, parse_answers

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"


def _answers(variant: str) -> Answers:
    return Answers.model_validate({"version": 1, "torch": {"version": "2.13.0", "variant": variant}})


def test_a_cuda_variant_says_how_to_leave_it_to_each_machine():
    text = dump_answers(_answers("cu126"))
    assert "# torch.variant cu126 was chosen for this machine's GPU and driver" in text
    assert "`variant: auto`" in text and "torch-setup answers check THIS_FILE --hardware REPORT" in text
    assert parse_answers(text, "a.yaml") == _answers("cu126")


@pytest.mark.parametrize("variant", ["auto", "cpu"])
def test_a_build_any_machine_takes_has_no_such_comment(variant):
    assert "was chosen for this machine" not in dump_answers(_answers(variant))


def test_the_command_it_names_checks_the_file_against_another_machine(tmp_path):
    """`variant: cu130`, saved on a machine with driver 580: another RTX 4090 with driver 580.65.06 takes it;
    one with driver 550 cannot run CUDA 13 wheels, `install` would refuse it, and the command the comment
    names says so first (exit 2, the variant's line, the driver it needs)."""
    path = tmp_path / "lab.yaml"
    text = dump_answers(_answers("cu130"))
    path.write_text(text)
    line = text.splitlines().index("  variant: cu130") + 1

    def check(machine: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "installer", "answers", "check", str(path), "--hardware",
                               str(MACHINES / machine)], capture_output=True, text=True, timeout=120)

    ok = check("rtx4090-580.65.06.json")
    assert ok.returncode == 0, ok.stderr
    refused = check("rtx4090-550.json")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stderr.startswith(f"{path}:{line}: torch.variant: torch 2.13.0 (cu130) cannot use the recorded "
                                     "machine's GPU as it is: cu130 wheels need driver >= 580.65.06"), refused.stderr
    assert "Traceback" not in refused.stderr


def test_the_comments_are_in_the_readers_language_and_the_file_replays():
    """Found in use: a Chinese wizard saved a file whose comments were English."""
    from installer.i18n import set_language

    set_language("zh")
    try:
        text = dump_answers(_answers("cu126"))
    finally:
        set_language("en")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    # found in use: "--answers THIS_FILE" and "--hardware REPORT", English capitals in a Chinese comment
    assert comments[0] == "# torch-setup 应答文件（第 1 版）。重新运行：torch-setup install --answers 本文件"
    assert "cu126" in comments[1] and "本机" in comments[1]
    assert comments[-1] == "#   torch-setup answers check 本文件 --hardware 报告文件"
    assert parse_answers(text, "a.yaml") == _answers("cu126")


def test_the_comments_name_the_file_where_it_is_known():
    text = dump_answers(_answers("cu126"), "/srv/lab answers/gpu.yaml")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments[0].endswith("Replay with: torch-setup install --answers '/srv/lab answers/gpu.yaml'")
    assert comments[-1] == "#   torch-setup answers check '/srv/lab answers/gpu.yaml' --hardware REPORT"
    # a name that would end the comment and break the YAML is not written into it
    broken = dump_answers(_answers("cu126"), "/tmp/a\nversion: 9.yaml")
    assert "install --answers THIS_FILE" in broken and parse_answers(broken, "a.yaml") == _answers("cu126")
