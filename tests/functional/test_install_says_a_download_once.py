"""The Install screen says a failed download's reasons once. Found in use: each URL's reason and what to
do were logged as the step's output, then again as the line that ends the step; the plain front-end had
already been put right (tests/unit/executor/test_download_said_once.py), the wizard had not.

A real run of the executor: the wizard's first step, made into a download from `.invalid` hosts (RFC 6761:
they never resolve), drawn by the Install screen as it draws any run.
"""

from __future__ import annotations

import dataclasses
import hashlib

from tui_support import press_until, settle, widget_text

from installer.executor import run_plan
from installer.plan.model import Download, Plan

NAME = "cuda-keyring_1.1-1_all.deb"
URLS = (f"https://developer.download.nvidia.invalid/compute/{NAME}", f"https://mirror.nvidia.invalid/{NAME}")


def _log_text(app) -> str:
    """The log as one run of text: RichLog wraps its lines (inside a word, too), and keeps the blank at a
    break at the end of the line before it."""
    return "".join(line.text for line in app.screen.query_one("#log").lines)


async def test_a_failed_download_is_said_once_in_the_log_and_once_in_the_outcome(make_wizard, in_tmp):
    state = in_tmp / "run-state"

    def download_first(plan, *, dry_run, cancel, simulate=True):
        download = Download(urls=URLS, dest=str(in_tmp / "dl" / NAME),
                            sha256=hashlib.sha256(b"the keyring").hexdigest())
        step = dataclasses.replace(plan.steps[0], commands=(), files=(), guard=None, downloads=(download,))
        return run_plan(Plan(steps=(step,)), dry_run=dry_run, cancel=cancel, state_dir=state)

    app = make_wizard("cpu-only", as_this_machine=True)
    app.engine.run_plan = download_first
    # wide enough that the outcome box keeps each reason on a line of its own
    async with app.run_test(size=(260, 60)) as pilot:
        await press_until(pilot, "n", "install")
        for _i in range(50):
            if app.state.run_result is not None:
                break
            await settle(pilot, rounds=1)
        await settle(pilot)
        assert app.state.run_result is not None and not app.state.run_result.ok
        log = _log_text(app)
        last = app.screen.query_one("#log").lines[-1].text.strip()
        outcome = widget_text(app.screen.query_one("#outcome"))

    print(log, outcome, sep="\n----\n")  # what a person sees (pytest -s)
    for url in URLS:
        assert log.count(url) == 1, log
        assert outcome.count(url) == 1, outcome
    assert log.count("the host name mirror.nvidia.invalid does not resolve here") == 1, log
    assert log.count("check the network and the DNS server") == 1, log
    # the step still ends with a line of its own: the first line of its detail, said after the reasons
    assert log.count(f"could not download {NAME}") == 2, log
    assert last == f"could not download {NAME}", log
    assert "The step “" in outcome and "failed." in outcome
