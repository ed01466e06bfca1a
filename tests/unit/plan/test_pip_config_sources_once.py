"""The extra indexes and trusted hosts of pip's own configuration reach pip once, as its find-links do
(test_find_links_once.py).

Found in use, with `mirror.pypi: auto` on a machine whose pip.conf names two extra indexes: the fallback
printed "Looking in indexes: https://pypi.org/simple, file:///opt/pypi/simple, file:///opt/pypi-more/simple,
http://127.0.0.1:46233/whl/cpu, file:///opt/pypi/simple, file:///opt/pypi-more/simple": pip takes
--extra-index-url and --trusted-host on top of its configuration's. uv reads no pip.conf and keeps them all
as flags; --index-url replaces the configuration's value in pip, so it stays a flag. Then real pip, with
the configuration as the executor passes it on, says where it looks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
from helpers import TESTS, CpuPins, load_module, pip_install_plan

from installer.answers import Answers
from installer.hardware.report import HardwareReport
from installer.hardware.target_python import pip_config_here
from installer.plan.indexes import choose_indexes
from installer.plan.tools import Tools

EXTRAS = ["file:///opt/pypi/simple", "file:///opt/pypi-more/simple"]
PYTORCH = "https://download.pytorch.org/whl/cpu"


@dataclass
class Pick:
    url: str
    reason: str = ""


def _indexes(pip: dict, pypi: str = "auto", prefix: str = "/usr", pick: Pick | None = None):
    report = HardwareReport.model_validate({"mirror_config": {"pip": pip},
                                            "python": {"version": "3.11.7", "executable": f"{prefix}/bin/python3",
                                                       "prefix": prefix}})
    answers = Answers.model_validate({"version": 1, "mirror": {"pypi": pypi, "pytorch": "auto" if pick else "none"}})
    return choose_indexes(answers, report, CpuPins(), pick)


def _values(flags: tuple[str, ...], flag: str) -> list[str]:
    return [flags[i + 1] for i, f in enumerate(flags) if f == flag]


def _configured(source: str | None) -> dict:
    return {"extra_index_urls": EXTRAS, "trusted_hosts": ["mirror.example"], "index_url": "https://m.example/simple",
            "sources": {"extra_index_urls": source, "trusted_hosts": source, "index_url": source} if source else {}}


@pytest.mark.parametrize("source", ["PIP_EXTRA_INDEX_URL", "/root/.config/pip/pip.conf", "/etc/pip.conf"])
def test_with_auto_pip_gets_its_own_extra_indexes_and_trusted_hosts_from_its_configuration_only(source):
    indexes = _indexes(_configured(source))
    pip_flags, pip_env = indexes.pip_args()
    assert _values(pip_flags, "--extra-index-url") == [] and _values(pip_flags, "--trusted-host") == []
    assert _values(pip_flags, "--index-url") == ["https://m.example/simple"] and pip_env == ()
    uv_flags, _env = indexes.uv_args()  # unchanged: uv reads no pip.conf
    assert _values(uv_flags, "--extra-index-url") == EXTRAS
    assert _values(uv_flags, "--allow-insecure-host") == ["mirror.example"]
    assert _values(uv_flags, "--index-url") == ["https://m.example/simple"]


def test_the_pytorch_index_the_plan_adds_stays_a_flag_for_pip():
    indexes = _indexes(_configured("/root/.config/pip/pip.conf"), pick=Pick(PYTORCH))
    assert _values(indexes.pip_args()[0], "--extra-index-url") == [PYTORCH]
    assert _values(indexes.uv_args()[0], "--extra-index-url") == [PYTORCH, *EXTRAS]


def test_a_pytorch_index_the_configuration_names_already_is_not_given_twice():
    pip = _configured("/root/.config/pip/pip.conf") | {"extra_index_urls": [*EXTRAS, PYTORCH]}
    indexes = _indexes(pip, pick=Pick(PYTORCH))
    assert _values(indexes.pip_args()[0], "--extra-index-url") == []
    assert _values(indexes.uv_args()[0], "--extra-index-url") == [PYTORCH, *EXTRAS]


@pytest.mark.parametrize("pip", [
    _configured("/usr/pip.conf"),  # the site file of the interpreter a new venv is made from: not read there
    _configured(None),  # a report that does not say where they came from
])
def test_sources_pip_may_not_read_stay_flags(pip):
    flags = _indexes(pip).pip_args()[0]
    assert _values(flags, "--extra-index-url") == EXTRAS and _values(flags, "--trusted-host") == ["mirror.example"]


def test_a_chosen_pypi_mirror_switches_the_configuration_off_so_what_the_plan_keeps_stays_a_flag():
    # the configuration's indexes are not used then; its trusted hosts are, and pip reads no pip.conf
    flags = _indexes(_configured("PIP_EXTRA_INDEX_URL"), pypi="https://pypi.example/simple",
                     pick=Pick(PYTORCH)).pip_args()[0]
    assert _values(flags, "--extra-index-url") == [PYTORCH] and _values(flags, "--trusted-host") == ["mirror.example"]
    assert _values(flags, "--index-url") == ["https://pypi.example/simple"]


def test_a_list_with_credentials_goes_whole_in_the_variable_which_replaces_the_configurations():
    secret = "https://user:pw@private.example/simple"
    pip = _configured("/root/.config/pip/pip.conf") | {"extra_index_urls": [*EXTRAS, secret]}
    flags, env = _indexes(pip, pick=Pick(PYTORCH)).pip_args()
    assert _values(flags, "--extra-index-url") == []
    assert dict(env)["PIP_EXTRA_INDEX_URL"] == " ".join([PYTORCH, *EXTRAS, secret])


def _indexes_folder(tmp_path, name: str) -> str:
    (tmp_path / name).mkdir()
    return (tmp_path / name).as_uri()


def _looking_in(tmp_path, flags: tuple[str, ...], config: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env |= {"PIP_CONFIG_FILE": os.devnull, **config}
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps",
                           "--disable-pip-version-check", *flags, "nothing-by-this-name"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    return next(line for line in done.stdout.splitlines() if line.startswith("Looking in indexes:"))


def test_real_pip_lists_each_index_once(tmp_path):
    main, extra, more = (_indexes_folder(tmp_path, n) for n in ("main", "extra", "more"))
    config = {"PIP_INDEX_URL": main, "PIP_EXTRA_INDEX_URL": f"{extra} {more}"}
    pip = {"index_url": main, "extra_index_urls": [extra, more],
           "sources": {"index_url": "PIP_INDEX_URL", "extra_index_urls": "PIP_EXTRA_INDEX_URL"}}
    indexes = _indexes(pip)
    assert _looking_in(tmp_path, indexes.pip_args()[0], config) == f"Looking in indexes: {main}, {extra}, {more}"
    # the check can fail: the flags uv gets (the extra indexes given again) make pip list them twice; the
    # index URL given again is not repeated (the flag replaces the configuration's), so it stays a flag
    assert _looking_in(tmp_path, indexes.uv_args()[0], config) == \
        f"Looking in indexes: {main}, {extra}, {more}, {extra}, {more}"


def test_the_fallback_installs_from_the_configurations_index_listing_it_once(tmp_path, xdg_home, monkeypatch):
    """The executor runs the pip kind's fallback (uv made to fail) with the configuration as it passes it on:
    pip finds the package on the index only its pip.conf names, and lists that index once."""
    from installer.executor import run_plan

    tiny = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server").tiny_index
    (tmp_path / "empty" / "simple").mkdir(parents=True)
    main, extra = (tmp_path / "empty" / "simple").as_uri(), (tiny(tmp_path / "extra") / "simple").as_uri()
    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\nindex-url = {main}\nextra-index-url = {extra}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"):  # this machine's own would win
        monkeypatch.delenv(name, raising=False)
    answers = Answers.model_validate({"version": 1})
    report = HardwareReport.model_validate({"mirror_config": {"pip": pip_config_here()}})
    venv = tmp_path / "venv"
    plan = pip_install_plan(venv, ["secretpkg==1.0"], choose_indexes(answers, report, None),
                            Tools(uv="/bin/false", python=sys.executable, host_pip=True), answers=answers, report=report)
    install = plan.steps[1].commands[-1]
    assert extra in install.argv and extra not in install.fallback.argv
    lines = [getattr(e, "line", "") for e in run_plan(plan, state_dir=xdg_home / "state")]
    assert f"Looking in indexes: {main}, {extra}" in [line.strip() for line in lines], lines
    assert (venv / "lib").exists() and any(venv.glob("lib/python3*/site-packages/secretpkg*"))
