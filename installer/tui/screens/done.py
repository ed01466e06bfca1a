"""Done: how to use the new environment, where the log and the answers file are, how to replay."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from installer.i18n import _
from installer.i18n.phrases import listed
from installer.tui.screens.base import WizardScreen
from installer.tui.widgets import CommandLine


@dataclass(frozen=True)
class Said:
    """One thing the Done screen says: a line of text (its style, its id), or with `parts` a group of sentences,
    each followed by its commands. The screen draws these, and the terminal is given them again as plain text
    when the wizard quits (`summary`)."""

    text: str = ""
    classes: str = ""
    id: str | None = None
    parts: list[tuple[str, list[str]]] = field(default_factory=list)


def summary(said: list[Said]) -> str:
    """What the Done screen said, for the terminal once the wizard has quit: each command on a line of its own,
    indented and never wrapped, so that the terminal's own copy takes it whole (found in a trial: a long command
    copied from the screen came with a newline at each place the screen had wrapped it, and pasted into a shell
    it ran in pieces). The screen is gone then, and with it the commands to use the new environment."""
    lines: list[str] = []
    for item in said:
        if not item.parts:
            lines.append(item.text)
        for text, commands in item.parts:
            lines.append(text)
            lines += [f"  {command}" for command in commands]
    return "\n".join(lines)


def instructions(said: Said) -> Vertical:
    """Sentences, each followed by its commands, indented: a command too long for the line goes on
    indented too (at 80 columns the answers file's path had started at the left edge, under the text). Tab
    reaches each command, and c copies it."""
    widgets: list[Static] = []
    for text, commands in said.parts:
        widgets.append(Static(escape(text)))
        widgets += [CommandLine(command, classes="command") for command in commands]
    return Vertical(*widgets, id=said.id, classes=f"instructions {said.classes}".strip())


def numpy_command(verify: dict[str, Any] | None, *, activated: bool) -> str | None:
    """The command that installs what verify's NumPy warning asks for, None without one: `python -m pip
    install …` once the environment is activated and has its own pip, else the warning's own command. From a
    wheelhouse (an offline install), only where it holds the wheel: else the warning says how to fetch it."""
    check = _numpy_warning(verify)
    if check is None or check.get("wheelhouse_lacks"):
        return None
    if activated and ((verify or {}).get("python") or {}).get("pip"):
        if check.get("wheelhouse"):
            from installer.probes.offline_fixes import activated_line

            return activated_line(str(check["wheelhouse"]), [str(a) for a in check["pip"]])
        return shlex.join(["python", "-m", "pip", "install", *map(str, check["pip"])])
    cmd = ((check.get("fix_msg") or {}).get("args") or {}).get("cmd")
    return str(cmd) if cmd else None


def numpy_fetch(verify: dict[str, Any] | None) -> tuple[str, str, str] | None:
    """(wheelhouse, download, install) where verify's NumPy warning says the wheelhouse of an offline install
    holds none (installer.probes.offline_fixes): the two commands, each on a line of its own here, as Verify's
    one long sentence is gone once the screen is left."""
    check = _numpy_warning(verify)
    args = ((check or {}).get("fix_msg") or {}).get("args") or {}
    if check is None or not check.get("wheelhouse_lacks") or not args.get("download") or not args.get("cmd"):
        return None
    return str(check["wheelhouse"]), str(args["download"]), str(args["cmd"])


def check_fixes(verify: dict[str, Any] | None) -> list[Said]:
    """verify's warnings and failures whose fix names commands (NumPy's aside: its command is said with the ones
    to use the environment), each with its fix split at those commands: the sentence, then its command, so that
    each is reached with Tab, copied with c, and printed whole once the wizard quits. Found in a trial: Verify
    warned of a torchvision made for another torch, with the two commands that mend it, and Done, the screen
    left when the wizard quits, said only "PyTorch is installed"."""
    from installer.probes.text import message

    said: list[Said] = []
    for check in (verify or {}).get("checks") or []:
        if check.get("ok") is not False or check.get("name") == "numpy":
            continue
        mark = "✗" if check.get("level") in (None, "error") else "!"
        name = re.sub(r"[^A-Za-z0-9_-]", "-", str(check.get("name") or "check"))
        parts = fix_parts(message(check, "fix") or "", lead=f"{mark} {message(check, 'detail') or name}")
        if any(commands for _text, commands in parts):  # else nothing to run: Verify's sentence says it
            # red for a failure, yellow for a warning, as everywhere else in the wizard: the mark alone was easy to miss
            said.append(Said(id=f"fix-{name}", classes="error" if mark == "✗" else "warning", parts=parts))
    return said


def fix_parts(fix: str, *, lead: str) -> list[tuple[str, list[str]]]:
    """A fix ("install it: `CMD`; or remove it: `CMD2`") as Said's parts after `lead` (what is wrong): each
    sentence with the commands in backquotes after it (the convention of every fix verify, doctor and the host's
    advice write); a command the fix starts with goes under `lead`."""
    pieces = re.split(r"`([^`]+)`", fix)
    parts: list[tuple[str, list[str]]] = [(lead, [])]
    for i, piece in enumerate(pieces):
        if i % 2:  # a command
            parts[-1][1].append(piece)
            continue
        # what is left between two commands: "; or, if you do not use it, remove it:", "), carry the folder over"
        text = piece.strip().lstrip(";；,，.。)）").strip()
        if text:
            parts.append((text, []))
    return parts


def _numpy_warning(verify: dict[str, Any] | None) -> dict[str, Any] | None:
    """verify's NumPy warning with a `pip install` fix (installer.probes.verify), None without one."""
    return next((c for c in (verify or {}).get("checks") or [] if c.get("name") == "numpy" and not c.get("ok")
                 and isinstance(c.get("pip"), list)), None)


class DoneScreen(WizardScreen):
    NAME = "done"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        # the app's Ctrl+Q's action: the footer shows one key per action (found in a trial: "q Quit ^q Quit")
        Binding("q", "quit", "Quit"),
    ]

    def next_label(self) -> str:
        return _("Quit")

    def can_go_back(self) -> bool:
        # after a run, going back would offer to run it again from a stale screen
        return self.state.run_result is None

    def back_stays_closed(self) -> bool:
        return self.state.run_result is not None

    def says(self) -> list[Said]:
        """What this screen says, in order (the screen's lines, and the terminal's once the wizard quits)."""
        s = self.state
        said: list[Said] = []
        result = s.run_result
        answers = str(s.answers_written) if s.answers_written else None
        if s.dry_run:
            # the answers file is the one thing a dry run writes (Review saves it, to replay the run), unless
            # a file that already held these answers was reused (installer.tui.answers_file)
            if s.files_saved:  # found in use: "but the answers file" right above "Also saved: the script"
                title = _("Dry run finished: nothing was installed, and nothing on this machine was changed but "
                          "the files named below.")
            elif answers and s.answers_owned is not None:
                title = _("Dry run finished: nothing was installed, and nothing on this machine was changed but the "
                          "answers file named below.")
            else:
                title = _("Dry run finished: nothing on this machine was changed.")
            said.append(Said(title, "title"))
            if s.files_saved:
                said.append(Said(_("Also saved, as you asked: {files}", files=listed(str(f) for f in s.files_saved)),
                                 "note"))
            if result is not None and result.failed_step and not result.interrupted:
                step = next((st.title for st in (s.plan.steps if s.plan else ()) if st.id == result.failed_step),
                            result.failed_step)
                said.append(Said(_("The dry run found a step that would fail: {step}.", step=step), "warning"))
            elif result is not None and not result.ok and not result.interrupted:
                # found in use: a missing wheelhouse stopped the dry run before its first step, and this
                # screen went on to offer the real install as if all were well
                said.append(Said(_("The dry run found that the install would stop before its steps: {why}",
                                   why=s.run_error or _("see the log")), "warning"))
        elif result is None:
            said.append(Said(_("Nothing was installed."), "title"))
        elif result.interrupted:
            said.append(Said(_("The install was cancelled."), "title"))
        elif result.reboot_required:
            said.append(Said(_("Reboot, then run the same install again to finish."), "title"))
        elif not result.ok:
            said.append(Said(_("The install stopped at a failed step."), "title"))
        elif s.verify_result is not None and not s.verify_result.get("ok", False):
            # the first line is the one read: not "installed" alone above a failed check (found in a trial)
            said.append(Said(_("PyTorch is installed, but some of its checks failed: see below."), "title"))
        else:
            said.append(Said(_("PyTorch is installed."), "title"))

        plan = s.plan
        kind = s.section("target").get("kind", "venv")
        if plan is not None and plan.target_python and result is not None and result.ok and not s.dry_run:
            py = plan.target_python
            if kind == "venv":
                use = f"source {shlex.quote(str(Path(py).parent / 'activate'))}"
            elif kind == "conda":
                use = f"conda activate {shlex.quote(str(Path(py).parent.parent))}"
            else:
                use = ""
            commands = [use] if use else []
            numpy = numpy_command(s.verify_result, activated=bool(use))
            # before the line that imports torch, which warns without NumPy (found in a trial: the first
            # command this screen gave printed "Failed to initialize NumPy")
            commands += [numpy] if numpy else []
            commands.append(shlex.join([py if not use else "python", "-c",
                                        "import torch; print(torch.__version__, torch.cuda.is_available())"]))
            caption = (_("To use it (and NumPy, which torch's wheel leaves out; `import torch` warns without it):")
                       if numpy else _("To use it:"))
            said.append(Said(id="activate", parts=[(caption, commands)]))
            fetch = numpy_fetch(s.verify_result)
            if fetch is not None:
                wheelhouse, download, install = fetch
                said.append(Said(id="numpy-fetch", parts=[
                    (_("`import torch` warns without NumPy, and the wheelhouse {wheelhouse} holds none. Where there "
                       "is network, download it into that folder, and carry the folder over:", wheelhouse=wheelhouse),
                     [download]),
                    (_("Then install it here:"), [install])]))

        if result is not None and not s.dry_run:
            said += check_fixes(s.verify_result)

        if answers:
            from installer.paths import from_home
            from installer.tui.answers_file import answers_command

            # here, from its folder; on another machine, the file's relative folders are that machine's
            here = answers_command(answers, s.answers_cwd)
            replay = answers_command(answers) if result is not None and result.ok and not s.dry_run else here
            plan_here = answers_command(answers, s.answers_cwd, "plan")
            # "unattended" needs --yes: without it install asks to confirm, and with no terminal it stops (exit 2)
            refused = s.install_refused if (s.dry_run or result is None) else None
            if refused:
                # `install` would refuse these answers as the machine is (found in use: Done offered a recorded
                # machine's `install --yes`, which that machine then refused)
                why = _("`torch-setup install` refuses these answers: {why}", why=refused)
                if s.install_refused_fix:
                    why = f"{why}\n→ {s.install_refused_fix}"
                said.append(Said(why, "warning", "install-refused"))
            if s.recorded:
                # the plan is the recorded machine's: run here, these commands would plan and install for this
                # one (found in use: a 4090's dry run ended with an install --yes for the GPU-less machine here)
                how = (_("On the recorded machine, once that is put right, to install unattended:") if refused
                       else _("On the recorded machine, to install unattended:"))
                # its answers file said from the home folder: this user's home is not that machine's
                replay = f"{answers_command(from_home(answers))} --yes"
                plan_here = f"{plan_here} --hardware {shlex.quote(str(s.hardware_path))}"
            elif refused:
                how, replay = _("Once that is put right, to install for real, unattended:"), f"{replay} --yes"
            elif s.dry_run and result is not None and not result.ok and not result.interrupted:
                how, replay = _("Once that is fixed, to install for real, unattended:"), f"{replay} --yes"
            elif s.dry_run or result is None:
                how, replay = _("To install for real, unattended:"), f"{replay} --yes"
            elif result.ok:
                how = _("To do the same on another machine:")
            else:
                # not "To resume:" alone: run as it is, the same step fails the same way (found in use)
                how = _("Once the cause is fixed, to resume from the step that failed:")
            said.append(Said(classes="note", id="answers", parts=[
                (_("Answers file: {path}", path=answers), []),
                (how, [replay]),
                (_("To print the plan as a script:"), [plan_here]),
            ]))
        if result is not None and result.log_path:
            said.append(Said(_("Log: {path}", path=result.log_path), "note", "log-path"))
        if s.verify_result is not None and not s.verify_result.get("ok", False):
            said.append(Said(_("Some checks failed: `torch-setup doctor` explains what is wrong and how to fix it."),
                             "error"))  # as Verify says it
        return said

    def body(self) -> ComposeResult:
        said = self.says()
        for item in said:
            if item.parts:
                yield instructions(item)
            else:
                yield Static(escape(item.text), classes=item.classes, id=item.id)
        if any(commands for item in said for _text, commands in item.parts):
            # the footer's c shows only once a command has the focus
            yield Static(_("Tab goes to each command, and c copies it. q quits, and leaves the commands printed "
                           "in the terminal."), classes="muted")
        else:
            yield Static(_("Press q to quit."), classes="muted")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return False  # q quits here; the Quit button does the same
        return super().check_action(action, parameters)

    def action_next(self) -> None:
        self.action_quit()

    def action_quit(self) -> None:
        self.wizard.leave()


SCREEN = DoneScreen
