"""The Version field marks the releases whose torch wheel is already in a find-links folder of this
machine's pip configuration (when no PyTorch index answers, those are the ones that still install), and
only for this machine: a recorded machine's folders are not on this disk."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, RadioButton, Select
from tui_support import mirror_servers, press_until, screen_text, settle

WHEEL = "torch-{v}+{b}-cp{py}-cp{py}-manylinux_2_28_x86_64.whl"


async def _labels(pilot) -> dict[str, str]:
    select = pilot.app.screen.query_one("#torch-version", Select)
    for _i in range(80):
        if len(select._options) > 2:
            return {value: str(label) for label, value in select._options}
        await pilot.pause(0.1)
    raise AssertionError("the Version field was never filled")


async def test_releases_on_this_disk_are_marked(make_wizard, tmp_path, monkeypatch):
    import sys

    py = f"{sys.version_info.major}{sys.version_info.minor}"
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for version, build in (("2.13.0", "cpu"), ("2.12.0", "cpu"), ("2.12.0", "cu126")):
        (wheels / WHEEL.format(v=version, b=build, py=py)).write_bytes(b"")  # only the name is read
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")  # pip's own way of reading no file
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    app = make_wizard(None, dry_run=True)  # this machine, detected live
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        labels = await _labels(pilot)
        await settle(pilot, rounds=4)
        # every mirror of the catalog is dead: the newest cpu build has nowhere to come from, so the newest cpu
        # build on this disk is chosen, the ranking's first listed after it as out of reach (n, n, n walked into
        # a failing install)
        chosen = app.screen.current_choice()
        assert (chosen["torch"], chosen["variant"], chosen.get("from_disk")) == ("2.13.0", "cpu", True)
        newest = app.state.recommendation["choices"][1]
        assert newest["unreachable"] and newest["torch"] != "2.13.0"
        listed_builds = _flat(" ".join(_prompt(c, i) for i, c in enumerate(app.state.recommendation["choices"])))
        assert "torch 2.13.0 · cpu" in listed_builds and "on this disk" in listed_builds
        assert f"torch {newest['torch']} · cpu" in listed_builds and "newest, not reachable from here" in listed_builds
        assert "is not in this machine's wheel folder" not in _flat(screen_text(app))
        await pilot.press("down", "enter")  # the newest, chosen anyway: said to fail
        await settle(pilot)
        assert app.screen.current_choice()["torch"] == newest["torch"]
        warning = screen_text(app)
        assert f"torch {newest['torch']} cpu is not in this machine's wheel folder" in warning
        assert "On this disk: 2.13.0, 2.12.0 -> press v" in warning
        app.screen.query_one("#torch-version", Select).value = "2.13.0"
        await settle(pilot, rounds=6)
        assert app.screen.current_choice()["torch"] == "2.13.0"
        assert "not in this machine's wheel folder" not in screen_text(app)
        # torch is there now, its extras (ticked by default) are not: the install would fail at them
        assert "but no wheel folder has torchvision 0.28.0+cpu, torchaudio 2.11.0+cpu" in _flat(screen_text(app))
    assert app.state.report_detected
    assert labels["2.13.0"] == "2.13.0 · wheel on this disk (cpu)"
    assert labels["2.12.0"] == "2.12.0 · wheel on this disk (cpu, cu126)"
    assert labels["2.14.1"] == "2.14.1"


async def test_a_recorded_machine_is_not_judged_by_this_disk(make_wizard, tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        labels = await _labels(pilot)
    assert not app.state.report_detected
    assert not any("on this disk" in label for label in labels.values())


def _only_these_wheels(monkeypatch, folder, *wheels: tuple[str, str]) -> None:
    """A pip configuration whose one find-links folder holds these (name, version) cpu wheels for this Python."""
    import sys

    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    folder.mkdir()
    for name, version in wheels:
        (folder / f"{name}-{version}+cpu-{py}-{py}-manylinux_2_28_x86_64.whl").write_bytes(b"")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)


def _prompt(choice: dict, index: int) -> str:
    """A build as the list shows it."""
    import io

    from rich.console import Console

    from installer.tui.screens.combination import choice_prompt

    console = Console(width=300, file=io.StringIO())
    console.print(choice_prompt(choice, index == 1, index == 0))
    return console.file.getvalue()


def _flat(text: str) -> str:
    return " ".join(text.split())  # the warning wraps at the screen's width


async def test_a_ticked_extra_whose_wheel_is_missing_is_warned_of_until_unticked(make_wizard, tmp_path,
                                                                                 monkeypatch):
    from installer.compat.data import load

    release = next(r for r in load().released() if r.torch == "2.13.0")  # the pins the planner writes
    _only_these_wheels(monkeypatch, tmp_path / "wheels", ("torch", "2.13.0"), ("torchaudio", str(release.torchaudio)))
    app = make_wizard(None, dry_run=True)  # this machine, detected live; every mirror of the catalog is dead
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await _labels(pilot)
        app.screen.query_one("#torch-version", Select).value = "2.13.0"
        await settle(pilot, rounds=6)
        assert (app.screen.current_choice()["torch"], app.screen.current_choice()["variant"]) == ("2.13.0", "cpu")
        missing = f"but no wheel folder has torchvision {release.torchvision}+cpu and"
        shown = _flat(screen_text(app))
        # in the wizard's words (found by a newcomer: the answers' torch.extras and `torch-setup mirrors`)
        assert missing in shown and ("untick torchvision below, or go back to Mirrors (b) and choose a PyTorch "
                                     "mirror that answers") in shown
        assert "torch.extras" not in shown and "torch-setup mirrors" not in shown
        assert "but torchaudio" not in shown  # its wheel is there
        for _i in range(30):  # the way the warning says: Tab to the box, Space
            if app.screen.focused is not None and app.screen.focused.id == "extra-torchvision":
                break
            await pilot.press("tab")
        await pilot.press("space")
        await settle(pilot)
        assert not app.screen.query_one("#extra-torchvision", Checkbox).value
        assert missing not in _flat(screen_text(app))
        await pilot.press("space")  # ticked again: warned again
        await settle(pilot)
        assert missing in _flat(screen_text(app))
        # conda's packages come from conda-forge, not from pip's wheel folders: nothing to warn of there
        app.screen.query_one("#method-conda", RadioButton).value = True
        await settle(pilot)
        assert missing not in _flat(screen_text(app))
        app.screen.query_one("#method-pip", RadioButton).value = True
        await settle(pilot)
        assert missing in _flat(screen_text(app))


async def test_the_wheels_on_disk_are_those_the_targets_python_can_take(make_wizard, tmp_path, monkeypatch):
    """The target is an existing Python 3.9: a cp311 wheel in the folder is no use to it. Neither the
    Version field nor the warnings may point to it (they did: the machine's own Python was asked)."""
    import os
    import sys

    exe = "/root/.pyenv/versions/3.9.18/bin/python3.9"
    if not os.access(exe, os.X_OK) or sys.version_info[:2] == (3, 9):
        import pytest

        pytest.skip("needs pyenv's CPython 3.9 beside a test run on another Python")
    py = f"{sys.version_info.major}{sys.version_info.minor}"
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / WHEEL.format(v="2.8.0", b="cpu", py=py)).write_bytes(b"")  # for this Python, not 3.9
    (wheels / WHEEL.format(v="2.7.1", b="cpu", py="39")).write_bytes(b"")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    from installer.answers import parse_answers

    answers = parse_answers(f"version: 1\ntarget:\n  kind: existing\n  python: {exe}\n")
    app = make_wizard(None, dry_run=True, answers=answers)
    async with app.run_test(size=(110, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        labels = await _labels(pilot)
        await settle(pilot, rounds=6)
        # no PyTorch index answers: the cpu build on this disk for 3.9 is chosen, not the cp311 one
        chosen = app.screen.current_choice()
        assert (chosen["torch"], chosen["variant"], chosen["python"]) == ("2.7.1", "cpu", "3.9")
        assert app.state.recommendation["choices"][1]["torch"] == "2.8.0"
    assert labels["2.7.1"] == "2.7.1 · wheel on this disk (cpu)"
    assert labels["2.8.0"] == "2.8.0"


async def test_a_build_with_no_wheel_here_and_no_index_is_warned_of(make_wizard, tmp_path, monkeypatch):
    """Every mirror of the catalog is dead and the wheel folder holds nothing the chosen Python can take:
    the +cpu build is on no PyPI, so it has nowhere to come from. It was said only when some other
    release was on this disk."""
    _only_these_wheels(monkeypatch, tmp_path / "wheels")  # an empty folder
    app = make_wizard(None, dry_run=True)  # this machine, detected live
    async with app.run_test(size=(110, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await _labels(pilot)
        await settle(pilot, rounds=6)
        chosen = app.screen.current_choice()
        assert chosen["local"] == "+cpu"
        text = _flat(screen_text(app))
        assert (f"no torch cpu wheel for Python {chosen['python']} is in this machine's wheel folders: unless your "
                f"pip configuration's indexes have torch {chosen['torch']}+cpu, its install will fail") in text
        assert "Go back (b) to the Mirrors screen" in text


@pytest.mark.parametrize("index", [None, "https://pypi.tuna.tsinghua.edu.cn/simple"], ids=["no-pip-config", "tuna"])
async def test_with_pypi_alone_left_the_warning_says_the_install_will_fail(make_wizard, tmp_path, monkeypatch, index):
    """No find-links folder, and the pip configuration names no index (PyPI is then read) or only a PyPI mirror
    of the catalog: nothing the install reads can have the +cpu build, and the warning says so rather than
    "unless your pip configuration's indexes have" it (found in a trial, as a user with no pip configuration)."""
    _only_these_wheels(monkeypatch, tmp_path / "wheels")
    monkeypatch.delenv("PIP_FIND_LINKS")
    if index:
        monkeypatch.setenv("PIP_INDEX_URL", index)
    app = make_wizard(None, dry_run=True)  # this machine, detected live; every mirror of the catalog is dead
    async with app.run_test(size=(110, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await _labels(pilot)
        await settle(pilot, rounds=6)
        chosen = app.screen.current_choice()
        text = _flat(screen_text(app))
    assert (f"no PyTorch index answered (Mirrors screen), no torch cpu wheel for Python {chosen['python']} is in this "
            f"machine's wheel folders, and what else the install reads ({index or 'https://pypi.org/simple'}) cannot "
            f"have torch {chosen['torch']}+cpu: its install will fail") in text, text
    assert "unless your pip configuration" not in text


async def test_a_recorded_machine_is_told_when_its_build_is_on_no_pypi(make_wizard):
    """A recorded machine's wheel folders cannot be looked at from here; with no PyTorch index answering,
    a build PyPI does not carry (+cpu) is still worth a word, and one PyPI carries is not."""
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(110, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot, rounds=4)
        chosen = app.screen.current_choice()
        assert chosen["local"] == "+cpu"
        text = _flat(screen_text(app))
        assert f"torch {chosen['torch']}+cpu is on no PyPI: unless the recorded machine reaches a PyTorch index" in text
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(110, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot, rounds=4)
        assert app.screen.current_choice()["local"] == ""  # torch 2.15.0 cu132: the build PyPI itself carries
        assert "is on no PyPI" not in _flat(screen_text(app))


async def test_an_index_typed_by_hand_counts_by_its_own_probe(make_wizard, tmp_path, monkeypatch):
    """The same machine, with a PyTorch index typed by hand in the answers, the Mirrors screen passed or skipped:
    the typed index is probed as the plan probes it, and only it counts. A dead one is said to fail here (found
    by a tester: only Review said so); one that lists torch is not (found in use: "no PyTorch index answered"
    here, while Review's plan said the typed index answered)."""
    _only_these_wheels(monkeypatch, tmp_path / "wheels")
    from installer.answers import parse_answers

    live = mirror_servers.torch_index(mirror_servers.Mirror("typed"), versions=("2.13.0", "2.14.1", "2.15.0")).start()
    try:
        for url, warned, jump in (("http://127.0.0.1:9/whl", True, True), (f"{live.base}/whl", False, False),
                                  ("http://127.0.0.1:9/whl", True, False)):
            text = f"version: 1\nmirror:\n  pytorch: {url}\n"
            (tmp_path / "answers.yaml").write_text(text)
            app = make_wizard(None, dry_run=True, answers=parse_answers(text),
                              answers_path=str(tmp_path / "answers.yaml"))
            async with app.run_test(size=(110, 40)) as pilot:
                if jump:  # Welcome's j to Review, then back: the Mirrors screen never probed
                    await settle(pilot)
                    await pilot.press("j")
                    await settle(pilot, rounds=6)
                    assert app.current_name == "review" and not app.state.mirrors_probed
                    await press_until(pilot, "b", "combination", limit=40)
                else:
                    await press_until(pilot, "n", "combination", limit=40)
                await _labels(pilot)
                await settle(pilot, rounds=6)
                typed = [r for r in app.state.mirror_rows if r.get("typed")]
                assert [(r["typed"], r["ok"]) for r in typed] == [(url, not warned)]
                assert app.state.section("mirror").get("pytorch") == url
                assert ("no PyTorch index answered" in _flat(screen_text(app))) is warned
    finally:
        live.stop()
