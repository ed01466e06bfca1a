"""Which programs a plan may run. Anything else is refused before the first step starts.

The list names programs, not paths: an argv[0] is either a bare name, found on the scrubbed PATH
when the step runs, or an absolute path whose file name is on the list (the uv inside torch-setup's
own environment, the python of a venv the plan creates). Files the plan itself downloads (a CUDA
runfile) may also run, by their exact path.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterable, Sequence

from installer.errors import TorchSetupError
from installer.i18n import _
from installer.plan.model import Command, Plan, Step

NAMES = frozenset({
    # Python tooling
    "uv", "pip", "pip3", "python", "python3",
    "conda", "mamba", "micromamba",
    # Debian / Ubuntu packaging and the driver's companions
    "apt-get", "apt-mark", "apt-cache", "dpkg", "dpkg-query", "ubuntu-drivers", "update-initramfs",
    "modprobe", "mokutil", "nvidia-smi", "gpg", "add-apt-repository",
    # runfiles are shell archives; they are run as `sh FILE ...` like NVIDIA's instructions say
    "sh", "bash",
    # small tools recipes use for files and checks
    "install", "mkdir", "ln", "cp", "mv", "rm", "chmod", "test", "true", "false", "sleep", "sha256sum",
    "tar", "ldconfig", "systemctl",
})
PATTERNS = (re.compile(r"^python3\.[0-9]{1,2}$"), re.compile(r"^pip3\.[0-9]{1,2}$"))
# A shell runs only a file the step itself downloaded and checked (`sh cuda_*.run`, `bash Miniforge3-*.sh`):
# with `-c`, or a script from anywhere else, a recipe could run anything, and no value may reach a shell
SHELLS = frozenset({"sh", "bash"})


class NotAllowed(TorchSetupError):
    """A plan names a program outside the allowlist."""


def name_allowed(program: str) -> bool:
    base = os.path.basename(program)
    return base in NAMES or any(p.match(base) for p in PATTERNS)


def isolated_python(argv: Sequence[str]) -> bool:
    """`python -I ...`: an allowlisted interpreter in isolated mode (no PYTHONPATH, no user site, not
    the working directory on sys.path), as the kinds write their read-only checks."""
    base = os.path.basename(argv[0])
    return len(argv) > 1 and argv[1] == "-I" and base.startswith("python") and name_allowed(base)


def _commands(step: Step) -> Iterable[Command]:
    for cmd in step.commands:
        while cmd is not None:
            yield cmd
            cmd = cmd.fallback  # type: ignore[assignment]


def check_step(step: Step) -> None:
    downloaded = {d.dest for d in step.downloads}
    argvs = [c.argv for c in _commands(step)]
    if step.guard and step.guard.unless:
        argvs.append(step.guard.unless)
    for argv in argvs:
        if not argv:
            raise NotAllowed(_("step {step}: an empty command", step=step.id))
        program = argv[0]
        if "/" in program and not os.path.isabs(program):
            raise NotAllowed(_("step {step}: {program} is a relative path; programs are named or absolute",
                               step=step.id, program=program))
        if program in downloaded:
            continue
        if os.path.basename(program) in SHELLS and (len(argv) < 2 or argv[1] not in downloaded):
            raise NotAllowed(_("step {step}: {program} may only run a file the step downloads and checks (a "
                               "runfile), not {what}", step=step.id, program=program,
                               what=shlex.join(argv[1:3]) or _("an interactive shell")),
                             hint=_("nothing was run; give the program itself as the command "
                                    "(argv: [program, arg, ...]), without a shell"))
        if not name_allowed(program):
            raise NotAllowed(_("step {step}: {program} is not on the list of programs torch-setup runs",
                               step=step.id, program=program),
                             hint=_("nothing was run; a recipe may only use the programs in "
                                    "installer/executor/allowlist.py"))


def check_plan(plan: Plan) -> None:
    """Refuse the whole plan, before anything runs, if any step names a program outside the list."""
    for step in plan.steps:
        check_step(step)


def resolve(program: str, path_env: str | None) -> str:
    """The absolute path of `program`: absolute stays, a name is looked up on PATH."""
    if os.path.isabs(program):
        return program
    found = shutil.which(program, path=path_env)
    if found is None:
        raise FileNotFoundError(program)
    return found
