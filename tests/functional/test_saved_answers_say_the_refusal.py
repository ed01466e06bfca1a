"""The answers file the wizard saves says what Done says: that `torch-setup install` refuses these answers on
the machine planned for, why, and what to do first, in place of "Replay with". Found in use: on a recorded Rocky
9.4 machine (R560, on which torch-setup installs no driver) torch 2.15.0 · cu132 was chosen; Done said install
refuses it, and the saved file, copied to the lab machines, said the build "was chosen for the recorded machine's
GPU and driver", which `answers check --hardware` of that machine then refused."""

from __future__ import annotations

from pathlib import Path

import yaml
from tui_support import press_until, screen_text

from installer.answers import Answers

ROCKY = Path(__file__).resolve().parents[1] / "fixtures" / "machines" / "rocky94-2x3060-560.json"


def _asked(variant: str, version: str = "2.15.0") -> Answers:
    return Answers.model_validate({"version": 1, "torch": {"version": version, "variant": variant}})


def _header(text: str) -> str:
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    assert text.startswith(header)  # every line of it a comment, before the keys
    return " ".join(line.removeprefix("# ") for line in header.splitlines())


async def test_the_recorded_machines_refused_answers_say_so(make_wizard, in_tmp, cli):
    app = make_wizard("rocky94-2x3060-560", dry_run=True, answers=_asked("cu132"))
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "done")
        done = " ".join(screen_text(app).split())
    assert "`torch-setup install` refuses these answers:" in done, done
    saved = in_tmp / "torch-setup-answers.yaml"
    text = saved.read_text(encoding="utf-8")
    assert Answers.model_validate(yaml.safe_load(text)) == app.engine.load_answers(str(saved))
    header = _header(text)
    why = ("torch 2.15.0 (cu132) cannot use the recorded machine's GPU as it is: cu132 wheels need driver >= "
           "580.65.06; the recorded machine has 560.35.03")
    assert (f"torch-setup answers (version 1). WARNING: `torch-setup install` refuses these answers on the recorded "
            f"machine: {why}") in header, header
    assert ("What to do first: torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and the recorded "
            "machine runs Rocky Linux 9.4 (Blue Onyx): install it there with the distribution's packages") in header
    # the file the wizard was given, as `answers check --hardware` names it (found in a trial: REPORT)
    assert f"`torch-setup recommend --hardware {ROCKY}` lists them" in header, header
    assert f"Once that is put right, replay with: torch-setup install --answers {saved} " in header, header
    assert "chosen for the recorded machine" not in header and "Replay with" not in header

    # the recorded machine refuses the saved file as its header says
    r = cli("answers", "check", str(saved), "--hardware", str(ROCKY), "--probe-timeout", "0.2")
    assert r.returncode == 2, r.stdout + r.stderr
    assert why in r.stderr.splitlines()[0], r.stderr


async def test_this_machines_refused_answers_say_this_machine(make_wizard, in_tmp, monkeypatch):
    from installer.hardware.report import load_report
    from installer.tui.engine import Engine

    # this machine detected as the Rocky one (no NVIDIA host here): a dry run may save what install refuses
    monkeypatch.setattr(Engine, "detect", lambda self, python=None: load_report(str(ROCKY)))
    app = make_wizard(None, dry_run=True, answers=_asked("cu132"))
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "done")
        done = " ".join(screen_text(app).split())
    assert "`torch-setup install` refuses these answers:" in done, done
    header = _header((in_tmp / "torch-setup-answers.yaml").read_text(encoding="utf-8"))
    assert ("torch-setup answers (version 1). WARNING: `torch-setup install` refuses these answers on this machine: "
            "torch 2.15.0 (cu132) cannot use this machine's GPU as it is") in header, header
    assert "What to do first: torch-setup installs the NVIDIA driver on Ubuntu and Debian only" in header, header
    assert "was chosen for this machine" not in header and "recorded" not in header


async def test_a_build_the_recorded_machine_runs_keeps_the_header(make_wizard, in_tmp, cli):
    app = make_wizard("rocky94-2x3060-560", dry_run=True, answers=_asked("cu126", "2.13.0"))
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "done")
    assert app.state.install_refused is None
    saved = in_tmp / "torch-setup-answers.yaml"
    header = _header(saved.read_text(encoding="utf-8"))
    assert header.startswith(f"torch-setup answers (version 1). Replay with: torch-setup install --answers {saved} "), header
    assert "torch.variant cu126 was chosen for the recorded machine's GPU and driver." in header, header
    assert "refuses" not in header
    r = cli("answers", "check", str(saved), "--hardware", str(ROCKY), "--probe-timeout", "0.2")
    assert r.returncode == 0, r.stdout + r.stderr
