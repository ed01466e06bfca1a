"""A conda channel with a token in its path (https://conda.anaconda.org/t/TOKEN/channel, as anaconda.org
and private conda servers issue them), through the real conda recipe and the real executor: the engine
gets the channel by name (`--override-channels -c conda-forge`, so no channel of the person's .condarc
files is searched) and its base in CONDA_CHANNEL_ALIAS / MAMBA_CHANNEL_ALIAS, never the token on its argv,
and the progress, the log and the journal show `/t/***`.

No conda engine can be installed here: the engine is a small program named `micromamba` that writes
down the argv and the channel aliases it was started with, which is what this test is about."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from installer.answers import parse_answers
from installer.executor.plain import PlainProgress
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.base import KindContext, get_kind
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

from .conftest import finished, run, statuses

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
TOKEN = "ab-9f1c2d3e-4b5a-6789-0abc-def012345678"
CHANNEL = f"https://conda.anaconda.org/t/{TOKEN}/conda-forge"
ALIAS = f"https://conda.anaconda.org/t/{TOKEN}"


def _recorder(folder: Path, record: Path) -> Path:
    exe = folder / "micromamba"  # a name on the executor's allowlist
    folder.mkdir(parents=True, exist_ok=True)
    exe.write_text("#!/bin/sh\n"
                   f"{{ printf 'argv %s\\n' \"$@\"; printf 'ALIAS %s %s\\n' \"$CONDA_CHANNEL_ALIAS\" \"$MAMBA_CHANNEL_ALIAS\"; }} >> '{record}'\n")
    exe.chmod(0o755)
    return exe


def _plan(tmp_path: Path, engine: Path, conda_mirror: str):
    answers = parse_answers(f"version: 1\nmethod: conda\ntarget: {{kind: conda, path: {tmp_path / 'env'}}}\n"
                            f"torch: {{version: 2.13.0, variant: cpu, extras: []}}\nmirror: {{conda: '{conda_mirror}'}}\n")
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    tools = Tools(uv=None, python=sys.executable, conda=str(engine))
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "conda.yaml")], cache_dir=str(tmp_path / "cache"))


def test_the_engine_gets_the_token_from_its_environment_and_nobody_sees_it(tmp_path, state):
    record = tmp_path / "env" / "record.txt"  # in the prefix: a folder the sandbox lets the step write
    plan = _plan(tmp_path, _recorder(tmp_path / "bin", record), CHANNEL)
    assert [s.id for s in plan.steps] == ["conda-env", "conda-torch"]
    for step in plan.steps:
        (cmd,) = step.commands
        assert not any(TOKEN in a for a in cmd.argv), cmd.argv
        at = cmd.argv.index("--override-channels")
        assert cmd.argv[at:at + 3] == ("--override-channels", "-c", "conda-forge")
        assert dict(cmd.env)["CONDA_CHANNEL_ALIAS"] == dict(cmd.env)["MAMBA_CHANNEL_ALIAS"] == ALIAS
        assert "CONDA_CHANNELS" not in dict(cmd.env)
    assert any("CONDA_CHANNEL_ALIAS" in n for n in plan.notes) and not any(TOKEN in n for n in plan.notes)

    out = io.StringIO()
    events = run(plan, state)
    PlainProgress(out).consume(events)
    assert statuses(events) == {"conda-env": "changed", "conda-torch": "changed"}, out.getvalue()
    # what the engine was really started with: the token only in its environment
    lines = record.read_text().splitlines()
    assert lines.count(f"ALIAS {ALIAS} {ALIAS}") == 2, lines
    started = [line for line in lines if line.startswith("argv ")]
    assert "argv create" in started and "argv install" in started and "argv pytorch=2.13.0=cpu*" in started
    assert not any(TOKEN in line for line in started)
    # and what a person or a bug report sees of the run
    log = Path(finished(events).log_path).read_text()
    journal = "".join(p.read_text() for p in (state / "journal").glob("*.json"))
    seen = out.getvalue() + log + journal
    assert TOKEN not in seen
    assert "CONDA_CHANNEL_ALIAS=https://conda.anaconda.org/t/*** " in log


def test_channels_without_credentials_stay_on_the_command_line_with_override():
    """Nothing changes for a channel without a token: `--override-channels -c ...`, the .condarc left out."""
    kind = get_kind("conda")
    answers = parse_answers("version: 1\nmethod: conda\nmirror: {conda: 'https://mirror.example/conda-forge'}\n")
    ctx = KindContext(answers=answers, report=HardwareReport(), pins=None, indexes=Indexes(),
                      tools=Tools(uv=None, python="/usr/bin/python3", conda="/usr/bin/conda"))
    params = kind.Params.model_validate({"action": "create", "prefix": "/e", "channels": ["conda-forge", "bioconda"]})
    compiled = kind.compile(params, ctx)
    argv = compiled.commands[0].argv
    assert argv[argv.index("--override-channels"):] == ("--override-channels", "-c", "https://mirror.example/conda-forge",
                                                        "-c", "bioconda")
    assert "CONDA_CHANNEL_ALIAS" not in dict(compiled.env) and compiled.notes == ()
    # a channel with a password in its user part goes by name, its site in the alias; the others stay
    params = kind.Params.model_validate({"action": "create", "prefix": "/e",
                                         "channels": ["https://bob:pw@private.example/ch", "conda-forge"]})
    compiled = kind.compile(params, ctx)
    assert dict(compiled.env)["CONDA_CHANNEL_ALIAS"] == "https://bob:pw@private.example"
    argv = compiled.commands[0].argv
    assert argv[argv.index("--override-channels"):] == ("--override-channels", "-c", "ch", "-c",
                                                        "https://mirror.example/conda-forge")
    assert not any("pw@" in a for a in argv)
