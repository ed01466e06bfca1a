"""`method: wheel` with `torch.version: latest` plans the build the wheelhouse holds (installer.plan.held_build).
Found in use: an answers file of the method and its wheelhouse alone, the rest left to the defaults, was refused
("built for torch==2.13.0+cpu, not for torch==2.15.0+cpu"), as latest was looked for in the release table.

`plan` for real (the command line in a subprocess) on this machine, which has no GPU, with wheelhouses as a build
leaves them: a manifest and its requirements.txt (plan time hashes no wheel, so none is needed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"


def _wheelhouse(folder: Path, *pins: str) -> Path:
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"format": 1, "requirements": list(pins), "files": []}))
    (folder / "requirements.txt").write_text("".join(f"{p}\n" for p in pins))
    return folder


def _plan(cli, where: Path, answers: str, *hardware: str) -> subprocess.CompletedProcess[str]:
    (where / "offline.yaml").write_text("version: 1\nmethod: wheel\nwheelhouse: wh\n" + answers)
    return cli("plan", "--answers", "offline.yaml", *hardware, "--probe-timeout", "0.2", cwd=where)


def _summary(script: str, key: str) -> str:
    return next(line for line in script.splitlines() if line.startswith(f"#   {key}: ")).split(": ", 1)[1]


@pytest.mark.parametrize(("held", "variant", "packages"), [
    (("torch==2.13.0+cpu",), "cpu", "torch==2.13.0+cpu"),
    (("torch==2.13.0+cpu", "torchvision==0.28.0+cpu"), "cpu", "torch==2.13.0+cpu torchvision==0.28.0+cpu"),
    # auto on this machine, with no GPU, is cpu: the wheelhouse's CUDA build is planned, and said not to use one
    (("torch==2.13.0+cu126",), "cu126", "torch==2.13.0+cu126"),
], ids=["torch-alone", "with-torchvision", "cuda-build"])
def test_latest_is_the_build_the_wheelhouse_holds(cli, tmp_path, xdg_home, held, variant, packages):
    wh = _wheelhouse(tmp_path / "wh", *held, "jinja2==3.1.6")
    result = _plan(cli, tmp_path, "")
    assert result.returncode == 0, result.stderr
    script = result.stdout
    assert _summary(script, "torch") == "2.13.0" and _summary(script, "variant") == variant
    assert _summary(script, "packages") == packages
    assert (f"# note: torch.version is latest: torch 2.13.0 ({variant}), the build the wheelhouse {wh} holds (an "
            "offline install can install no other)") in script
    if variant != "cpu":
        assert "no NVIDIA GPU" in script, script
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "offline.yaml", "wh"]  # plan made nothing


@pytest.mark.parametrize(("answers", "asked"), [
    ("torch: {variant: cu126}\n", "torch==2.13.0+cu126"),
    ("torch: {extras: [torchvision]}\n", "torchvision==0.28.0+cpu"),
    ("torch: {version: 2.12.0}\n", "torch==2.12.0+cpu"),
], ids=["variant-written", "extra-written", "version-written"])
def test_what_the_answers_write_is_kept_and_the_wheelhouse_said_to_lack_it(cli, tmp_path, xdg_home, answers,
                                                                           asked):
    _wheelhouse(tmp_path / "wh", "torch==2.13.0+cpu")
    result = _plan(cli, tmp_path, answers)
    assert result.returncode == 2, result.stdout
    assert "offline.yaml:" in result.stderr and "was built for torch==2.13.0+cpu, not for" in result.stderr
    assert asked in result.stderr.splitlines()[0], result.stderr
    assert "Traceback" not in result.stderr and not result.stdout


def test_a_wheelhouse_without_a_manifest_is_said_as_before(cli, tmp_path, xdg_home):
    """No build to take latest from: the folder's own problem is the message, not a release table's pick."""
    (tmp_path / "wh").mkdir()
    result = _plan(cli, tmp_path, "")
    assert result.returncode == 2
    assert "was not made by a wheelhouse build: it has no manifest.json" in result.stderr, result.stderr


def test_another_machines_wheelhouse_is_not_read_here(cli, tmp_path, xdg_home):
    """A plan for a recorded machine (--hardware) leaves its wheelhouse to that machine's disk, as its check does:
    latest is not taken from a folder of the same name here."""
    _wheelhouse(tmp_path / "wh", "torch==2.13.0+cpu")
    result = _plan(cli, tmp_path, "", "--hardware", str(MACHINE))
    assert result.returncode == 0, result.stderr
    assert "torch.version is latest" not in result.stdout
    assert _summary(result.stdout, "variant") != "cpu"  # the recorded RTX 4090's own pick
