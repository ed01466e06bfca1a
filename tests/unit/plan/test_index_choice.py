"""Where the PyTorch wheels come from, decided without waste: a find-links folder of the pip configuration
that already holds the exact wheels means no index is probed at all; an explicit build is probed in a
thread while the pins are resolved; a guess that turns out wrong is probed again for the real pins."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import CpuPins

from installer.answers import parse_answers
from installer.hardware.report import load_report
from installer.plan import planner
from installer.plan.indexes import LocalWheels, choose_indexes, local_wheel_folder

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
WHEEL = "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"


Pins = CpuPins


def _folder(tmp_path: Path, *names: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in names:
        (tmp_path / name).write_bytes(b"")  # only the file name is read
    return tmp_path


def test_a_folder_with_the_exact_wheel_is_found(tmp_path):
    wheels = _folder(tmp_path / "w", WHEEL, "README.txt", "not-a-wheel.whl")
    assert local_wheel_folder(Pins(), [str(wheels)], python_version="3.11", arch="x86_64") == str(wheels)
    assert local_wheel_folder(Pins(), [wheels.as_uri()], python_version="3.11", arch="x86_64") == str(wheels)


@pytest.mark.parametrize("why, pins, python, arch, links", [
    ("another Python", Pins(), "3.12", "x86_64", None),
    ("another architecture", Pins(), "3.11", "aarch64", None),
    ("another build", Pins(requirements=("torch==2.13.0+cu126",)), "3.11", "x86_64", None),
    ("an extra that is not there", Pins(requirements=("torch==2.13.0+cpu", "torchvision==0.28.0+cpu")),
     "3.11", "x86_64", None),
    ("a page on a server is not looked at", Pins(), "3.11", "x86_64", ["https://example.org/wheels/"]),
    ("a folder that does not exist", Pins(), "3.11", "x86_64", ["/nonexistent/wheels"]),
])
def test_anything_short_of_every_wheel_is_no_folder(tmp_path, why, pins, python, arch, links):
    wheels = _folder(tmp_path / "w", WHEEL)
    assert local_wheel_folder(pins, links or [str(wheels)], python_version=python, arch=arch) is None, why


def test_pins_with_no_local_label_need_no_folder(tmp_path):
    pypi_default = Pins(variant="cu128", local="", requirements=("torch==2.13.0",))
    assert local_wheel_folder(pypi_default, [str(_folder(tmp_path, WHEEL))], python_version="3.11",
                              arch="x86_64") is None


def _answers(variant: str = "cpu", version: str = "2.13.0", pytorch: str = "auto"):
    return parse_answers(f"version: 1\ntorch: {{version: {version}, variant: {variant}, extras: []}}\n"
                         f"mirror: {{pytorch: {pytorch}}}\n")


def _report(find_links: list[str]):
    report = load_report(MACHINES / "cpu-only.json")
    report.mirror_config.pip.find_links = find_links
    return report


@dataclass
class Pick:
    url: str | None
    reason: str = "probed"
    layout: str = "pep503"


def test_local_wheels_mean_no_probe_at_all(tmp_path, monkeypatch):
    wheels = _folder(tmp_path / "w", WHEEL)

    def no_probe(*args, **kwargs):
        raise AssertionError("the index was probed although the wheel is on this disk")

    monkeypatch.setattr(planner, "pick_index", no_probe)
    plan = planner.plan_for(_answers(), _report([str(wheels)]), cwd=str(tmp_path))
    assert any(f"torch==2.13.0+cpu already in {wheels}" in n for n in plan.notes)
    argv = next(s for s in plan.steps if s.id == "torch").commands[-1].argv
    assert argv[argv.index("--find-links") + 1] == str(wheels) and "--extra-index-url" not in argv


def test_a_mirror_chosen_by_hand_is_used_even_with_local_wheels(tmp_path, monkeypatch):
    wheels = _folder(tmp_path / "w", WHEEL)
    calls = []
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: calls.append(pins.variant)
                        or Pick("https://mirror.example/whl/cpu"))
    plan = planner.plan_for(_answers(pytorch="https://mirror.example/whl"), _report([str(wheels)]), cwd=str(tmp_path))
    assert calls == ["cpu"]
    argv = next(s for s in plan.steps if s.id == "torch").commands[-1].argv
    assert argv[argv.index("--extra-index-url") + 1] == "https://mirror.example/whl/cpu"


def test_another_machines_report_is_not_judged_by_this_disk(tmp_path, monkeypatch):
    wheels = _folder(tmp_path / "w", WHEEL)
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: Pick(None, "nothing answered"))
    plan = planner.plan_for(_answers(), _report([str(wheels)]), cwd=str(tmp_path), this_machine=False)
    assert not any("already in" in n for n in plan.notes)
    # nothing answered from here, but the recorded machine has its own network: its +cpu pins are on
    # no PyPI, so the plan names the upstream index rather than leaving them nowhere to come from
    argv = next(s for s in plan.steps if s.id == "torch").commands[-1].argv
    assert argv[argv.index("--extra-index-url") + 1] == "https://download.pytorch.org/whl/cpu"
    assert any("none answered from here" in n for n in plan.notes)


def test_another_machines_plan_keeps_mirror_none(tmp_path, monkeypatch):
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: Pick(None, "selection is off"))
    plan = planner.plan_for(_answers(pytorch="none"), _report([]), cwd=str(tmp_path), this_machine=False)
    argv = next(s for s in plan.steps if s.id == "torch").commands[-1].argv
    assert "--extra-index-url" not in argv and "download.pytorch.org" not in " ".join(argv)


def test_an_explicit_build_is_probed_in_a_thread_while_the_pins_resolve(tmp_path, monkeypatch):
    probing = threading.Event()
    seen: dict[str, object] = {}

    def slow_pick(answers, pins, timeout=3.0):
        seen["thread"] = threading.current_thread().name
        probing.set()
        return Pick("https://download.example/whl/cpu")

    real_pins_for = planner.pins_for

    def pins_for(*args, **kwargs):
        # the probe is already under way when the pins are being resolved
        seen["probing before pins"] = probing.wait(10)
        return real_pins_for(*args, **kwargs)

    monkeypatch.setattr(planner, "pick_index", slow_pick)
    monkeypatch.setattr(planner, "pins_for", pins_for)
    plan = planner.plan_for(_answers(), _report([]), cwd=str(tmp_path))
    assert seen["probing before pins"] is True
    assert seen["thread"] != threading.current_thread().name
    assert any("https://download.example/whl/cpu" in n for n in plan.notes)


def test_a_build_left_to_the_machine_is_probed_once_its_pins_are_known(tmp_path, monkeypatch):
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: calls.append(
        (threading.current_thread().name, pins.variant)) or Pick(None))
    planner.plan_for(_answers(variant="auto"), _report([]), cwd=str(tmp_path))
    assert calls == [(threading.current_thread().name, "cpu")]


def test_a_wrong_guess_is_probed_again_for_the_real_pins(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: calls.append(pins.variant)
                        or Pick(f"https://wheels.example/{pins.variant}"))
    answers = _answers(variant="cu126")
    ahead = planner.IndexAhead(answers, 1.0)
    pick = planner.pytorch_source(answers, _report([]), Pins(), ahead=ahead, this_machine=False)
    ahead._thread.join()
    assert pick.url == "https://wheels.example/cpu"  # the pins are cpu: the cu126 probe does not count
    assert sorted(calls) == ["cpu", "cu126"]


def test_an_error_of_the_early_probe_reaches_the_planner(monkeypatch):
    from installer.errors import InputError

    def bad(answers, pins, timeout=3.0):
        raise InputError("unknown PyTorch wheel mirror 'nope'", key="mirror.pytorch")

    monkeypatch.setattr(planner, "pick_index", bad)
    ahead = planner.IndexAhead(_answers(pytorch="nope"), 1.0)
    with pytest.raises(InputError, match="unknown PyTorch wheel mirror"):
        ahead.result_for(Pins())


def test_choose_indexes_says_why_no_index_is_needed(tmp_path):
    answers = _answers()
    report = _report([str(tmp_path)])
    indexes = choose_indexes(answers, report, Pins(), LocalWheels(local_folder=str(tmp_path)))
    assert indexes.pytorch_index is None and indexes.find_links == (str(tmp_path),)
    assert any("no PyTorch index needed" in n for n in indexes.notes)


@pytest.mark.parametrize("method", ["conda", "wheel"])
def test_methods_that_take_no_pip_index_probe_none_and_name_none(method, monkeypatch):
    """conda's packages come from conda channels and an offline wheelhouse is its own source: probing
    download.pytorch.org for them cost up to the probe timeout and left a note about an index not used."""
    probed: list[str] = []
    monkeypatch.setattr("installer.mirrors.pick_pytorch_index",
                        lambda *a, **k: probed.append("probed"))  # the real one goes to the network
    extra = "wheelhouse: /srv/wheels\n" if method == "wheel" else ""
    answers = parse_answers(f"version: 1\ntarget: {{kind: {'conda' if method == 'conda' else 'venv'}, path: env}}\n"
                            f"torch: {{version: 2.13.0, variant: cpu}}\nmethod: {method}\n{extra}")
    report = load_report(MACHINES / "cpu-only.json")
    assert planner.IndexAhead.speculation(answers) is None
    assert planner.pick_index(answers, Pins()) is None
    assert planner.pytorch_source(answers, report, Pins(), this_machine=False) is None
    assert probed == []
    notes = choose_indexes(answers, report, Pins(), None).notes
    assert not [n for n in notes if "PyTorch index" in n], notes


def test_with_a_chosen_pypi_mirror_the_note_does_not_promise_the_pip_configuration(tmp_path, monkeypatch):
    # the chosen mirror switches the pip configuration off (only_the_plans_sources): the note must say so
    monkeypatch.setattr(planner, "pick_index", lambda answers, pins, timeout=3.0: Pick(None, "nothing answered"))
    answers = parse_answers("version: 1\ntorch: {version: 2.13.0, variant: cpu, extras: []}\n"
                            "mirror: {pypi: 'https://pypi.example/simple'}\n")
    plan = planner.plan_for(answers, _report([]), cwd=str(tmp_path))
    said = [n for n in plan.notes if n.startswith("no PyTorch index is reachable")]
    assert said == ["no PyTorch index is reachable for cpu: torch==2.13.0+cpu must come from "
                    "https://pypi.example/simple alone. Why: nothing answered"], plan.notes
