"""The nouveau initramfs rebuild is done once (found by a tester: the script says "reboot now, then run this script
again to finish", and its second run rebuilt the initramfs again, minutes of work). The step is skipped once the
running kernel's initramfs is newer than the nouveau blacklist, in the printed script and in install's journal
alike (one guard, run by both)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.executor.allowlist import check_step
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
ANSWERS = "version: 1\ntarget: {kind: venv, path: .venv-torch}\ntorch: {version: 2.13.0, variant: cpu, extras: []}\n" \
          "method: pip\ndriver: {install: true}\n"


def _plan(report):
    answers = parse_answers(ANSWERS)
    pins = resolve_pins(report, torch="2.13.0", variant="cpu", python="3.11", extras=())
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True), cwd="/work/proj",
                     recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def test_the_rebuild_is_skipped_once_the_initramfs_is_newer_than_the_blacklist(tmp_path):
    plan = _plan(load_report(REPO / "tests" / "fixtures" / "machines" / "nodriver-rtx3060.json"))
    steps = {s.id: s for s in plan.steps}
    blacklist = steps["nouveau-blacklist"].files[0].path
    step = steps["nouveau-initramfs"]
    assert step.guard is not None and step.guard.unless == (
        "test", "/boot/initrd.img-6.8.0-45-generic", "-nt", blacklist)
    check_step(step)  # `test` is on the executor's list
    assert ("if test /boot/initrd.img-6.8.0-45-generic -nt /etc/modprobe.d/blacklist-nouveau.conf; then\n"
            "  echo '== nouveau-initramfs: already done'") in render_script(plan)
    # what the guard holds on, with files of the same names elsewhere: rebuilt before the blacklist, missing,
    # rebuilt after it
    initrd, conf = tmp_path / "initrd.img", tmp_path / "blacklist-nouveau.conf"
    argv = [str(initrd) if a == step.guard.unless[1] else str(conf) if a == blacklist else a
            for a in step.guard.unless]
    initrd.write_text("old")
    conf.write_text("blacklist nouveau\n")
    old = conf.stat().st_mtime_ns - 10**9
    os.utime(initrd, ns=(old, old))
    assert subprocess.run(argv).returncode != 0
    assert subprocess.run([argv[0], str(tmp_path / "none"), *argv[2:]]).returncode != 0
    initrd.write_text("new")
    newer = conf.stat().st_mtime_ns + 10**9
    os.utime(initrd, ns=(newer, newer))
    assert subprocess.run(argv).returncode == 0


def test_a_report_without_its_kernel_still_rebuilds():
    report = load_report(REPO / "tests" / "fixtures" / "machines" / "nodriver-rtx3060.json")
    report = report.model_copy(update={"os": report.os.model_copy(update={"kernel": None})})
    steps = {s.id: s for s in _plan(report).steps}
    assert "nouveau-initramfs" not in steps
    unguarded = steps["nouveau-initramfs-any-kernel"]
    assert unguarded.guard is None and unguarded.commands[0].argv == ("update-initramfs", "-u")
