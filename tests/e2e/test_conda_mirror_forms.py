"""mirror.conda typed by hand: the forms people copy from the mirrors' pages are mapped to the conda-forge
channel (<base>/conda-forge, what `-c` and the .condarc's `custom_channels: {conda-forge: <base>}` need),
the others refused with exit 2 naming the key; and the engine is told to search only the channels the plan
gives (--override-channels), so a `defaults` in the person's .condarc never reaches the environment.

No conda, mamba or micromamba can be installed here: the run goes through py-rattler behind micromamba's
command line (tests/fixtures/recipes/rattler_engine.py), fetching from a real HTTP server on 127.0.0.1
that serves a channel under /anaconda/cloud/conda-forge, as the mirrors lay it out."""

from __future__ import annotations

import functools
import json
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from helpers import recipe_fixture

from installer.answers import parse_answers
from installer.executor.events import RunFinished, StepFinished
from installer.executor.runner import run_plan
from installer.hardware.report import HardwareReport
from installer.mirrors.writers.conda import render_condarc
from installer.plan.indexes import Indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "recipes"
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
TUNA = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"


@pytest.mark.parametrize("typed", [
    f"{TUNA}/cloud/conda-forge", f"{TUNA}/cloud/conda-forge/", f"{TUNA}/cloud", f"{TUNA}/cloud/", TUNA,
    f"{TUNA}/cloud/conda-forge/linux-64/", f"{TUNA}/cloud/conda-forge/noarch/repodata.json",
])
def test_the_forms_people_copy_map_to_the_conda_forge_channel(typed):
    answers = parse_answers(f"version: 1\nmethod: conda\nmirror: {{conda: '{typed}'}}\n")
    assert answers.mirror.conda == f"{TUNA}/cloud/conda-forge"
    condarc = yaml.safe_load(render_condarc(None, answers.mirror.conda, "conda-forge", "env"))
    # conda appends the channel's name to this: TUNA's own template's value (research/mirrors.md 3.1)
    assert condarc["custom_channels"] == {"conda-forge": f"{TUNA}/cloud"}


@pytest.mark.parametrize("typed, says", [
    (f"{TUNA}/pkgs/main", f"write {TUNA}/cloud/conda-forge"),            # Anaconda's defaults, mirrored
    (f"{TUNA}/cloud/pytorch", f"write {TUNA}/cloud/conda-forge"),        # another channel on the mirror
    ("https://mirrors.tuna.tsinghua.edu.cn/", f"{TUNA}/cloud/conda-forge"),  # the site alone
    ("https://conda.corp.example/artifactory/api/conda/cf-remote", "serve your own channel under the name conda-forge"),
    ("https://conda.corp.example/conda-forge?x=1", "ends in /conda-forge"),
])
def test_what_cannot_be_conda_forge_is_refused_with_what_to_write(cli, tmp_path, xdg_home, typed, says):
    (tmp_path / "a.yaml").write_text("version: 1\nmethod: conda\ntarget: {kind: conda, path: env}\n"
                                     f"mirror:\n  conda: '{typed}'\n")
    result = cli("plan", "--answers", "a.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("a.yaml:5: mirror.conda: "), result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def mirror(tmp_path):
    """http://127.0.0.1:PORT/anaconda, with a conda-forge-like channel under cloud/conda-forge."""
    root = tmp_path / "site"
    recipe_fixture("conda_channel").build_channel(root / "anaconda" / "cloud" / "conda-forge")
    seen: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            seen.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/anaconda", seen
    finally:
        server.shutdown()
        server.server_close()


def test_the_mirror_s_cloud_folder_installs_from_conda_forge_only(tmp_path, xdg_home, mirror):
    pytest.importorskip("rattler")
    base, seen = mirror
    engine = tmp_path / "bin" / "micromamba"
    engine.parent.mkdir()
    engine.write_text(f"#!/bin/sh\nexec {sys.executable} {FIXTURES / 'rattler_engine.py'} \"$@\"\n")
    engine.chmod(0o755)
    answers = parse_answers(f"version: 1\nmethod: conda\ntarget: {{kind: conda, path: {tmp_path / 'env'}}}\n"
                            f"torch: {{version: 2.13.0, variant: cpu, extras: []}}\nmirror: {{conda: '{base}/cloud'}}\n")
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    report.conda = []
    report.mirror_config.conda.channels = ["defaults", "conda-forge"]  # the person's ~/.condarc
    tools = Tools(uv=None, python=sys.executable, host_pip=False, conda=str(engine))
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    plan = make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "conda.yaml")], cache_dir=str(tmp_path / "cache"))
    assert [s.id for s in plan.steps] == ["conda-env", "conda-torch"]
    for step in plan.steps:
        argv = step.commands[0].argv
        at = argv.index("--override-channels")
        assert argv[at:at + 3] == ("--override-channels", "-c", f"{base}/cloud/conda-forge")
        assert argv.count("-c") == 1 and "defaults" not in argv
    events = list(run_plan(plan, state_dir=tmp_path / "state"))
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    meta = [json.loads(f.read_text()) for f in (tmp_path / "env" / "conda-meta").glob("*.json")]
    assert {m["name"]: m["build"] for m in meta}["pytorch"] == "cpu_generic_0"
    assert any(p.startswith("/anaconda/cloud/conda-forge/") and p.endswith(".tar.bz2") for p in seen), seen


def test_the_env_condarc_step_says_that_the_person_s_channels_still_merge(tmp_path, xdg_home):
    answers = parse_answers(f"version: 1\nmethod: conda\ntarget: {{kind: conda, path: {tmp_path / 'env'}}}\n"
                            f"torch: {{version: 2.13.0, variant: cpu, extras: []}}\nmirror: {{conda: tuna-conda}}\n")
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    report.mirror_config.conda.channels = ["defaults"]
    tools = Tools(uv=None, python=sys.executable, host_pip=False, conda="/usr/bin/conda")
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    plan = make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / n) for n in ("conda.yaml", "mirror-config.yaml")],
                     cache_dir=str(tmp_path / "cache"))
    written = [f for s in plan.steps for f in s.files]
    assert [yaml.safe_load(f.content)["channels"] for f in written] == [["conda-forge"]]
    assert any("also lists defaults" in n and "--override-channels -c conda-forge" in n for n in plan.notes), \
        plan.notes
