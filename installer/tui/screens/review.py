"""Review: the exact plan, step by step, root steps marked, with every command; save it as a script,
save the answers file. Leaving it for Install writes the answers file, so any run can be replayed."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Static

from installer.i18n import _
from installer.plan.model import Caution
from installer.plan.recorded_folder import recorded_target, resolved_here
from installer.plan.script import shown_command
from installer.redaction import redact_text
from installer.tui.screens.base import (
    SCREEN_TITLES,
    WizardScreen,
    aligned_table,
    busy,
    error_text,
    hanging,
    said_path,
    write_text,
)
from installer.tui.screens.combination import driver_tick_label, find_action, windows_driver_needed
from installer.tui.screens.typing_guard import TypingGuard

if TYPE_CHECKING:
    from installer.answers import Answers
    from installer.errors import InputError
    from installer.plan.model import Command, Plan, Step


def shown_argv(cmd: Command) -> str:
    """A command as a person reads it. torch-setup's own tools (uv, its Python) are named, not given
    by the path of torch-setup's environment; the saved script keeps the full paths. Credentials in
    URLs are shown as *** (installer.plan.script.shown_command)."""
    own_bin = Path(sys.executable).parent
    argv = cmd.argv
    if argv and Path(argv[0]).is_absolute() and Path(argv[0]).parent == own_bin:
        argv = (Path(argv[0]).name, *argv[1:])
    return shown_command(replace(cmd, argv=argv))


def kind_tag(kind: str) -> str:
    """A step's kind after its title: " (command)"; Chinese "（命令）". Tools keep their names (apt, pip)."""
    words = {"file": _("file"), "command": _("command")}
    return _(" ({kind})", kind=words.get(kind, kind))


def step_widgets(n: int, step: Step) -> list[Static]:
    """A step as a few lines: title with its tags, why, what it downloads and writes, its commands."""
    tags = []
    if step.root:
        tags.append("[b reverse] " + escape(_("root")) + " [/]")
    if step.reboot:
        tags.append("[b reverse] " + escape(_("reboot")) + " [/]")
    head = f"[b]{escape(step.title)}[/b][dim]{escape(kind_tag(step.kind))}[/dim] " + " ".join(tags)
    # a title too long for the line goes on under itself, not under its number
    out = [Static(hanging([(Text(f"{n}.", style="bold"), Text.from_markup(head.rstrip()))]), classes="step-title")]
    if step.why:
        out.append(Static(escape(step.why), classes="step-why"))
    if step.guard and step.guard.creates:
        out.append(Static(escape(_("skipped when {path} exists", path=step.guard.creates)), classes="cmd"))
    elif step.guard and step.guard.unless:
        out.append(Static(escape(_("skipped when a check finds it done already")), classes="cmd"))
    # what a step fetches, writes and runs: each behind its mark, a long one going on under itself
    for d in step.downloads:
        out.append(Static(hanging([("↓", (redact_text(d.urls[0]) if d.urls else d.dest) + " → " + d.dest)]),
                          classes="cmd"))
    for f in step.files:
        out.append(Static(hanging([("✎", _("write {path}", path=f.path))]), classes="cmd"))
    for c in step.commands:
        prefix = "sudo " if step.root else ""
        out.append(Static(hanging([("$", prefix + shown_argv(c))]), classes="cmd"))
    for d in step.downloads:
        if d.discard:  # a runfile's gigabytes: the person sees where the space goes, and that it comes back
            out.append(Static(hanging([("−", _("remove {path} once this step has succeeded: nothing needs it "
                                                "then", path=d.dest))]), classes="cmd"))
    return out


def _names_an_answer(key: str | None) -> bool:
    from installer.answers import Answers

    return bool(key) and str(key).split(".")[0] in Answers.model_fields


# Where the wizard sets each answer: (key, or the section it is in; screen; the label there). An error
# names the answers key (the file the wizard saves has it too); a person at Review needs the field.
ANSWER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("target.python", "combination", "Python"),
    ("target.path", "combination", "Folder"),
    ("target", "combination", "Target environment"),
    ("torch.version", "combination", "Version"),
    ("torch", "combination", "Choose a PyTorch build"),
    ("method", "combination", "Install method"),
    ("wheelhouse", "combination", "Wheelhouse"),
    ("driver", "combination", "Also install"),
    ("cuda_toolkit", "combination", "Also install"),
    ("verify", "combination", "After installing"),
    ("bench", "combination", "After installing"),
    ("mirror.region", "mirrors", "Region"),
    ("mirror.pypi", "mirrors", "PyPI"),
    ("mirror.pytorch", "mirrors", "PyTorch wheels"),
    ("mirror.conda", "mirrors", "conda"),
    ("mirror.apt", "mirrors", "apt"),
    ("mirror.scope", "mirrors", "Write config"),
    ("mirror", "mirrors", "Where packages come from"),
)


def error_rows(exc: BaseException) -> list[tuple[str, str]]:
    """The error as lines that wrap under their text, not under their mark (found in use, at 100 columns:
    a long hint's second line started at the left edge): each mistake, then what to do about it."""
    from installer.errors import InputError, TorchSetupError

    if not isinstance(exc, TorchSetupError):
        return [("✗", error_text(exc))]
    rows: list[tuple[str, str]] = []
    for one in (exc, *(exc.also if isinstance(exc, InputError) else ())):
        # the answers the screens filled in have no file or line a person could open
        wizard = isinstance(one, InputError) and one.file == "<wizard>"
        rows.append(("✗", one.headline() if isinstance(one, InputError) and not wizard else one.message))
        if one.hint:
            rows.append(("→", wizard_words(one.hint)))
    return rows


def go_back_text(key: str | None) -> str:
    """What to do about an error naming answers key `key`: which screen, which field."""
    for prefix, screen, label in ANSWER_FIELDS:
        if key == prefix or str(key).startswith(prefix + "."):
            return _("Go back (b) and change the answer named above ({screen} screen, {field}).",
                     screen=_(SCREEN_TITLES[screen]), field=_(label))
    return _("Go back (b) and change the answer named above.")


class ReviewScreen(TypingGuard, WizardScreen):
    NAME = "review"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("s", "save_script", "Save script"),
    ]

    def body(self) -> ComposeResult:
        yield busy(_("Making the plan…"))
        yield Vertical(id="plan")

    def next_label(self) -> str:
        return _("Dry run") if self.state.dry_run else _("Install")

    def on_mount(self) -> None:
        super().on_mount()
        self.answers: Answers | None = None
        self.refusal: InputError | None = None  # why Install cannot run this plan here (Review says it)
        self.no_plan = False  # the plan cannot be made: Install and saving are hidden, not greyed (which reads as "wait")
        if self.state.plan is not None:
            self.show(self.state.plan)
        self.make()

    @work(thread=True, exclusive=True, group="plan")
    def make(self) -> None:
        try:
            answers = self.engine.answers_from_data(self.state.draft, recorded=self.state.recorded)
            if self.state.plan is not None:
                self.app.call_from_thread(self.planned, answers, self.state.plan, self.state.script or "")
                return
            report = self.wizard.report_for(answers.target.python)
            plan = self.engine.make_plan(answers, report, here=self.state.report_detected,
                                         hardware_path=self.state.hardware_path)
            script = self.engine.render_script(plan, recorded_target(answers, plan))
        except Exception as exc:  # the screen shows it, with the key to fix when it is an input error
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.planned, answers, plan, script)

    def planned(self, answers: Answers, plan: Plan, script: str) -> None:
        self.answers = answers
        self.no_plan = False
        # a dry run runs nothing, as `plan` does, and the script may be for a later day's driver: only Install
        # is refused, as `install` refuses it
        would = self.engine.gpu_refusal(answers, plan)
        self.state.install_refused = would.message if would is not None else None
        self.state.install_refused_fix = refusal_fix(plan, would)
        refusal = None if self.state.dry_run else would
        said = recorded_target(answers, plan)
        if self.state.plan is not plan or refusal is not getattr(self, "refusal", None) or (
                said != self.state.plan_target):
            self.refusal = refusal
            self.state.plan = plan
            self.state.script = script
            self.state.plan_target = said
            self.show(plan)
        self.refresh_nav(self.nav_hint())

    def nav_hint(self) -> str:
        plan = self.state.plan
        if plan is None:
            return ""
        if getattr(self, "refusal", None) is not None:
            return _("cannot install: see above")
        if self.state.dry_run:
            return _("dry run: nothing will be executed")
        if plan.needs_root:
            return _("root steps ask sudo")
        return ""

    def show_error(self, exc: BaseException) -> None:
        self.query_one("#busy").display = False
        box = self.query_one("#plan", Vertical)
        box.remove_children()
        from installer.errors import InputError

        parts: list[Any] = [Text(_("The plan cannot be made:"), style="bold"), hanging(error_rows(exc))]
        if isinstance(exc, InputError) and exc.file in (None, "<wizard>") and _names_an_answer(exc.key):
            # an answer the screens filled in (or one the plan found unworkable on this machine, such as
            # target.python): the key names the screen field to change
            parts += [Text(""), Text(go_back_text(exc.key))]
        box.mount(Static(Group(*parts), classes="error"))
        # found in use: "n Install", "a Save answers", "s Save script" and "Install ▶" stayed on the screen, greyed
        # as while the plan is being made, and did nothing: with no plan, there is nothing they could do
        self.no_plan = True
        self.refresh_nav(_("no plan"))

    def show(self, plan: Plan) -> None:
        self.query_one("#busy").display = False
        box = self.query_one("#plan", Vertical)
        box.remove_children()
        widgets: list[Static] = []
        refusal = getattr(self, "refusal", None)
        if refusal is not None:
            if plan.meta.get("blocked_by_driver"):
                todo = _("Go back (b) and tick the NVIDIA driver under Also install (Combination screen), or "
                         "choose a build the installed driver runs. The plan below can still be saved as a "
                         "script (s), for after the driver is installed.")
            else:
                todo = _("Go back (b) and choose another build (Combination screen).")
            parts: list[Any] = [Text(_("Install is refused:"), style="bold"), hanging([("✗", refusal.message)]),
                                Text(""), Text(todo)]
            widgets.append(Static(Group(*parts), classes="error", id="refusal"))
        if plan.summary:
            widgets.append(Static(aligned_table([(summary_label(key), self.summary_value(key, value))
                                                 for key, value in plan.summary]), id="summary"))
        choice = self.chosen_build()
        windows = windows_driver_needed(choice)
        branch = (find_action(choice, "install-driver") or {}).get("branch") if windows else None
        for note in plan.notes:
            if branch and f"R{branch}" in note:
                # the build's own "after updating the Windows driver to branch R580" reason: the warning
                # below says it with what to do (found in use under WSL: the need said three ways)
                continue
            # a failure or a warning foretold (a source that cannot supply the build, on which an unattended install
            # refuses to start; a companion left that will not fit): here the person decides, but it is no remark
            warned = isinstance(note, Caution)
            widgets.append(Static(escape(wizard_words(note)), classes="warning" if warned else "note"))  # redacted where made
        if windows:
            widgets.append(Static(escape(windows), classes="warning", id="windows-driver"))
        if plan.needs_root:
            widgets.append(Static(_("Steps marked root run with sudo: you will be asked for your password."),
                                  classes="warning"))
        if plan.needs_reboot:
            # the command itself, as the Install screen gives it (found by a newcomer: "the same command" of a
            # wizard user, who typed none but `torch-setup`)
            widgets.append(Static(escape(_(
                "This plan needs a reboot. The install pauses there, and the Install screen then shows the "
                "command to run after the reboot (`torch-setup install --answers` with the answers file saved "
                "when you press Install); it goes on from the step after the last one that finished.")),
                classes="warning", id="reboot-note"))
        resolved = dict(plan.summary).get("target")
        if self.state.plan_target and resolved:
            # the steps below name this computer's resolution of the folder, as the script's header says (found in
            # review: the target row said the recorded machine's folder, and the steps another)
            widgets.append(Static(escape(resolved_here(resolved)), classes="note", id="resolved-here"))
        widgets.append(Static(_("The plan: 1 step") if len(plan.steps) == 1
                              else _("The plan: {n} steps", n=len(plan.steps)), classes="section"))
        for i, step in enumerate(plan.steps, 1):
            widgets.extend(step_widgets(i, step))
        box.mount_all(widgets)

    def summary_value(self, key: str, value: str) -> str:
        """A row of the plan's summary as Review shows it. The Python a new virtual environment is made from,
        where that is torch-setup's own: the base interpreter uv and venv build it from, with its version
        (found in use: the row named torch-setup's own .venv/bin/python, which the new environment is not
        made of)."""
        if key == "target" and self.state.plan_target:
            # a recorded machine's folder as the answers keep it, as Combination says it, not this computer's
            # (found by a tester: Combination's ".venv-torch, in the folder the install is run from on the
            # recorded machine", then Review's `target /home/<user>/.venv-torch`)
            return self.state.plan_target
        if key != "python" or not self.state.report_detected or self.state.section("target").get("kind") != "venv":
            return value
        base = self.engine.own_base_python(value)
        if base is None:
            return value
        return _("{python}, Python {version} (the Python torch-setup runs on)", python=base[0], version=base[1])

    def chosen_build(self) -> dict[str, Any] | None:
        """The Combination screen's offer of the build the answers name (with what it needs first)."""
        torch = self.state.section("torch")
        for choice in (self.state.recommendation or {}).get("choices", []):
            if choice.get("torch") == torch.get("version") and choice.get("variant") == torch.get("variant"):
                return dict(choice)
        return None

    def can_go_next(self) -> bool:
        return self.can_save() and getattr(self, "refusal", None) is None

    def can_save(self) -> bool:
        return self.state.plan is not None and getattr(self, "answers", None) is not None

    # saving ---------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "save_script", "save_answers") and getattr(self, "no_plan", False):
            return False
        if action in ("save_script", "save_answers"):
            return True if self.can_save() else None
        return super().check_action(action, parameters)

    def refresh_nav(self, hint: str | None = None) -> None:
        super().refresh_nav(hint)
        from textual.css.query import NoMatches

        try:
            self.query_one("#nav-next", Button).display = not getattr(self, "no_plan", False)
        except NoMatches:  # not composed yet
            pass

    def action_save_script(self) -> None:
        if not self.can_save():
            return
        from installer.tui.answers_file import answers_folder, fresh_path
        from installer.tui.screens.dialogs import SavePathScreen

        def chosen(path: str | None) -> None:
            if path:
                written = self.write_file(Path(path), self.state.script or "", executable=True)
                if written is not None and written not in self.state.files_saved:
                    self.state.files_saved.append(written)

        # a whole path, in the folder the answers file goes to (found in use: "torch-setup-plan.sh" alone,
        # where the answers file's dialog offered a whole path)
        # another session's script is not replaced by an Enter on the name offered (found in use: a CPU plan's
        # script silently replaced by a recorded A100's); the one this session saved is offered again
        own = [p for p in self.state.files_saved if p.suffix == ".sh"]
        default = own[-1] if own else fresh_path(answers_folder(), "torch-setup-plan", ".sh")
        self.app.push_screen(SavePathScreen(_("Save the plan as a bash script to:"), str(default)), chosen)

    def answers_to_save(self) -> Answers | None:
        return self.answers if self.can_save() else None

    def write_file(self, path: Path, text: str, *, executable: bool = False, tell: bool = True) -> Path | None:
        written = write_text(self, path, text, tell=tell)
        if written is not None and executable:
            written.chmod(0o755)
        return written

    def keep_run_answers(self) -> Path | None:
        """The run's answers file, kept up to date (installer.tui.answers_file): the wizard's own file updated,
        a file that already holds these answers reused, else a new one; None when it could not be written."""
        from installer.tui import answers_file

        assert self.answers is not None
        answers, state = self.answers, self.state
        text = self.engine.dump_answers(answers, state.answers_written, recorded=state.recorded)
        folder = answers_file.answers_folder()
        given = [Path(state.answers_path)] if state.answers_path else []
        chosen = answers_file.choose(
            text, written=state.answers_written, owned=state.answers_owned,
            candidates=[*given, *answers_file.earlier_files(folder)],
            same=lambda path: self.engine.holds_answers(path, answers, recorded=state.recorded),
            fresh=lambda: answers_file.fresh_path(folder))
        if chosen.write:
            # its comment's commands name the file they are in (write_text writes to the whole path)
            text = self.engine.dump_answers(answers, said_path(chosen.path, recorded=state.recorded),
                                            recorded=state.recorded)
            written = write_text(self, chosen.path, text, tell=False)
            if written is None:
                return None
            state.answers_owned = text
        else:
            written = chosen.path.resolve()
            if written != state.answers_written:
                state.answers_owned = None  # someone else's file: read, never written over
        state.answers_cwd = os.getcwd() if not chosen.write and self.engine.has_relative_folders(written) else None
        if chosen.kept is not None:
            self.notify(_("{old} was changed since the wizard wrote it, so it is kept as it is; this run's answers "
                          "are in {new}.", old=str(chosen.kept), new=str(written)))
        state.answers_written = written
        return written

    def save(self) -> None:
        pass

    def action_next(self) -> None:
        """Leaving for Install: the answers file is written first, so the run can be replayed or resumed."""
        if not self.can_go_next():
            return
        if self.typed_just_now():  # "new-env" typed outside Combination's Folder field (typing_guard)
            self.notify(_("n came right after letters this screen has no use for, as if typed for a text field: "
                          "nothing was started. Press n again to go on."), severity="warning")
            return
        # no toast: the Install and Done screens show where it is
        if self.keep_run_answers() is None:  # the toast says why; the run needs the file (to replay, to resume)
            self.notify(_("Press a to save the answers file somewhere else, then n to go on."))
            return
        if self.state.run_result is not None:  # back from an ended run: Install (or Dry run) runs again
            self.state.forget_run()
        super().action_next()



def refusal_fix(plan: Plan, refusal: InputError | None) -> str | None:
    """What to do about `install`'s refusal, for Done, where Back is closed: the wizard's field for the driver
    it can install, else the refusal's own hint (found in use: Done said "once that is put right" and no more)."""
    if refusal is None:
        return None
    if plan.meta.get("blocked_by_driver") and not plan.meta.get("driver_elsewhere"):
        if plan.meta.get("recorded"):
            return _("start torch-setup again and tick the NVIDIA driver under Also install (Combination screen), "
                     "or set driver.install: true in the answers file; or install the driver on the recorded "
                     "machine first")
        return _("start torch-setup again and tick the NVIDIA driver under Also install (Combination screen), or "
                 "set driver.install: true in the answers file; or install the driver first")
    return refusal.hint


def wizard_words(note: str) -> str:
    """A plan note as the wizard says it: a note that tells a reader of the script to change the answers file
    (its code says which, installer.compat.coded) names the wizard's own field instead (found in use: Review told
    a wizard user, who had no answers file yet, to set driver.install: true in it, and driver.branch, which the
    wizard has no field for). Its words are `_()`'s, in the language shown now."""
    from installer.compat.coded import Coded
    from installer.compat.support_end import KEPT_DRIVER_ENDED, ended_when
    from installer.i18n.phrases import month_text
    from installer.plan.existing_python import VENV_INSTEAD, venv_instead_hint
    from installer.plan.gpu_refusal import NO_DRIVER_STEP, no_driver_step_note
    from installer.plan.local_builds import EXTRAS_NOT_ON_DISK, extras_not_on_disk

    if not isinstance(note, Coded):
        return note
    v = note.values
    if note.code == VENV_INSTEAD:
        # the Combination screen's Target environment and Python field
        venv = _("go back (b) and choose \"{venv}\" under Target environment, with {python} in its Python field",
                 venv=_("a new virtual environment"), python=v["python"])
        return venv_instead_hint(v["case"], venv, prefix=v["prefix"])
    if note.code == EXTRAS_NOT_ON_DISK:
        return extras_not_on_disk(v["requirements"], v["on_disk"], lambda names: _(
            "go back (b) and untick {names} on the Combination screen, or choose a PyTorch mirror that answers on "
            "the Mirrors screen", names=names))[0]
    if note.code == NO_DRIVER_STEP:
        return no_driver_step_note(v["cuda"], v["driver"], None, loaded=bool(v.get("loaded")), todo=_(
            "install it yourself (then reboot) before running this, or go back (b) and tick the NVIDIA driver "
            "under Also install"))
    if note.code == KEPT_DRIVER_ENDED:
        ended, instead = v["ended"], v["instead"]
        # the Combination screen's tick for a loaded driver past support installs this branch (combination.support_move)
        return _("the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting {when} "
                 "(no more security fixes); this plan keeps it -> to move to R{other}, supported until {until}, go "
                 "back (b) and tick \"{tick}\" under Also install (Combination screen)", version=v["version"],
                 branch=ended.branch, when=ended_when(ended), other=instead.branch,
                 until=month_text(instead.eol or ""), tick=driver_tick_label(instead.branch))
    return note


def summary_label(key: str) -> str:
    """The label of a row of the plan's summary (the keys the plan script's header prints as they are)."""
    # "python" and "torch" are names, the same in Chinese; "python" is written as the product's name there
    # (found in use: the lower-case key read as English left among 构建/软件包/目标)
    labels = {"variant": _("variant"), "packages": _("packages"), "target": _("target"), "method": _("method"),
              "recipes": _("recipes"), "python": _("Python")}
    return labels.get(key, key)

SCREEN = ReviewScreen
