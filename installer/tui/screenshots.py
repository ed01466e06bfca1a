"""`python -m installer.tui.screenshots OUTDIR [--machine F] [--python PATH] [--here]`: one SVG per screen.

(`make screenshots` runs it with OUTDIR screenshots/; screenshots/README.md says how the committed
ones were made.)

The same app people run, driven by Pilot at 100x32 through a dry run on a recorded machine: Welcome to
Done in English, plus the Help screen, and Hardware and Combination in Chinese. Nothing is faked: the
mirror table is a real probe from this machine, the plan is the real planner's, the Install screen
shows the real executor's dry run.

Verify and Benchmark have nothing to show in a dry run. With `--python PATH` (an interpreter that has
torch), they are captured after a real run of the wizard on this machine into that interpreter (a
`target: existing` install whose steps find torch already there), so they show real checks and figures.

With `--here --python PATH`, every screen comes from such a real run, on this machine as detected (no
recorded machine): how screenshots/h200/ was made on a machine with a GPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from installer.i18n import set_language

SIZE = (100, 32)
REPO = Path(__file__).resolve().parents[2]
DEFAULT_MACHINE = REPO / "tests" / "fixtures" / "machines" / "nodriver-rtx3060.json"
# a system torch-setup installs no driver on, with a build that needs one and the toolkit asked for: the
# driver said to be the distribution's, no apt mirrors, the toolkit from NVIDIA's runfile
OTHER_SYSTEM = REPO / "tests" / "fixtures" / "machines" / "rocky94-2x3060-560.json"
OTHER_SYSTEM_ANSWERS = {"torch": {"version": "latest", "variant": "cu132"}, "cuda_toolkit": {"install": True}}


async def settle(pilot: Any) -> None:
    """Wait until the screen's workers are done and what they posted is drawn."""
    for _round in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)


async def walk(*, out: Path, machine: str, lang: str, names: set[str] | None, prefix: str = "",
               draft: dict[str, Any] | None = None, also: dict[str, str] | None = None) -> list[str]:
    """A dry run from Welcome to Done; saves the screens in `names` (all when None). `draft`: answers
    pre-filled, as from an answers file; `also`: screen -> a widget id, saved once more as
    <screen>-<id>.svg with that widget scrolled into view (a part of a long screen)."""
    from installer.hardware.report import load_report
    from installer.tui.app import make_app
    from installer.tui.engine import Engine

    saved: list[str] = []
    # the machine file is copied into the working folder: its path shows on screen
    shown = Path(machine).name
    shutil.copy(machine, shown)
    app = make_app(hardware=load_report(shown), hardware_path=shown, dry_run=True, lang=lang,
                   engine=Engine(probe_timeout=4.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.ensure_draft()
        app.state.draft["bench"] = "quick"  # as if chosen on Combination: the Benchmark screen is shown too
        app.state.draft.update(draft or {})
        seen: set[str] = set()
        while app.current_name not in seen:
            name = app.current_name
            seen.add(name)
            await settle(pilot)
            if names is None or name in names:
                saved.append(app.save_screenshot(f"{prefix}{name}.svg", str(out)))
            if also and name in also:
                app.screen.query_one(f"#{also[name]}").scroll_visible(animate=False)
                await pilot.pause(0.2)
                saved.append(app.save_screenshot(f"{prefix}{name}-{also[name]}.svg", str(out)))
            if name == "welcome" and (names is None or "help" in names):
                await pilot.press("f1")
                await pilot.pause(0.1)
                saved.append(app.save_screenshot(f"{prefix}help.svg", str(out)))
                await pilot.press("escape")
            if name == "done":
                break
            await pilot.press("n")
            await pilot.pause(0.1)
    return saved


def torch_of(python: str) -> tuple[str, str]:
    """(version, variant) of the torch in `python`: 2.11.0+cu130 gives ("2.11.0", "cu130"); a build
    without a local label (PyPI's default CUDA build names itself so only in torch.__version__) gives auto."""
    import subprocess

    shown = subprocess.run([python, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                           text=True, check=True, timeout=300).stdout.strip()
    version, _plus, variant = shown.partition("+")
    return version, variant or "auto"


BEFORE_REVIEW = ("welcome", "hardware", "mirrors", "combination")
HERE_SCREENS = ("hardware", "mirrors", "combination", "review", "install", "verify", "bench", "done")


async def real_run(*, out: Path, python: str, names: tuple[str, ...] = ("verify", "bench"), lang: str = "en",
                   prefix: str = "") -> list[str]:
    """A real run of the wizard on this machine into `python` (which already has torch), saving `names`.

    The screens before Review show this machine as detected; the build is the torch already in `python`
    (a `target: existing` install whose step finds it in place), so Verify and Benchmark show real checks
    and figures."""
    from installer.tui.app import make_app
    from installer.tui.engine import Engine

    version, variant = torch_of(python)
    saved: list[str] = []
    app = make_app(dry_run=False, lang=lang, engine=Engine(probe_timeout=4.0))

    def save(name: str) -> None:
        if app.current_name == name and name in names:
            saved.append(app.save_screenshot(f"{prefix}{name}.svg", str(out)))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if any(name in names for name in BEFORE_REVIEW):
            for name in BEFORE_REVIEW:
                save(name)
                if name != "combination":
                    await pilot.press("n")
                    await settle(pilot)
        if not set(names) - set(BEFORE_REVIEW):
            return saved
        app.state.draft.update({"target": {"kind": "existing", "path": ".venv-torch", "python": python},
                                "torch": {"version": version, "variant": variant, "extras": []},
                                "bench": "quick", "verify": True})
        app.go("review")
        await settle(pilot)
        save("review")
        await pilot.press("n")  # Install
        for _i in range(600):
            await settle(pilot)
            if app.state.run_result is not None:
                break
        save("install")
        await pilot.press("n")
        for name in ("verify", "bench", "done"):
            await settle(pilot)
            save(name)
            if name != "done":
                await pilot.press("n")
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer.tui.screenshots")
    parser.add_argument("outdir")
    parser.add_argument("--machine", default=str(DEFAULT_MACHINE), help="a recorded hardware report")
    parser.add_argument("--python", default=os.environ.get("TORCH_SETUP_SHOTS_PYTHON") or None,
                        help="an interpreter with torch: capture Verify and Benchmark from a real run "
                             "(default: $TORCH_SETUP_SHOTS_PYTHON, which `make screenshots` passes through)")
    parser.add_argument("--here", action="store_true",
                        help="every screen from a real run on this machine (detected, not recorded) into "
                             "--python; for a machine with a GPU (screenshots/h200/ was made so)")
    args = parser.parse_args(argv)
    if args.here and not args.python:
        parser.error("--here needs --python: an interpreter with torch to install into and check")
    out = Path(args.outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    machine = str(Path(args.machine).resolve())
    here = os.getcwd()
    # The wizard writes its answers file into the working directory, and paths under it show on
    # screen: a folder of its own, out of the checkout, with the same name every time.
    work = Path(tempfile.gettempdir()) / "torch-setup-demo"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    os.chdir(work)
    # the Mirrors screen says what region `auto` stands for, from the timezone and locale: pinned, so the
    # pictures do not change with the machine that makes them
    os.environ.update(TZ="UTC", LANG="C.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES", "TORCH_SETUP_REGION"):
        os.environ.pop(var, None)
    try:
        if args.here:
            saved = asyncio.run(real_run(out=out, python=args.python, names=HERE_SCREENS))
            saved += asyncio.run(real_run(out=out, python=args.python, names=("hardware",), lang="zh",
                                          prefix="zh-"))
        else:
            saved = asyncio.run(walk(out=out, machine=machine, lang="en", names=None))
            saved += asyncio.run(walk(out=out, machine=machine, lang="zh", prefix="zh-",
                                      names={"welcome", "hardware", "combination", "review"}))
            saved += asyncio.run(walk(out=out, machine=str(OTHER_SYSTEM), lang="en", prefix="rocky-",
                                      names={"mirrors", "combination"}, draft=OTHER_SYSTEM_ANSWERS,
                                      also={"combination": "toolkit-source"}))
            if args.python:
                saved += asyncio.run(real_run(out=out, python=args.python))
    finally:
        os.chdir(here)
        set_language(None)
        shutil.rmtree(work, ignore_errors=True)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
