"""torchvision and torchaudio have +cpu/+cuNNN builds too: when no PyTorch index answers, a plan whose
torch wheel is on disk still fails at an extra whose wheel is not, so each such extra is named, with how
to leave it out. Real files named as wheels in a temporary folder (only the names are read)."""

from __future__ import annotations

from pathlib import Path

from installer.answers import parse_answers
from installer.compat.data import load
from installer.hardware.report import load_report
from installer.plan import planner
from installer.plan.local_builds import choice_requirements, extras_not_on_disk, labelled_wheels

REPO = Path(__file__).resolve().parents[3]
CPU_ONLY = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"
TAG = "cp311-cp311-manylinux_2_28_x86_64"


def _release(torch: str) -> tuple[str, str]:
    """(torchvision, torchaudio) of that torch release, from the data the planner pins from."""
    rel = next(r for r in load().released() if r.torch == torch)
    return str(rel.torchvision), str(rel.torchaudio)


def _wheels(path: Path, *names: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name in names:
        (path / name).write_bytes(b"")
    return path


def _on_disk(folder: Path) -> dict[str, str]:
    return labelled_wheels([str(folder)], python_version="3.11", arch="x86_64")


REQS = ["torch==2.13.0+cpu", "torchvision==0.28.0+cpu", "torchaudio==2.11.0+cpu"]


def test_torch_on_disk_torchvision_not(tmp_path):
    folder = _wheels(tmp_path / "w", f"torch-2.13.0+cpu-{TAG}.whl", f"torchaudio-2.11.0+cpu-{TAG}.whl")
    notes = extras_not_on_disk(REQS, _on_disk(folder))
    assert notes == [
        f"torch 2.13.0+cpu is in {folder}, but no wheel folder has torchvision 0.28.0+cpu and no PyTorch index "
        "answered: unless another package source has them, the install will fail -> leave out torchvision "
        "(`torch.extras: [torchaudio]` in the answers), or choose a PyTorch mirror that answers (`torch-setup mirrors`)"]


def test_one_note_naming_every_missing_extra_and_none_when_all_are_there(tmp_path):
    only_torch = _wheels(tmp_path / "a", f"torch-2.13.0+cpu-{TAG}.whl")
    notes = extras_not_on_disk(REQS, _on_disk(only_torch))
    assert len(notes) == 1
    assert "no wheel folder has torchvision 0.28.0+cpu, torchaudio 2.11.0+cpu and" in notes[0]
    assert "leave out torchvision and torchaudio" in notes[0] and "`torch.extras: []`" in notes[0]
    from installer.i18n import set_language

    set_language("zh")
    try:  # found in use: "请在附加包中取消勾选 torchvision, torchaudio", the section being "一同安装"
        zh = extras_not_on_disk(REQS, _on_disk(only_torch))[0]
    finally:
        set_language("en")
    assert "没有任何 wheel 文件夹包含 torchvision 0.28.0+cpu、torchaudio 2.11.0+cpu，" in zh, zh
    assert "不安装 torchvision 和 torchaudio（" in zh, zh
    everything = _wheels(tmp_path / "b", f"torch-2.13.0+cpu-{TAG}.whl", f"torchvision-0.28.0+cpu-{TAG}.whl",
                         f"torchaudio-2.11.0+cpu-{TAG}.whl")
    assert extras_not_on_disk(REQS, _on_disk(everything)) == []
    # torch itself missing: the torch note (elsewhere_on_disk) speaks of that, not this one
    assert extras_not_on_disk(["torch==2.14.1+cpu", "torchvision==0.29.1+cpu"], _on_disk(everything)) == []
    # a build PyPI serves (no label) needs no PyTorch index at all
    assert extras_not_on_disk(["torch==2.13.0", "torchvision==0.28.0"], _on_disk(only_torch)) == []


def test_a_wheel_for_another_python_or_build_does_not_count(tmp_path):
    folder = _wheels(tmp_path / "w", f"torch-2.13.0+cpu-{TAG}.whl",
                     "torchvision-0.28.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl",
                     f"torchvision-0.28.0+cu126-{TAG}.whl")
    assert set(_on_disk(folder)) == {"torch==2.13.0+cpu", "torchvision==0.28.0+cu126"}
    notes = extras_not_on_disk(REQS[:2], _on_disk(folder))
    assert len(notes) == 1 and "no wheel folder has torchvision 0.28.0+cpu and" in notes[0]


def test_the_wizard_pins_a_choice_as_the_planner_does():
    vision, audio = _release("2.13.0")
    choice = {"torch": "2.13.0", "variant": "cpu", "torchvision": vision, "torchaudio": audio, "local": "+cpu"}
    assert choice_requirements(choice, ["torchaudio"]) == ["torch==2.13.0+cpu", f"torchaudio=={audio}+cpu"]
    assert choice_requirements(choice, ("torchvision", "torchaudio")) \
        == ["torch==2.13.0+cpu", f"torchvision=={vision}+cpu", f"torchaudio=={audio}+cpu"]


class _NoIndex:
    url = None
    reason = "nothing answered"
    layout = "pep503"


def _plan_notes(tmp_path, monkeypatch, extras: str, *names: str) -> tuple[Path, tuple[str, ...]]:
    folder = _wheels(tmp_path / "w", *names)
    report = load_report(CPU_ONLY)
    report.mirror_config.pip.find_links = [str(folder)]
    # the probe's outcome when no PyTorch index answers (tests/e2e drive the real probe to it)
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: _NoIndex())
    answers = parse_answers(f"version: 1\ntorch: {{version: '2.13.0', variant: cpu, extras: {extras}}}\n")
    plan = planner.plan_for(answers, report, cwd=str(tmp_path), this_machine=True)
    return folder, plan.notes


def test_a_plan_names_the_extra_whose_wheel_is_missing(tmp_path, monkeypatch):
    vision, _audio = _release("2.13.0")
    folder, notes = _plan_notes(tmp_path, monkeypatch, "[torchvision]", f"torch-2.13.0+cpu-{TAG}.whl")
    assert any(f"torch 2.13.0+cpu is in {folder}, but no wheel folder has torchvision {vision}+cpu and" in n
               and "`torch.extras: []`" in n for n in notes), notes
    assert not any("ask for version" in n for n in notes)  # torch's own wheel is there


def test_no_note_when_every_wheel_is_there(tmp_path, monkeypatch):
    vision, _audio = _release("2.13.0")
    folder, notes = _plan_notes(tmp_path, monkeypatch, "[torchvision]", f"torch-2.13.0+cpu-{TAG}.whl",
                                f"torchvision-{vision}+cpu-{TAG}.whl")
    assert not any("no wheel folder" in n for n in notes), notes
    assert any(f"already in {folder}" in n for n in notes), notes  # the folder is the source, nothing probed
