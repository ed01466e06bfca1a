"""The target folder of a plan for a recorded machine (--hardware), as the person reads it.

The plan itself is made with absolute paths taken from this computer's working folder and home (the planner is
pure, and a recorded report has neither); its script says to plan again on the machine that runs it. What the
person reads of the target (the Folder line on Combination, the `target` row on Review, the script's header)
is the folder as the answers keep it, and where the recorded machine takes it from: not this computer's home,
which the lab machines may not have (found by a tester: Combination said ".venv-torch, in the folder the
install is run from on the recorded machine", Review then `target /home/<user>/.venv-torch`)."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from installer.i18n import _

if TYPE_CHECKING:
    from installer.answers import Answers
    from installer.plan.model import Plan


def recorded_folder_where(path: str) -> str:
    """A folder of the answers as the recorded machine takes it: as typed, and where from."""
    if path.startswith("/") or "$" in path:  # a variable is the recorded machine's to expand
        return path
    if path == "~" or path.startswith("~/"):
        return _("{path}, in the home folder of whoever runs the install on the recorded machine", path=path)
    if path.startswith("~"):  # ~user
        return _("{path}, on the recorded machine", path=path)
    return _("{path}, in the folder the install is run from on the recorded machine", path=path)


def recorded_folder_text(path: str) -> str:
    """The Folder line for a recorded machine: the folder as the answers keep it, typed, and where the install
    there takes it from; not this computer's home or working directory, nor whether this disk has an environment
    there (found in review: "this folder itself: /home/<user>/.venv-torch", this user's, for a recorded H200)."""
    text = _("The new environment is this folder itself: {path}", path=recorded_folder_where(path))
    if not posixpath.basename(path.rstrip("/")).startswith(".") and path not in ("~", "/"):
        text += " " + _("(for a project folder, name a folder inside it, e.g. {example})",
                        example=posixpath.join(path.rstrip("/"), ".venv"))
    return text


def recorded_target(answers: Answers, plan: Plan) -> str | None:
    """The `target` of a recorded plan's summary as the answers give it, where this computer's resolution of
    it could differ from the recorded machine's (a relative folder, `~`, a variable); None where the summary's
    own is the one to read: a plan for this machine, an absolute folder, a wheelhouse build, an interpreter."""
    if not plan.meta.get("recorded") or answers.method == "wheelhouse-build" or answers.target.kind == "existing":
        return None
    path = answers.target.path
    if path.startswith("/") and "$" not in path.replace("$$", ""):  # `$$` is a `$` of a name, the same anywhere
        return None
    return recorded_folder_where(path)


def resolved_here(path: str) -> str:
    """What a recorded plan's steps name its folder as, said beside the folder as typed: `path`, this computer's
    resolution of it, is not the recorded machine's (the script's header, and Review's note above the steps)."""
    return _("the commands below use {path}, where that folder is on this computer, not on the recorded machine: "
             "plan again there (torch-setup plan --answers, with the same answers file) before running it there",
             path=path)
