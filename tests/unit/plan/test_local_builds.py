"""When no PyTorch index answers, the torch builds in the wheel folders of the pip configuration are
the ones that can still be installed: a plan for another version says which, and how to ask for one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from installer.answers import parse_answers
from installer.hardware.report import load_report
from installer.plan import planner
from installer.plan.local_builds import elsewhere_on_disk, torch_builds

REPO = Path(__file__).resolve().parents[3]
CPU_ONLY = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"
WHEELS = ("torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl",
          "torch-2.12.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl",
          "torch-2.14.1+cpu-cp312-cp312-manylinux_2_28_x86_64.whl",    # another Python
          "torch-2.14.0+cpu-cp311-cp311-manylinux_2_28_aarch64.whl",   # another architecture
          "torch-2.11.0+cu126-cp311-cp311-manylinux_2_28_x86_64.whl",  # another build
          "torch-2.10.0-cp311-cp311-manylinux_2_28_x86_64.whl",        # PyPI's, no label
          "torchvision-0.28.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl",
          "torch-not-a-wheel.whl")


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name in WHEELS:
        (path / name).write_bytes(b"")  # only the file name is read
    return path


def test_the_builds_that_fit_this_python_and_machine_newest_first(tmp_path):
    wheels = _folder(tmp_path / "w")
    found = torch_builds([str(wheels)], python_version="3.11", arch="x86_64")
    assert found == [("2.13.0+cpu", str(wheels)), ("2.12.0+cpu", str(wheels)), ("2.11.0+cu126", str(wheels))]
    assert [v for v, _f in torch_builds([wheels.as_uri()], python_version="3.11", arch="x86_64", label="cpu")] \
        == ["2.13.0+cpu", "2.12.0+cpu"]
    assert torch_builds(["https://example.org/wheels/", "/nonexistent"], python_version="3.11", arch="x86_64") == []


@dataclass
class Pins:
    requirements: tuple[str, ...]


def test_the_note_names_what_is_on_disk_and_how_to_ask_for_it(tmp_path):
    wheels = _folder(tmp_path / "w")
    note = elsewhere_on_disk(Pins(("torch==2.15.0+cpu", "torchvision==0.29.2+cpu")), [str(wheels)],
                             python_version="3.11", arch="x86_64")
    assert note is not None
    assert "torch==2.15.0+cpu" in note and f"torch 2.13.0+cpu ({wheels})" in note and "2.12.0+cpu" in note
    assert "torch.version: 2.13.0" in note and "cu126" not in note
    # nothing of that build on disk, or a build PyPI itself serves: nothing to say
    assert elsewhere_on_disk(Pins(("torch==2.15.0+cu130",)), [str(wheels)], python_version="3.11",
                             arch="x86_64") is None
    assert elsewhere_on_disk(Pins(("torch==2.15.0",)), [str(wheels)], python_version="3.11", arch="x86_64") is None


@dataclass
class Pick:
    url: str | None
    reason: str = "nothing answered"
    layout: str = "pep503"


def _plan(tmp_path, monkeypatch, version: str, *, this_machine: bool = True):
    wheels = _folder(tmp_path / "w")
    report = load_report(CPU_ONLY)
    report.mirror_config.pip.find_links = [str(wheels)]
    # the probe's outcome when no PyTorch index answers (tests/e2e drive the real probe to it)
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: Pick(None))
    answers = parse_answers(f"version: 1\ntorch: {{version: '{version}', variant: cpu, extras: []}}\n")
    return planner.plan_for(answers, report, cwd=str(tmp_path), this_machine=this_machine)


def test_a_plan_no_index_can_serve_says_which_version_would_install(tmp_path, monkeypatch):
    notes = _plan(tmp_path, monkeypatch, "2.14.1").notes
    assert any("torch==2.14.1+cpu" in n and "ask for version 2.13.0" in n for n in notes), notes


def test_no_such_note_when_the_wheel_is_there_or_the_report_is_another_machines(tmp_path, monkeypatch):
    assert not any("ask for version" in n for n in _plan(tmp_path / "a", monkeypatch, "2.13.0").notes)
    assert not any("ask for version" in n for n in _plan(tmp_path / "b", monkeypatch, "2.14.1",
                                                         this_machine=False).notes)
