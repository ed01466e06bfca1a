"""Whether pip and uv may install into the interpreter an answers file names (`target.kind: existing`).

Two refusals are known before anything runs, from what detection read in that interpreter:
- it belongs to the operating system (PEP 668's EXTERNALLY-MANAGED file: Debian 12, Ubuntu 23.04 and
  later): pip and uv refuse it, rightly, as a torch there can break the system's own Python tools;
- its site-packages folder is not writable by the user who runs torch-setup (a root-owned /opt/conda or
  a shared venv).
Found at install time, either one failed the step only after uv and pip had downloaded everything (for
a CUDA build, gigabytes), with pip's words rather than a way forward. The plan now stops first: exit 2,
naming the answers' `target.python`. The PEP 668 refusal is lifted by the owner's own consent in pip's
configuration (`break-system-packages`, PIP_BREAK_SYSTEM_PACKAGES=1), which both engines are then given.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from installer.compat.coded import Coded
from installer.errors import InputError
from installer.i18n import _
from installer.paths import owned_by_me, same_path

if TYPE_CHECKING:
    from installer.hardware.report import PythonInfo
    from installer.plan.kinds.base import KindContext

BREAK_SYSTEM_PACKAGES = "--break-system-packages"


def _facts_of(python: str | None, ctx: KindContext) -> PythonInfo | None:
    """What detection read in `python`, the existing interpreter the answers name; None for an environment
    this plan creates, or when the report describes another interpreter (its facts are not this one's)."""
    info = ctx.report.python
    if ctx.answers.target.kind != "existing" or info is None or not python:
        return None
    return info if same_path(info.executable, python) else None


def install_flags(python: str, ctx: KindContext) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(flags for both uv and pip, plan notes) for installing into `python`. InputError (key
    target.python) where they would refuse."""
    info = _facts_of(python, ctx)
    if info is None:
        return (), ()
    venv_hint = _("install into a virtual environment made from it instead (target.kind: venv, the default; "
                  "target.python: {python} keeps the same Python)", python=python)
    if info.externally_managed:
        refused = system_python_refusal(python, info.externally_managed,
                                        allowed=ctx.report.mirror_config.pip.break_system_packages, venv_hint=venv_hint)
        if refused is not None:
            raise refused
        note = _("{python} belongs to the operating system (PEP 668); pip's configuration allows installing "
                 "into it anyway (break-system-packages), so uv and pip are given --break-system-packages",
                 python=python)
        return (BREAK_SYSTEM_PACKAGES,), (note,)
    if info.site_writable is False:
        folder = info.site_packages or info.prefix or python
        if owned_by_me(folder):
            # found in use: a researcher's own venv, made read-only, was told it "needs its owner" and sudo
            raise InputError(
                _("{folder} is yours but read-only: installing into {python} needs it writable",
                  folder=folder, python=python),
                key="target.python",
                hint=_venv_instead("read-only", venv_hint, python=python, prefix=shlex.quote(info.prefix or folder)))
        raise InputError(
            _("{folder} is not writable by you: installing into {python} needs its owner",
              folder=info.site_packages or info.prefix or python, python=python),
            key="target.python",
            hint=_venv_instead("owner", venv_hint, python=python))
    return (), ()


def system_python_refusal(python: str, marker: str | None, *, allowed: bool,
                          venv_hint: str | None = None) -> InputError | None:
    """The refusal of the existing interpreter `python` that belongs to the operating system (`marker`, its
    EXTERNALLY-MANAGED file, as detection read it; None: it has none), unless pip's configuration `allowed` it
    (break-system-packages). `venv_hint`: the way to a new environment made from it in the reader's words
    (the wizard names its fields); by default, the answers file's keys. The wizard's Python field says it too."""
    if not marker or allowed:
        return None
    venv_hint = venv_hint or _("install into a virtual environment made from it instead (target.kind: venv, the "
                               "default; target.python: {python} keeps the same Python)", python=python)
    return InputError(
        _("{python} belongs to the operating system ({marker}, PEP 668): pip and uv refuse to install "
          "into it, so that a torch there cannot break the system's own Python tools",
          python=python, marker=marker),
        key="target.python",
        hint=_venv_instead("system", venv_hint, python=python))


# the code of the hint to install into a new environment made from a refused interpreter, which the wizard says
# as its own fields (installer.tui.screens.review.wizard_words)
VENV_INSTEAD = "venv-instead"


def venv_instead_hint(case: str, venv_hint: str, *, prefix: str = "") -> str:
    """What to do about an existing interpreter pip may not install into (`case`: "system", PEP 668;
    "read-only", the user's own but read-only; "owner", someone else's): `venv_hint`, the way to a new
    environment made from it in the reader's words, or the other way out."""
    if case == "system":
        return _("{venv_hint}; or, on a machine that is only for this (a container), allow it in pip's "
                 "configuration (PIP_BREAK_SYSTEM_PACKAGES=1, or break-system-packages = true in "
                 "pip.conf) and run again", venv_hint=venv_hint)
    if case == "read-only":
        return _("make it writable again: `chmod -R u+w {prefix}`; or {venv_hint}", prefix=prefix, venv_hint=venv_hint)
    return _("{venv_hint}; or, to install for everyone who uses it, run torch-setup as its owner (for "
             "root: `sudo -H torch-setup install ...`)", venv_hint=venv_hint)


def _venv_instead(case: str, venv_hint: str, *, python: str, prefix: str = "") -> Coded:
    return Coded(venv_instead_hint(case, venv_hint, prefix=prefix), VENV_INSTEAD, case=case, python=python,
                 prefix=prefix)


def check_conda_target(ctx: KindContext) -> None:
    """method: conda into an existing interpreter: its prefix must be a conda environment already. Else
    `conda create -y -p PREFIX` would go ahead over whatever is there (a venv, /usr). InputError."""
    python = ctx.values.get("target.python")
    info = _facts_of(python, ctx)
    if info is None or info.conda_env is not False:
        return
    raise InputError(
        _("{python} is not in a conda environment ({prefix} has no conda-meta folder): method: conda installs "
          "only into one", python=python, prefix=info.prefix or "?"),
        key="target.python",
        hint=_("use method: pip for this interpreter, or target.kind: conda for a new conda environment"))
