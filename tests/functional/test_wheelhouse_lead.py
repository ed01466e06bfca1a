"""For the offline method, the list leads with the build the wheelhouse typed holds, and the field says which of the
build chosen and the extras ticked it does not hold (found in use: a wheelhouse of torch 2.13.0+cpu alone typed,
the list kept "torch 2.15.0 · cpu recommended" and both extras ticked, and Review refused the plan). On this
machine, detected live: only its own wheelhouse is read."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList, RadioButton
from tui_support import press_until, screen_text, settle, widget_text


def _wheelhouse(folder: Path, *pins: str) -> Path:
    """A wheelhouse as a build leaves it, for `plan`'s checks of it: its manifest and requirements.txt (the wheels
    themselves are hashed by the install step, which a dry run does not reach)."""
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"format": 1, "requirements": list(pins), "files": []}))
    (folder / "requirements.txt").write_text("".join(f"{p}\n" for p in pins))
    return folder


def _shown(app, box: str) -> str | None:
    widget = app.screen.query_one(box)
    return " ".join(widget_text(widget).split()) if widget.display else None


def _heads(app) -> list[tuple[str, str, bool, bool]]:
    return [(c["torch"], c["variant"], bool(c.get("wheelhouse")), bool(c.get("not_in_wheelhouse")))
            for c in app.state.recommendation["choices"]]


def _listed(app) -> str:
    import io

    from rich.console import Console

    options = app.screen.query_one(OptionList)
    console = Console(width=300, file=io.StringIO())
    for i in range(options.option_count):
        console.print(options.get_option_at_index(i).prompt)
    return " ".join(console.file.getvalue().split())


async def _offline(pilot) -> None:
    pilot.app.screen.query_one("#method-wheel", RadioButton).value = True
    await settle(pilot, rounds=6)


async def _type(pilot, folder: Path) -> None:
    pilot.app.screen.query_one("#wheelhouse", Input).value = str(folder)
    await settle(pilot, rounds=8)


async def _untick(pilot, *extras: str) -> None:
    for extra in extras:
        pilot.app.screen.query_one(f"#extra-{extra}", Checkbox).value = False
    await settle(pilot, rounds=8)


async def test_the_wheelhouse_build_leads_and_what_it_lacks_is_said(make_wizard, in_tmp, monkeypatch):
    built = _wheelhouse(in_tmp / "torch-wheelhouse", "torch==2.13.0+cpu")
    app = make_wizard(None, dry_run=True)
    rang: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rang.append(1))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await _offline(pilot)
        plain = [(c["torch"], c["variant"]) for c in app.state.recommendation["choices"]]
        assert plain[0] != ("2.13.0", "cpu")  # the newest release leads until a wheelhouse is typed
        await _type(pilot, built)
        heads = _heads(app)
        assert heads[0] == ("2.13.0", "cpu", True, False)
        assert heads[1] == (*plain[0], False, True)
        assert [h[:2] for h in heads[1:]] == [p for p in plain if p != ("2.13.0", "cpu")]
        assert app.screen.current_choice()["torch"] == "2.13.0"
        text = _listed(app)
        assert "torch 2.13.0 · cpu · Python" in text and "in the wheelhouse" in text
        assert f"torch {plain[0][0]} · cpu · Python" in text and "newest, not in the wheelhouse" in text
        assert "recommended" not in text

        # both extras are ticked: the wheelhouse holds neither, which Review would refuse
        lead = app.state.recommendation["choices"][0]
        lacks = f"torchvision=={lead['torchvision']}+cpu, torchaudio=={lead['torchaudio']}+cpu"
        assert _shown(app, "#wheelhouse-problem") == (
            f"the wheelhouse {built} was built for torch==2.13.0+cpu, not for {lacks} → untick what it does not hold "
            "under Also install, or build a wheelhouse with them (method: wheelhouse-build)")
        # the bar says it as soon as the list is made, not "2 choices" (found in use)
        assert "the Wheelhouse field is wrong" in " ".join(screen_text(app).split())
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination" and rang == [1]
        assert "the Wheelhouse field is wrong" in " ".join(screen_text(app).split())

        await _untick(pilot, "torchvision", "torchaudio")
        assert _shown(app, "#wheelhouse-problem") is None
        assert app.screen.current_choice()["torch"] == "2.13.0"  # the lead stays chosen for other extras
        await pilot.press("n")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        summary = dict(app.state.plan.summary)
        assert (summary["torch"], summary["variant"]) == ("2.13.0", "cpu"), summary
        assert "was built for" not in " ".join(screen_text(app).split())

        # the newest chosen by hand: the field says which build it holds
        await pilot.press("b")
        await settle(pilot, rounds=6)
        app.screen.query_one(OptionList).focus()
        await pilot.press("down", "enter")
        await settle(pilot, rounds=6)
        assert app.screen.current_choice()["torch"] == plain[0][0]
        assert _shown(app, "#wheelhouse-problem") == (
            f"the wheelhouse {built} was built for torch==2.13.0+cpu, not for torch=={plain[0][0]}+cpu → choose the "
            "build it holds in the list, torch 2.13.0 · cpu · Python "
            f"{app.state.recommendation['choices'][0]['python']}, or build a wheelhouse for this one (method: "
            "wheelhouse-build)")

        # a version asked for in the Version field is the person's pin: its builds are listed, and the field says
        # that the wheelhouse holds none of them
        app.screen.query_one("#torch-version").value = plain[0][0]
        await settle(pilot, rounds=8)
        assert not any(c.get("wheelhouse") for c in app.state.recommendation["choices"])
        assert _shown(app, "#wheelhouse-problem") == (
            f"the wheelhouse {built} was built for torch==2.13.0+cpu, not for torch=={plain[0][0]}+cpu → it holds no "
            f"build of torch {plain[0][0]}, which the Version field asks for: press v and choose latest, or build a "
            "wheelhouse for this one (method: wheelhouse-build)")
        app.screen.query_one("#torch-version").value = "2.13.0"
        await settle(pilot, rounds=8)
        assert app.screen.current_choice()["torch"] == "2.13.0" and _shown(app, "#wheelhouse-problem") is None

        # pip again: the list as it was, nothing marked, nothing to say of the folder
        app.screen.query_one("#method-pip", RadioButton).value = True
        await settle(pilot, rounds=8)
        assert not any(c.get("wheelhouse") or c.get("not_in_wheelhouse") for c in app.state.recommendation["choices"])
        assert _shown(app, "#wheelhouse-problem") is None


async def test_a_wheelhouse_whose_build_does_not_fit_leads_with_nothing(make_wizard, in_tmp):
    """A CUDA wheelhouse on this machine without an NVIDIA GPU: its build is no choice here, and the field says so."""
    built = _wheelhouse(in_tmp / "cuda-wheelhouse", "torch==2.13.0+cu126")
    app = make_wizard(None, dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=6)
        assert not app.state.report.nvidia_gpus  # this machine: no GPU
        await _offline(pilot)
        await _type(pilot, built)
        await _untick(pilot, "torchvision", "torchaudio")
        assert not any(c.get("wheelhouse") for c in app.state.recommendation["choices"])
        chosen = app.screen.current_choice()
        assert _shown(app, "#wheelhouse-problem") == (
            f"the wheelhouse {built} was built for torch==2.13.0+cu126, not for torch=={chosen['torch']}+cpu → no "
            "build in the list is the one it holds (it does not fit this machine, or torch-setup has no record of "
            "it): build a wheelhouse for the build chosen (method: wheelhouse-build)")
