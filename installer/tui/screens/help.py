"""The help screen (F1 or ?): what the current screen is for, and every key that works on it."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from installer.i18n import _
from installer.tui.screens.base import WizardScreen, aligned
from installer.tui.translate import translate_bindings

# English text; translated when shown. One paragraph per screen, saying what it decides.
SCREEN_HELP: dict[str, str] = {
    "welcome": "What the wizard will do. Choose a real install or a dry run (everything is decided and "
               "shown, nothing is executed), and the language.",
    "hardware": "What this machine has: GPUs, the NVIDIA driver and the CUDA it runs, CUDA toolkits, the OS "
                "and Python. Each warning says what it means for the install.",
    "mirrors": "Where packages will come from. The region decides which mirrors are probed besides the "
               "upstream ones: auto goes by the time zone, the locale and the language chosen here, and the "
               "line under it says what it chose. The table fills in as each mirror answers. Choose one per "
               "kind, type a URL, or keep the configuration already on this machine.",
    "combination": "The PyTorch builds that fit this machine, best first, each with its reasons: the arrow keys "
                   "move through the list, Enter or space chooses the build (●), and c goes back to the list from "
                   "the fields below it. Then the install method, where to install it and what comes with it.",
    "review": "The exact plan, step by step, with every command. Steps that need root are marked. Save it as "
              "a script or save the answers file to replay it on other machines.",
    "install": "Runs the plan (or, in a dry run, shows what would run). Each step reports changed, unchanged "
               "or failed. Cancelling asks first; a run stopped for any reason resumes where it left off. Once "
               "the run has ended, Back leads to the answers: change one, and Review runs the new plan.",
    "verify": "Checks that torch imports, sees the GPUs and computes correctly on them. Each failure comes "
              "with its fix.",
    "bench": "Measures what this GPU (or CPU) does, against what it should reach.",
    "done": "How to use the new environment, the commands of the fixes Verify gave, and where the log and the "
            "answers file are. Tab goes to each command and c copies it, where the terminal lets programs set its clipboard; when you quit, the "
            "commands are printed in the terminal, each whole on its line.",
}


# the same paragraphs where a recorded machine (--hardware) is shown: "this machine" is then the computer the
# wizard runs on, which these screens do not describe (found by a tester: "适合此机器的 PyTorch 构建" for a
# recorded Rocky Linux machine)
RECORDED_HELP: dict[str, str] = {
    "hardware": "What the recorded machine has: GPUs, the NVIDIA driver and the CUDA it runs, CUDA toolkits, the "
                "OS and Python. Each warning says what it means for the install.",
    # what keep (k) does there: the answers say auto for PyPI, none for the rest, and pip downloads where the
    # plan's downloads run, with that computer's configuration (installer.plan.ahead.plan_for_report: the
    # recorded machine's, but this one's for a wheelhouse build, built here)
    "mirrors": "Where packages will come from. The region decides which mirrors are probed besides the upstream "
               "ones: auto goes by the time zone, the locale and the language chosen here, and the line under it "
               "says what it chose. The table fills in as each mirror answers. Choose one per kind, type a URL, or "
               "keep the configuration the recorded machine already has: the answers then name no mirror, and the "
               "install there uses that machine's own pip configuration. A wheelhouse build downloads on this "
               "computer instead, with this computer's pip configuration.",
    "combination": "The PyTorch builds that fit the recorded machine, best first, each with its reasons: the arrow "
                   "keys move through the list, Enter or space chooses the build (●), and c goes back to the list "
                   "from the fields below it. Then the install method, where to install it and what comes with it.",
}


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        translate_bindings(self)
        self.under = under

    def compose(self) -> ComposeResult:
        name = self.under.name or ""
        # how to close it, first: at 80x24 the end of a long help is below the fold, and the footer under
        # this dialog still shows the screen's keys (found in use)
        lines = [f"[b]{escape(_('Help'))}[/b]  " + escape(_("Press Esc to close this help.")), ""]
        state = getattr(self.under, "state", None)
        said = RECORDED_HELP if getattr(state, "recorded", False) and name in RECORDED_HELP else SCREEN_HELP
        if name in said:
            lines += [escape(_(said[name])), ""]
        lines.append(f"[b]{escape(_('Keys on this screen'))}[/b]")
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        # the wizard's own keys, those kept out of the footer for want of room too (not Textual's Tab and ^c)
        own = {b.key for cls in type(self.under).__mro__ if isinstance(cls, type) and issubclass(cls, WizardScreen)
               for b in cls.__dict__.get("BINDINGS", [])}
        for _key, binding in self.under._bindings:
            if not (binding.show or binding.key in own) or not binding.description or binding.action in seen:
                continue
            if binding.action == "leave":  # Esc: said below, by what it does on this screen
                continue
            if not self.under.check_action(binding.action, ()):
                continue  # not available on that screen (Back on the first one)
            seen.add(binding.action)
            # a key's tooltip, where it has one, says what it does in more words than the footer has room for
            rows.append((self.app.get_key_display(binding), binding.tooltip or binding.description))
        # in a text field n and b are letters: Esc leaves the field first, then the keys above work
        fields = bool(self.under.query(Input))
        if self.under.check_action("back", ()):  # not while an install runs, nor where it never works
            rows.append(("Esc", _("leave a text field; elsewhere Back") if fields else _("Back")))
        elif fields:
            rows.append(("Esc", _("leave a text field")))
        everywhere = [
            ("F1 ?", _("this help")),
            ("Tab", _("move between fields; Enter or Space to choose")),
            ("Ctrl+P", _("command palette: jump to a screen, save, quit")),
            ("Ctrl+Q", _("quit")),
        ]
        lines.append(aligned(rows, indent="  "))
        lines += ["", f"[b]{escape(_('Everywhere'))}[/b]", aligned(everywhere, indent="  ")]
        with VerticalScroll(classes="dialog help"):
            yield Static("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(None)
