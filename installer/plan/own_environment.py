"""Whether the answers' target is the virtual environment torch-setup itself runs from.

Found in use: a newcomer gave ~/ts-venv, the venv torch-setup runs from, as the Combination screen's Folder; the
wizard said "is an environment already: torch goes into it", Review and `answers check` said nothing, and the
install would have changed torch-setup's own packages (`verify` and `doctor` then call it "not a place for
torch"). It is refused before anything runs: exit 2 naming target.path (target.python, for an existing
interpreter). Pure: the environment's names are a fact read at the edge (installer.paths.own_venv), as the
day is. Only a virtual environment is torch-setup's own: a system or conda base Python it runs on may be a target.
"""

from __future__ import annotations

import posixpath
import shlex

from installer.errors import InputError
from installer.i18n import _
from installer.paths import same_path

# the folder suggested instead: the documented default's name, in the home folder (installer/answers.py, Target)
SUGGESTED = "~/.venv-torch"
OTHER_SUGGESTED = "~/torch-env"  # where torch-setup itself runs from ~/.venv-torch


def is_own(folder: str | None, own_env: tuple[str, ...]) -> bool:
    """`folder` (an environment's, absolute) is one of the names of torch-setup's own venv."""
    return bool(folder) and any(same_path(folder or "", name) for name in own_env)


def suggested_folder(own_env: tuple[str, ...], home: str) -> str:
    """A folder to name instead, which is not torch-setup's own (`home`: the home folder ~ stands for)."""
    return OTHER_SUGGESTED if is_own(posixpath.join(home, SUGGESTED[2:]), own_env) else SUGGESTED


def own_environment_refusal(kind: str, folder: str | None, python: str | None, own_env: tuple[str, ...], *,
                            home: str) -> InputError | None:
    """The refusal of a target that is torch-setup's own venv: `folder`, the environment's folder (for an
    existing interpreter `python`, the folder above its bin/), absolute; `own_env`, the names of torch-setup's
    own venv (() when it runs on no venv of its own). None when the target is another one."""
    if not is_own(folder, own_env):
        return None
    example = suggested_folder(own_env, home)
    if kind == "existing":
        return InputError(
            _("{python} is torch-setup's own Python: {env} is the environment torch-setup runs from, and installing "
              "torch there would change torch-setup's own packages", python=shlex.quote(python or ""),
              env=shlex.quote(folder or "")),
            key="target.python",
            hint=_("choose another interpreter, or a new virtual environment in another folder (target.kind: venv, "
                   "target.path: {example})", example=example))
    return InputError(
        _("{path} is the environment torch-setup runs from: installing torch there would change torch-setup's own "
          "packages", path=shlex.quote(folder or "")),
        key="target.path", hint=_("choose another folder, e.g. {example}", example=example))
