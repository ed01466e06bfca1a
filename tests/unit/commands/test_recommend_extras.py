"""`recommend --extras`: the companion packages wanted, as the answers' torch.extras says them. Without it
`--python 3.15` could not be had with torch 2.15.0 (torchaudio 2.11.0 stops at 3.14) even by a person
who does not want torchaudio; the text now says which extras moved the Python, and the command to keep it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")


def _best(cli, *args: str) -> dict:
    r = cli("recommend", "--hardware", CPU_ONLY, *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["choices"][0]


def test_the_extras_decide_whether_the_python_asked_for_is_kept(cli):
    default = _best(cli, "--python", "3.15")
    assert default["python"] == "3.14" and default["torchaudio"] == "2.11.0"
    reason = default["actions"][0]["reason"]
    assert "torchaudio 2.11.0 has no wheel for Python 3.15" in reason and "leave out torchaudio" in reason
    assert _best(cli, "--python", "3.15", "--extras", "torchvision,torchaudio") == default

    kept = _best(cli, "--python", "3.15", "--extras", "torchvision")
    assert (kept["torch"], kept["python"], kept["actions"]) == (default["torch"], "3.15", [])
    assert kept["torchvision"] == default["torchvision"] and kept["torchaudio"] is None
    bare = _best(cli, "--python", "3.15", "--extras", "none")
    assert bare["python"] == "3.15" and bare["torchvision"] is None and bare["torchaudio"] is None


def test_the_text_names_the_command_that_keeps_the_python_and_it_does(cli):
    r = cli("recommend", "--hardware", CPU_ONLY, "--python", "3.15")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("to stay on Python 3.15"))
    assert line.startswith("to stay on Python 3.15, without torchaudio: `torch-setup recommend ")
    command = shlex.split(line.split("`")[1])
    assert command[command.index("--extras") + 1] == "torchvision"
    followed = cli(*command[1:])  # the advice, as printed
    assert followed.returncode == 0, followed.stderr
    assert "Python 3.15" in followed.stdout.splitlines()[2] and "torchaudio" not in followed.stdout
    assert "to stay on Python" not in followed.stdout


@pytest.mark.parametrize("args", [("--python", "3.12"), ("--python", "3.15", "--extras", "torchvision"), ()])
def test_no_such_line_when_nothing_was_moved_by_an_extra(cli, args):
    r = cli("recommend", "--hardware", CPU_ONLY, *args)
    assert r.returncode == 0 and "to stay on Python" not in r.stdout


@pytest.mark.parametrize("value", ["torchtext", "torchvision,bogus", ","])
def test_an_unknown_extra_is_bad_input(cli, value):
    r = cli("recommend", "--hardware", CPU_ONLY, "--extras", value)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert "--extras" in r.stderr and "is not a list of extras" in r.stderr


def test_a_python_no_release_has_is_still_exit_2_whatever_the_extras(cli):
    r = cli("recommend", "--hardware", CPU_ONLY, "--python", "3.99", "--extras", "none")
    assert r.returncode == 2 and r.stdout == "" and "No PyTorch release has wheels for Python 3.99" in r.stderr
