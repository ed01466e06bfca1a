"""A source of this machine's pip configuration that does not answer is said with where it was set.

Found in use: with `mirror.pypi: auto` (the default), a dead PIP_INDEX_URL made the torch step fail with
"choose another mirror (...; `auto` picks one that answers)": auto was what had taken it, and the plan's
note, "package sources from this machine's pip configuration", sent the user to a pip.conf that had no such
line. The real command line against a port where nothing listens; then uv's and pip's recorded outputs
(tests/fixtures/failures) for a source set in a pip.conf file, which the plan reads for real from the report.
"""

from __future__ import annotations

import pytest
from helpers import TESTS, load_module

from installer.answers import answers_from_located
from installer.executor.diagnose import diagnose
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools
from installer.yamlfile import parse_yaml

servers = load_module(TESTS / "unit" / "mirrors" / "mirror_servers.py")
REPO = TESTS.parent
FAILURES = TESTS / "fixtures" / "failures"
ANSWERS = REPO / "recipes" / "answers" / "cpu-venv.yaml"


@pytest.fixture
def dead_variable(tmp_path, monkeypatch, xdg_home):
    """The example answers in a folder, and PIP_INDEX_URL set to a port where nothing listens: the only
    source (no pip.conf read, no find-links folder that has torch already)."""
    url = f"{servers.dead_base()}/simple"
    monkeypatch.setenv("PIP_INDEX_URL", url)
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")  # a refused connection is the same on the first try
    work = tmp_path / "work"
    work.mkdir()
    (work / "cpu-venv.yaml").write_text(ANSWERS.read_text())
    return url, work


def test_the_failure_names_the_variable_and_what_works(cli, dead_variable):
    url, work = dead_variable
    result = cli("install", "--answers", "cpu-venv.yaml", "--yes", "--probe-timeout", "0.2", cwd=work)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "likely cause: a package source did not answer (connection refused or timed out)" in out
    hint = next(line for line in out.splitlines() if line.strip().startswith(f"-> {url} did not answer"))
    assert "the environment variable PIP_INDEX_URL it comes from" in hint, hint
    assert "unset PIP_INDEX_URL" in hint and "set mirror.pypi in the answers file" in hint, hint
    assert "`torch-setup mirrors`" in hint
    assert "`auto` picks one that answers" not in out  # auto is what took it
    assert "Traceback" not in out


def test_the_plan_names_the_variable(cli, dead_variable):
    url, work = dead_variable
    result = cli("plan", "--answers", "cpu-venv.yaml", "--probe-timeout", "0.2", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (f"package sources from this machine's pip configuration: {url} (from the environment variable "
            "PIP_INDEX_URL)") in result.stdout


TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
PIP_CONF = "/home/ada/.config/pip/pip.conf"


def _plan(index_url: str, origin: str):
    """The plan of a recorded machine whose pip configuration's index-url was set by `origin`."""
    text = "version: 1\nmethod: pip\ntorch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n"
    answers = answers_from_located(parse_yaml(text, "<answers>"), this_machine=False)
    report = load_report(TESTS / "fixtures" / "machines" / "cpu-only.json")
    pip = report.mirror_config.pip.model_copy(update={"index_url": index_url, "find_links": [],
                                                      "extra_index_urls": [], "sources": {"index_url": origin}})
    report = report.model_copy(update={"mirror_config": report.mirror_config.model_copy(update={"pip": pip})})
    pins = pins_for(answers, report, tools=TOOLS, cwd="/work")
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def _lines(name: str) -> list[str]:
    return (FAILURES / name).read_text().splitlines()


@pytest.mark.parametrize("name", ["uv-refused.txt", "pip-refused.txt"])
def test_a_source_from_a_pip_conf_file_is_said_with_its_file(name):
    plan = _plan("https://127.0.0.1:9/whl/cpu", PIP_CONF)
    assert plan.index_origins == (("https://127.0.0.1:9/whl/cpu", PIP_CONF),)
    # a file is what `pip config list` shows, so the note needs no more
    assert "package sources from this machine's pip configuration: https://127.0.0.1:9/whl/cpu" in plan.notes
    got = diagnose(_lines(name), "pip", plan.index_origins)
    assert got is not None
    assert got.hint.startswith("https://127.0.0.1:9/whl/cpu did not answer: change the pip configuration file "
                               f"{PIP_CONF} it comes from"), got.hint
    assert "set mirror.pypi in the answers file to a mirror that answers" in got.hint


def test_a_server_error_and_a_name_that_does_not_resolve_name_the_origin_too():
    plan = _plan("http://127.0.0.1:8767/simple", "PIP_INDEX_URL")
    got = diagnose(_lines("uv-503-index-url.txt"), "pip", plan.index_origins)
    assert "or change the environment variable PIP_INDEX_URL it comes from" in got.hint, got.hint
    plan = _plan("https://download.pytorch.org/whl/cpu", "PIP_INDEX_URL")
    got = diagnose(_lines("uv-dns.txt"), "pip", plan.index_origins)
    assert "or change the environment variable PIP_INDEX_URL it comes from" in got.hint, got.hint


def test_a_source_the_answers_chose_keeps_the_usual_advice():
    # another source of the pip configuration (not the one that failed) changes nothing
    plan = _plan("https://mirror.example/simple", "PIP_INDEX_URL")
    got = diagnose(_lines("uv-refused.txt"), "pip", plan.index_origins)
    assert "choose another mirror" in got.hint and "PIP_INDEX_URL" not in got.hint
