"""The conda method's pins. `torch.version: latest` plans the newest release torch-setup knows conda-forge builds, and
`variant: auto` a build conda-forge makes (the CPU build on an AMD GPU, with a warning): the build the wizard's list
for the conda method leads with and chooses (found in use: the shipped conda-env.yaml planned
torch 2.15.0 in `plan`, in `install` and at Review reached with `j`, with a note saying "choose 2.12.0", while the
Combination screen led with 2.12.0 and saved that). The wizard's side is installer.compat.offer, the plan's
installer.plan.conda_pins; these tests hold them to one answer on every recorded machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installer.answers import Answers, load_answers
from installer.compat import conda_forge
from installer.compat.conda_forge import conda_forge_builds, newest_known
from installer.compat.offer import offer
from installer.hardware.report import HardwareReport
from installer.plan.model import Caution
from installer.plan.planner import pins_for
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
CONDA_ENV = REPO / "recipes" / "answers" / "conda-env.yaml"
TOOLS = Tools(uv="/usr/local/bin/uv", python="/usr/bin/python3", host_pip=True)
LATEST_REASON = "torch.version is latest: torch {known}, the newest release torch-setup knows conda-forge to build"


def _report(name: str) -> HardwareReport:
    return HardwareReport.model_validate(json.loads((MACHINES / f"{name}.json").read_text()))


def _answers(method: str = "conda", **torch: object) -> Answers:
    answers = load_answers(CONDA_ENV)
    update: dict[str, object] = {"torch": answers.torch.model_copy(update=torch)}
    if method != "conda":
        update.update(method=method, target=answers.target.model_copy(update={"kind": "venv"}))
    return answers.model_copy(update=update)


def _pins(answers: Answers, machine: str):
    return pins_for(answers, _report(machine), tools=TOOLS, cwd="/home/u", recorded=True)


def _wizard_choice(machine: str, variant: str) -> dict:
    """The build the Combination screen chooses for these answers: the first of its list whose variant is the one
    written (any, for auto), as its matching_choice does."""
    doc = offer(_report(machine), variant=variant, extras=("torchvision",), recorded=True, conda_forge=True).to_dict()
    return next(c for c in doc["choices"] if variant in ("auto", c["variant"]))


WITH_VARIANTS = [(m.stem, "auto") for m in sorted(MACHINES.glob("*.json"))] + [
    (m, v) for m in ("cpu-only", "rtx4090-550", "rtx4090-580.65.06", "b200x8-570", "k80-470", "amd-rx7900xtx")
    for v in ("cpu",)
] + [("gtx960-580", "cu126"), ("h200-580", "cu126")]


@pytest.mark.parametrize("machine, variant", WITH_VARIANTS)
def test_the_plan_pins_the_build_the_wizard_chooses(machine, variant):
    pins = _pins(_answers(variant=variant), machine)
    chosen = _wizard_choice(machine, variant)
    assert (pins.torch, pins.variant) == (chosen["torch"], chosen["variant"])
    # either the ranking's own choice is known there, or the plan says why it took an older release
    reasons = [r for r in pins.reasons if not isinstance(r, Caution)]  # the AMD GPU's, below
    if chosen.get("conda_forge"):
        assert reasons[0].startswith(LATEST_REASON.format(known=pins.torch)), pins.reasons
    else:
        assert not any(r.startswith("torch.version is latest") for r in pins.reasons)


def test_latest_is_the_newest_release_known_there_and_names_the_newer_one():
    known = newest_known()
    pip_pins = _pins(_answers("pip"), "rtx4090-580.65.06")
    assert not conda_forge_builds(pip_pins.torch)  # PyPI's newest is past the data
    pins = _pins(_answers(), "rtx4090-580.65.06")
    assert (pins.torch, pins.variant) == (known, "cu130")
    assert pins.reasons[0] == (
        f"torch.version is latest: torch {known}, the newest release torch-setup knows conda-forge to build; it has "
        f"no record of the newer {pip_pins.torch} there. To ask conda-forge for it anyway, write torch.version: "
        f"{pip_pins.torch}; method: pip installs PyTorch's own wheel of it")
    # that release's own reasons follow, unchanged
    assert pins.reasons[1:] == _pins(_answers(version=known, variant="cu130"), "rtx4090-580.65.06").reasons


def test_a_version_written_is_kept_and_pip_is_untouched():
    newest = _pins(_answers("pip"), "cpu-only")
    written = _pins(_answers(version=newest.torch), "cpu-only")
    assert written.torch == newest.torch
    assert not any(r.startswith("torch.version is latest") for r in written.reasons)
    assert newest.torch != newest_known()  # pip's latest is PyPI's newest, as before


def test_where_no_release_known_there_fits_latest_stays_the_newest():
    """Python 3.15 has wheels only from a release newer than those the data knows on conda-forge: nothing older fits,
    so the newest is planned as before (the conda kind's note says torch-setup has no record of it there), and the
    wizard's list, for that Python, leads with the same build."""
    answers = _answers()
    answers = answers.model_copy(update={"target": answers.target.model_copy(update={"python": "3.15"})})
    pins = _pins(answers, "cpu-only")
    assert not conda_forge_builds(pins.torch)
    assert not any(r.startswith("torch.version is latest") for r in pins.reasons)
    doc = offer(_report("cpu-only"), python="3.15", fixed_python=True, extras=("torchvision",), recorded=True,
                conda_forge=True).to_dict()
    assert (doc["choices"][0]["torch"], doc["choices"][0]["variant"]) == (pins.torch, pins.variant)
    assert not doc["choices"][0].get("conda_forge")


def test_once_the_data_knows_the_newest_release_latest_is_that(monkeypatch):
    newest = _pins(_answers("pip"), "cpu-only").torch
    known = conda_forge.conda_forge_data()
    more = known.model_copy(update={"builds": [*known.builds, known.builds[0].model_copy(update={"torch": f"=={newest}"})]})
    monkeypatch.setattr(conda_forge, "conda_forge_data", lambda: more)
    pins = _pins(_answers(), "cpu-only")
    assert pins.torch == newest
    assert not any(r.startswith("torch.version is latest") for r in pins.reasons)


def test_the_reason_in_chinese(zh):
    pins = _pins(_answers(), "cpu-only")
    assert pins.reasons[0].startswith(f"torch.version 为 latest：torch {newest_known()}，即 torch-setup 所知 conda-forge "
                                      "已构建的最新版本")


def test_plan_prints_the_release_and_why(cli, tmp_path):
    """The shipped example through the command line, for a recorded machine: no probe, nothing created."""
    result = cli("plan", "--answers", str(CONDA_ENV), "--hardware", str(MACHINES / "cpu-only.json"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    known = newest_known()
    assert f"#   torch: {known}\n" in result.stdout
    assert f"#   packages: pytorch={known}=cpu* torchvision=" in result.stdout
    assert "# note: " + LATEST_REASON.format(known=known) in result.stdout
    assert "has no record of pytorch" not in result.stdout
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- a GPU whose builds conda-forge does not make

AMD_SAYS = ("conda-forge builds PyTorch for the CPU and for NVIDIA's CUDA only, not {variant}: a conda environment "
            "on the recorded machine runs on the CPU only; the pip method installs the {variant} wheel, which uses its "
            "GPU")


def test_an_amd_gpu_gets_the_cpu_build_and_a_warning():
    pip = _pins(_answers("pip"), "amd-rx7900xtx")
    assert pip.variant.startswith("rocm")  # the machine's own build
    pins = _pins(_answers(), "amd-rx7900xtx")
    assert (pins.torch, pins.variant) == (newest_known(), "cpu")
    assert pins.reasons[0] == AMD_SAYS.format(variant=pip.variant) and isinstance(pins.reasons[0], Caution)
    assert pins.reasons[1].startswith(LATEST_REASON.format(known=newest_known()))
    # a version written: that release's CPU build, the same warning, and no word of latest
    written = _pins(_answers(version="2.13.0"), "amd-rx7900xtx")
    assert (written.torch, written.variant) == ("2.13.0", "cpu")
    assert isinstance(written.reasons[0], Caution) and written.reasons[0].startswith("conda-forge builds PyTorch for")
    assert not any(r.startswith("torch.version is latest") for r in written.reasons)


def test_a_variant_written_is_kept_and_an_nvidia_machine_has_no_warning():
    assert _pins(_answers(variant="rocm7.2"), "amd-rx7900xtx").variant == "rocm7.2"  # the conda step refuses it
    for machine in ("rtx4090-580.65.06", "cpu-only"):
        assert not any(isinstance(r, Caution) for r in _pins(_answers(), machine).reasons)


def test_plan_of_the_shipped_example_on_an_amd_machine(cli, tmp_path):
    result = cli("plan", "--answers", str(CONDA_ENV), "--hardware", str(MACHINES / "amd-rx7900xtx.json"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"#   packages: pytorch={newest_known()}=cpu* torchvision=" in result.stdout
    assert "# note: conda-forge builds PyTorch for the CPU and for NVIDIA's CUDA only, not rocm" in result.stdout
    # the answers' own variant, written: refused as before, exit 2, naming the line
    answers = tmp_path / "rocm.yaml"
    answers.write_text(CONDA_ENV.read_text().replace("variant: auto", "variant: rocm7.2"))
    refused = cli("plan", "--answers", str(answers), "--hardware", str(MACHINES / "amd-rx7900xtx.json"), cwd=tmp_path)
    assert refused.returncode == 2 and "rocm.yaml:13: method: conda-forge has no rocm7.2 builds of PyTorch" in (
        refused.stderr), refused.stderr


def test_answers_check_passes_it_with_a_warning_keyed_to_the_variant(cli, tmp_path):
    """As a CUDA build for a machine with no NVIDIA GPU: `install` takes it, so the file is ok, but a check that
    said only "ok" would hide that the GPU goes unused. Written `variant: cpu`, nothing is said."""
    amd = str(MACHINES / "amd-rx7900xtx.json")
    checked = cli("answers", "check", str(CONDA_ENV), "--hardware", amd, cwd=tmp_path)
    assert checked.returncode == 0 and checked.stdout == f"{CONDA_ENV}: ok\n", checked.stderr
    line = next(n for n, text in enumerate(CONDA_ENV.read_text().splitlines(), 1) if text.strip().startswith("variant:"))
    rocm = _pins(_answers("pip"), "amd-rx7900xtx").variant
    assert checked.stderr.startswith(f"warning: {CONDA_ENV}:{line}: torch.variant: " + AMD_SAYS.format(
        variant=rocm)), checked.stderr
    assert "-> to use the GPU, install with method: pip" in checked.stderr
    cpu = tmp_path / "cpu.yaml"
    cpu.write_text(CONDA_ENV.read_text().replace("variant: auto", "variant: cpu"))
    quiet = cli("answers", "check", str(cpu), "--hardware", amd, cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
