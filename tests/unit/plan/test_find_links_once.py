"""The find-links of pip's own configuration reach pip once (found in use: pip's fallback printed
"Looking in links: /opt/wheels, /opt/wheels": PIP_FIND_LINKS, and the same folder again as --find-links).

With `mirror.pypi: auto` pip reads its configuration itself, and a --find-links flag adds to it; uv reads
no pip.conf and still gets them as flags. With a PyPI mirror chosen, pip's configuration is switched off
(installer.plan.kinds.pip.only_the_plans_sources), so the flags are its only source. Then real pip, with
the configuration as the executor passes it on, says where it looks.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import CpuPins

from installer.answers import Answers
from installer.hardware.report import HardwareReport
from installer.plan.indexes import choose_indexes

Pins = CpuPins


def _indexes(links: list[str], source: str | None, pypi: str = "auto", prefix: str = "/usr"):
    pip = {"find_links": links, "sources": {"find_links": source} if source else {}}
    report = HardwareReport.model_validate({"mirror_config": {"pip": pip},
                                            "python": {"version": "3.11.7", "executable": f"{prefix}/bin/python3",
                                                       "prefix": prefix}})
    answers = Answers.model_validate({"version": 1, "mirror": {"pypi": pypi, "pytorch": "none"}})
    return choose_indexes(answers, report, Pins())


def _links(flags: tuple[str, ...]) -> list[str]:
    return [flags[i + 1] for i, flag in enumerate(flags) if flag == "--find-links"]


@pytest.mark.parametrize("source", ["PIP_FIND_LINKS", "/root/.config/pip/pip.conf", "/etc/pip.conf"])
def test_with_auto_pip_gets_its_own_links_from_its_configuration_only(source):
    indexes = _indexes(["/opt/wheels"], source)
    assert _links(indexes.pip_args()[0]) == []
    assert _links(indexes.uv_args()[0]) == ["/opt/wheels"]  # uv reads no pip.conf


def test_a_chosen_pypi_mirror_switches_the_configuration_off_so_the_links_stay_flags():
    indexes = _indexes(["/opt/wheels"], "PIP_FIND_LINKS", pypi="https://pypi.example/simple")
    assert _links(indexes.pip_args()[0]) == ["/opt/wheels"]


def test_a_chosen_mirror_keeps_the_local_folders_and_says_so():
    """Found in use: a mirror chosen (k not pressed) and torch still came from /opt/wheels, with nothing said."""
    note = ("besides the chosen index, the folders of this machine's pip configuration are looked in "
            "(find-links: /opt/wheels): wheels already there are not downloaded")
    assert note in _indexes(["/opt/wheels"], "PIP_FIND_LINKS", pypi="https://pypi.example/simple").notes
    assert note in _indexes(["/opt/wheels"], "PIP_FIND_LINKS", pypi="none").notes
    assert not any("besides the chosen index" in n for n in _indexes(["/opt/wheels"], "PIP_FIND_LINKS").notes)
    assert not any("besides" in n for n in _indexes([], None, pypi="https://pypi.example/simple").notes)


def test_the_site_file_of_the_interpreter_a_new_venv_is_made_from_stays_a_flag():
    # pip in the new environment reads that environment's pip.conf, not its base interpreter's
    indexes = _indexes(["/srv/wheels"], "/opt/python3.11/pip.conf", prefix="/opt/python3.11")
    assert _links(indexes.pip_args()[0]) == ["/srv/wheels"]


def test_a_report_that_does_not_say_where_its_links_came_from_keeps_them_as_flags():
    assert _links(_indexes(["/opt/wheels"], None).pip_args()[0]) == ["/opt/wheels"]


def _looking_in(tmp_path, flags: tuple[str, ...], folder) -> str:
    env = {**os.environ, "PIP_FIND_LINKS": str(folder), "PIP_CONFIG_FILE": os.devnull}
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--no-deps",
                           "--disable-pip-version-check", *flags, "nothing-by-this-name"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    return next(line for line in done.stdout.splitlines() if line.startswith("Looking in links:"))


def test_real_pip_looks_in_the_folder_once(tmp_path):
    folder = tmp_path / "wheels"
    folder.mkdir()
    indexes = _indexes([str(folder)], "PIP_FIND_LINKS")
    assert _looking_in(tmp_path, indexes.pip_args()[0], folder) == f"Looking in links: {folder}"
    # the check can fail: the flags as they were (the links given again) make pip list the folder twice
    assert _looking_in(tmp_path, indexes.uv_args()[0], folder) == f"Looking in links: {folder}, {folder}"
