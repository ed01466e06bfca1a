"""`plan_from_files`: what `plan` and `install` share, arranged so that waiting overlaps work.

Detection mostly waits (on its probes, on the target interpreter it runs); the rest of planning starts
by loading the planner, its step kinds and the compatibility data, which is mostly computing. So, once
the answers are valid (bad answers: exit 2 before anything at all has run, detection included),
detection starts in a thread and the planner loads meanwhile; the compatibility data and the recipes
the answers use load in another thread while detection waits. This module itself imports nothing
heavy: the command modules import it first thing in run().
"""

from __future__ import annotations

import os
import re
import threading
from datetime import date
from typing import Any

from installer.paths import absolute

# a `target.python` answer that names a version, not a path: installer.answers has the same rule, and is
# not imported for it, as this module stays light
PY_VERSION = re.compile(r"^3\.[0-9]{1,2}$")


def detection_python(spec: Any, cwd: str) -> str | None:
    """The interpreter detection examines for a `target.python` answer: a path (absolute, from `cwd`),
    or None for a version to look for (or none given)."""
    if not isinstance(spec, str) or not spec or PY_VERSION.match(spec):
        return None
    return absolute(spec, cwd)


class DetectionAhead:
    """`detect_dict(python=...)` running in a daemon thread; `report(python)` collects it."""

    def __init__(self, python: str | None) -> None:
        self.python = python
        self._data: list[dict[str, Any]] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, name="detect-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            from installer.hardware.detection import detect_dict

            self._data.append(detect_dict(python=self.python))
        except BaseException as exc:  # noqa: BLE001 - raised again in the planning thread, if used
            self._error.append(exc)

    def report(self, python: str | None) -> Any:
        """The HardwareReport, when this detection was for `python`; None when it was for another one."""
        if python != self.python:
            return None
        self._thread.join()
        if self._error:
            raise self._error[0]
        from installer.hardware.report import HardwareReport

        return HardwareReport.model_validate(self._data[0])


def plan_from_files(answers_path: str, hardware_path: str | None = None, *,
                    probe_timeout: float = 3.0, installs_here: bool = False,
                    python: str | None = None) -> tuple[Any, Any, Any]:
    """(answers, report, plan) for `plan --answers F [--hardware F]` and `install`. Changes nothing:
    detection only reads, and planning is pure. InputError naming the answers file, line and key.
    `installs_here`: the plan runs on this machine (`install`, even with a recorded report), so whether
    this user may write its folders is checked; a `plan` for a recorded machine leaves that to it.
    `python`: a Python version planned for instead of the answers' target.python (`answers check`, after a
    refusal of that Python, looks for the build's other refusals with one it has wheels for)."""
    from installer.answers import answers_from_located
    from installer.yamlfile import load_yaml

    located = load_yaml(answers_path)
    answers = answers_from_located(located, this_machine=installs_here or hardware_path is None)
    if python is not None:
        answers = answers.model_copy(update={"target": answers.target.model_copy(update={"python": python})})
    python = detection_python(answers.target.python, os.getcwd())
    detection = DetectionAhead(python) if hardware_path is None else None
    from installer.errors import InputError
    from installer.plan import planner  # loads while detection waits

    planner.warm_up(answers)  # while detection waits
    try:
        if detection is not None:
            report = detection.report(python)
        else:
            from installer.hardware import load_or_detect

            report = load_or_detect(hardware_path, python=python)
    except InputError as exc:
        if python is None or exc.key != "--python":
            raise
        # the interpreter came from the answers: say where in them
        raise located.error(("target", "python"), f"{exc.file}: {exc.message}" if exc.file else exc.message,
                            exc.hint) from None
    if python is not None and report.python is None:
        # detection could not read it: a program that is no Python 3 is the answers' mistake (exit 2);
        # a real Python that failed some other way plans on, with detection's warning
        from installer.i18n import _
        from installer.probes.host import check_interpreter

        try:
            check_interpreter(python)
        except InputError as exc:
            raise located.error(("target", "python"), exc.message, _(
                "give the path of a Python 3 interpreter (/usr/bin/python3), or a version such as 3.12")) from None
    try:
        # the venv torch-setup runs from is no target: a fact of this machine, read here (a plan for a recorded
        # machine names that machine's folders)
        from installer.paths import hardware_word, own_venv

        report, plan = plan_for_report(answers, report, recorded=hardware_path is not None,
                                       probe_timeout=probe_timeout, hardware=hardware_word(hardware_path),
                                       own_env=own_venv() if installs_here or hardware_path is None else ())
    except InputError as exc:
        raise planner.remap_to_answers(exc, located) from None
    return answers, report, plan


def plan_for_report(answers: Any, report: Any, *, recorded: bool, probe_timeout: float = 3.0,
                    today: date | None = None, own_env: tuple[str, ...] = (),
                    hardware: str | None = None) -> tuple[Any, Any]:
    """(report, plan) for a report detected here or a `recorded` one (another machine's, or a saved one):
    what `plan`, `install` and the wizard all build, so that the same answers and report give the same plan
    whichever front-end asks (found in review: the wizard planned a recorded H100 with this machine's
    find-links, where `plan --hardware` named the PyTorch index the H100 needs). `own_env`: the names of the
    venv torch-setup runs from (installer.paths.own_venv), refused as a target; the caller reads it.
    `hardware`: the recorded report's file as the messages' commands name it (installer.paths.hardware_word),
    None where none is known (the wizard's messages say REPORT)."""
    from installer.plan import planner

    # a wheelhouse is built here for the machine of the report: its wheels are for that machine, the
    # downloads run here, through this machine's package sources (found in use: the air-gapped machine's
    # LAN-only index, read from its report, was asked for torch on the online one)
    downloads_here = not recorded or answers.method == "wheelhouse-build"
    if recorded and downloads_here:
        from installer.hardware.mirror_files import this_machine
        from installer.hardware.report import MirrorConfig

        report = report.model_copy(update={"mirror_config": MirrorConfig.model_validate(this_machine())})
    # the edge where front-ends meet planning, which is pure: the day a driver branch's support end is judged
    # on is read here, from the clock, unless the caller names one
    plan = planner.plan_for(answers, report, probe_timeout=probe_timeout, this_machine=downloads_here,
                            recorded=recorded, today=today or date.today(), own_env=own_env, hardware=hardware)
    if downloads_here:  # another machine's files are not on this disk: install there checks them
        from installer.plan.kinds.base import check_inputs

        check_inputs(plan)
    if not recorded:
        from installer.plan.target_holds import target_notes

        held = target_notes(plan)  # the torch it replaces, a torchvision it leaves that does not fit
        if held:
            from dataclasses import replace

            plan = replace(plan, notes=(*plan.notes, *held))
    return report, plan
