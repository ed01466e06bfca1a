"""What `install` refuses before anything runs, on a plan that `plan` still shows: a build the GPU cannot
use as the machine is (installer.plan.gpu_refusal), and, unattended on this machine, a mirror chosen by
hand that did not answer (installer.plan.indexes.unanswered_refusal). One place, so that `answers check`
passes only a file `install` takes (found in use: a lab's file passed the check, then every machine
with the older driver refused it). Pure: reads the answers and the plan."""

from __future__ import annotations

from typing import Any

from installer.errors import InputError


def install_refusal(answers: Any, plan: Any, answers_path: str, *, unattended_here: bool,
                    probe_timeout: float) -> InputError | None:
    """The first reason `install` would not start on this plan, pointed at the answers file's line; None
    when it would. `unattended_here`: `install --yes` on this machine (no --hardware), where a mirror that
    does not answer from here is refused."""
    from installer.plan.gpu_refusal import refusal as gpu_refusal
    from installer.plan.indexes import unanswered_refusal
    from installer.plan.planner import remap_to_answers
    from installer.yamlfile import load_yaml

    refusal = gpu_refusal(answers, plan)
    if refusal is None and unattended_here:
        refusal = unanswered_refusal(plan.notes, probe_timeout=probe_timeout)
    return remap_to_answers(refusal, load_yaml(answers_path)) if refusal is not None else None
