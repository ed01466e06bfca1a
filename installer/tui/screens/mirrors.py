"""Mirrors: the probe table filling in as each kind answers; one choice per kind, a URL typed by hand,
or the configuration already on this machine."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Select, Static

from installer.answers import mirror_problem
from installer.i18n import _
from installer.redaction import redact_text
from installer.tui.screens.base import WizardScreen, error_text, hanging
from installer.tui.screens.combination import problem_view
from installer.tui.widgets import Field

KINDS = ("pypi", "pytorch", "conda", "apt")
KIND_LABELS = {"pypi": "PyPI", "pytorch": "PyTorch wheels", "conda": "conda", "apt": "apt"}
URL = "__url__"
# The index pip uses when nothing configures another (pip's --index-url default,
# https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-i): what `mirror.pypi: none` installs from
PIP_DEFAULT_INDEX = "https://pypi.org/simple"


def is_pypi_itself(candidate: dict[str, Any]) -> bool:
    """The catalog's entry for PyPI itself: the fixed choice "PyPI itself" already stands for it."""
    return candidate.get("kind") == "pypi" and str(candidate.get("url") or "").rstrip("/") == PIP_DEFAULT_INDEX


def fixed_options(kind: str, pip_of_recorded: bool = False) -> list[tuple[str, str]]:
    """`pip_of_recorded`: the plan takes the recorded machine's pip configuration, where it downloads (every
    method but a wheelhouse build, whose downloads run here: installer.plan.ahead.plan_for_report)."""
    if kind == "pypi":
        auto = (_("auto: the recorded machine's pip configuration, else PyPI") if pip_of_recorded else
                _("auto: this machine's pip configuration, else PyPI"))
        return [(auto, "auto"), (_("PyPI itself"), "none")]
    if kind == "pytorch":
        return [(_("auto: the fastest index that has the build"), "auto"),
                (_("none: rely on the pip configuration"), "none")]
    return [(_("auto: the fastest that answers"), "auto"), (_("none: leave as configured"), "none")]


TYPED_KEY = "pytorch/by-hand"  # the table's row for the PyTorch index typed by hand


def shown_id(row: dict[str, Any]) -> str:
    """The Mirror cell of a probed row: the catalog id, or "typed by hand"."""
    return _("typed by hand") if row.get("typed") else str(row["id"])


def row_summary(row: dict[str, Any]) -> str:
    if row.get("ok"):
        bits = [f"{row['latency_ms']:.0f} ms" if row.get("latency_ms") is not None else ""]
        if row.get("throughput_mbps") is not None:
            bits.append(f"{row['throughput_mbps']:.1f} MB/s")
        return " · ".join(b for b in bits if b)
    return "✗"


class MirrorsScreen(WizardScreen):
    NAME = "mirrors"
    AUTO_FOCUS = "#region"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("p", "probe", "Probe again"),
        Binding("k", "keep", "Keep mine"),
        # no room in the footer at 80 columns: the help and the command palette name it
        Binding("a", "save_answers", "Save answers", show=False),
    ]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds this machine installs from: apt only where the system has apt (found in use: a Rocky
        Linux machine was offered, and probed for, Ubuntu's and Debian's archives)."""
        report = self.state.report
        if report is None or self.engine.uses_apt(report):
            return KINDS
        return tuple(k for k in KINDS if k != "apt")

    def body(self) -> ComposeResult:
        mirror = self.state.section("mirror")
        yield Static(_("Where packages come from"), classes="section")
        yield Static(self.existing_text(), id="existing", classes="muted")
        with Horizontal(classes="field"):
            yield Label(_("Region"), classes="label")
            yield Select([(_("auto (from time zone and language)"), "auto"), (_("mainland China"), "cn"),
                          (_("global"), "global")], value=mirror.get("region", "auto"), allow_blank=False, compact=True,
                         id="region")
        yield Static("", id="region-why", classes="muted")
        for kind in self.kinds:
            value = mirror.get(kind, "auto")
            options = fixed_options(kind, self.pip_of_recorded()) + [(_("type a URL…"), URL)]
            is_url = "://" in str(value)
            with Horizontal(classes="field"):
                yield Label(_(KIND_LABELS[kind]), classes="label")
                yield Select(options, value=URL if is_url else value if value in ("auto", "none") else "auto",
                             allow_blank=False, compact=True, id=f"pick-{kind}")
            with Horizontal(classes="field", id=f"url-row-{kind}"):
                yield Label("", classes="label")
                yield Field(value if is_url else "", placeholder="https://…", id=f"url-{kind}", compact=True)
            # what is wrong with the URL typed, under it until it is put right (as the Folder field's)
            yield Static("", id=f"url-problem-{kind}", classes="error")
            if kind == "pytorch":  # the index pip is given: the build's folder added to the URL typed
                yield Static("", id="url-note-pytorch", classes="muted")
        with Horizontal(classes="field"):
            yield Label(_("Write config"), classes="label")
            yield Select([(_("only into the new environment"), "env"), (_("into my user configuration"), "user"),
                          (_("nowhere: use for this run only"), "none")], value=mirror.get("scope", "env"),
                         allow_blank=False, compact=True, id="scope")
        yield Static("", id="probe-status", classes="muted")
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="reasons", classes="muted")

    def pip_of_recorded(self) -> bool:
        """Whether PyPI's auto means the recorded machine's pip configuration (installer.plan.ahead: all but a
        wheelhouse build download there)."""
        return not self.state.report_detected and self.state.draft.get("method") != "wheelhouse-build"

    def existing_text(self) -> str:
        report = self.state.report
        if report is None:
            return ""
        pip = report.mirror_config.pip
        bits = []
        if pip.index_url:
            bits.append(_("pip index {url}", url=pip.index_url))
        for url in pip.extra_index_urls:
            bits.append(_("extra index {url}", url=url))
        for link in pip.find_links:
            bits.append(_("find-links {path}", path=link))
        conda = getattr(report.mirror_config, "conda", None)
        for channel in getattr(conda, "channels", []) or []:
            bits.append(_("conda channel {name}", name=channel))
        # a recorded machine's configuration is that machine's (found in review: "on this machine", of the
        # recorded one, beside this one's pip configuration that a plan for it does not use)
        recorded = self.state.recorded
        if not bits:
            return escape(_("No mirror is configured on the recorded machine.") if recorded else
                          _("No mirror is configured on this machine yet."))
        # the screen may be shown to others (a screenshot, a screen share): no index password on it
        what = _("; ").join(bits)
        return escape(redact_text(_("Configured on the recorded machine: {what}. Press k to keep it.", what=what)
                                  if recorded else _("Configured on this machine: {what}. Press k to keep it.",
                                                     what=what)))

    def on_mount(self) -> None:
        super().on_mount()
        self.generation = 0
        self.typed_generation = 0  # the probes of the PyTorch index typed by hand (sync_typed)
        self.typed_probing: str | None = None  # the URL whose probe is under way
        self.pending: dict[str, str] = {}  # the chosen id per kind, until the probe lists it
        # what the answers say for PyPI as the screen opens: the catalog's PyPI entry is kept as that entry
        self.answered_pypi = str(self.state.section("mirror").get("pypi", "auto"))
        table = self.query_one("#table", DataTable)
        for key, label in (("kind", _("Kind")), ("mirror", _("Mirror")), ("ms", "ms"), ("mbps", "MB/s"),
                           ("status", _("Status"))):
            table.add_column(label, key=key)
        mirror = self.state.section("mirror")
        for kind in self.kinds:
            value = str(mirror.get(kind, "auto"))
            if value not in ("auto", "none") and "://" not in value:
                self.pending[kind] = value
        for kind in self.kinds:  # a URL kept from before (Back goes without the check) is checked at once
            self.query_one(f"#url-problem-{kind}").display = False
            self.show_url_problem(kind)
        self.query_one("#url-note-pytorch").display = False
        self.sync_url_rows()
        # a language switched since (the Welcome screen's l) can change what region auto stands for: the rows
        # probed for the other region are not this screen's
        if self.state.mirrors_probed and self.state.mirrors_region == self.resolved_region():
            self.candidates = self.state.mirror_candidates
            self.fill(self.state.mirror_rows)
            self.query_one("#probe-status", Static).update(_("Probed earlier; press p to probe again."))
            self.sync_typed()
        else:
            self.start_probe()

    # probing --------------------------------------------------------------------------------------
    def action_probe(self) -> None:
        self.start_probe()

    def start_probe(self) -> None:
        self.generation += 1
        self.state.mirror_rows = []
        self.state.mirrors_probed = False
        self.query_one("#table", DataTable).clear()
        self.query_one("#probe-status", Static).update(_("Probing mirrors…"))
        self.refresh_nav(_("probing…"))
        region = self.query_one("#region", Select).value
        self.state.mirrors_region = self.resolved_region()
        self.probe(self.generation, str(region))
        self.typed_probing = None
        self.sync_typed()  # the index typed by hand is probed again with the others

    def resolved_region(self) -> str:
        region = str(self.query_one("#region", Select).value)
        return region if region in ("cn", "global") else self.engine.region_guess()[0]

    @work(thread=True, exclusive=True, group="mirrors")
    def probe(self, generation: int, region: str) -> None:
        try:
            recorded = None if self.state.report_detected else self.state.report
            candidates = self.engine.mirror_candidates(kinds=self.kinds, region=region, recorded=recorded)
            self.app.call_from_thread(self.show_candidates, generation, candidates)
            variant, torch = self.wanted_build()
            self.engine.probe_mirrors(
                kinds=self.kinds, region=region, variant=variant, torch_version=torch, recorded=recorded,
                on_kind=lambda kind, rows: self.app.call_from_thread(self.kind_done, generation, kind, rows))
        except Exception as exc:  # shown on the screen; the user can still type URLs or keep auto
            self.app.call_from_thread(self.show_error, generation, exc)
            return
        self.app.call_from_thread(self.all_done, generation)

    def wanted_build(self) -> tuple[str | None, str | None]:
        """The build the PyTorch indexes must carry: the one asked for, else the best recommendation."""
        torch = self.state.section("torch")
        variant = torch.get("variant")
        version = torch.get("version")
        if variant and variant != "auto":
            return variant, version
        report = self.state.report
        if report is None:
            return None, None
        key = self.state.recommendation_wanted()
        rec = self.state.recommendation
        if rec is None or self.state.recommendation_key != key:
            try:
                # the Combination screen's own list, kept for it: made for the same key (the pinned
                # version included), so it must be what that screen would make
                rec = self.wizard.offer_for(key)
            except Exception:  # probing does not need it: the catalog's default variant is probed instead
                return None, None
            self.state.recommendation, self.state.recommendation_key = rec, key
        choices = rec.get("choices") or []
        if not choices:
            return None, None
        return choices[0]["variant"], choices[0]["torch"]

    def show_candidates(self, generation: int, candidates: list[dict[str, Any]]) -> None:
        if generation != self.generation:
            return
        table = self.query_one("#table", DataTable)
        for c in candidates:
            table.add_row(_(KIND_LABELS.get(c["kind"], c["kind"])), c["id"], "", "", _("probing…"),
                          key=f"{c['kind']}/{c['id']}")
        self.candidates = self.state.mirror_candidates = candidates
        self.update_choices(candidates, [])

    # the PyTorch index typed by hand --------------------------------------------------------------
    def typed_pytorch(self) -> str | None:
        """The PyTorch index URL typed by hand, once it passes the answers file's rule; None when auto,
        none or a catalog mirror is chosen, or the field is empty or wrong."""
        if "pytorch" not in self.kinds or self.query_one("#pick-pytorch", Select).value != URL:
            return None
        typed = self.query_one("#url-pytorch", Input).value.strip()
        return typed if typed and self.url_problem("pytorch") is None else None

    def sync_typed(self) -> None:
        """The table's row for the index typed by hand follows the field: probed as the plan will probe it
        (found in use: a dead typed index was in no row, `p` left it alone, and only Review said it failed)."""
        url = self.typed_pytorch()
        rows = self.state.mirror_rows
        if url is not None and url == self.typed_probing:
            return  # its probe is under way (the choice lists are redrawn, and say Changed, as rows come in)
        if not any(r.get("typed") and r["typed"] == url for r in rows) and (
                url is not None or any(r.get("typed") for r in rows)):
            self.state.mirror_rows = [r for r in rows if not r.get("typed")]
            self.typed_generation += 1
            self.fill(self.state.mirror_rows)
            table = self.query_one("#table", DataTable)
            if TYPED_KEY in {str(k.value) for k in table.rows}:
                table.remove_row(TYPED_KEY)  # a probe of another URL, still going: not this one's
            if url is not None:
                table.add_row(_(KIND_LABELS["pytorch"]), _("typed by hand"), "", "", _("probing…"), key=TYPED_KEY)
                self.typed_probing = url
                self.probe_typed(self.typed_generation, url)
        self.show_url_note()

    @work(thread=True, group="typed-index")  # not exclusive: a cancelled one fails a wait; the generation drops it
    def probe_typed(self, generation: int, url: str) -> None:
        try:
            variant, torch = self.wanted_build()
            row = self.engine.probe_typed_pytorch(url, variant=variant, torch_version=torch)
        except Exception as exc:  # noqa: BLE001 - said in the row: the plan would say the same at Review
            row = {"id": "by-hand", "kind": "pytorch", "typed": url, "url": url, "ok": False,
                   "reason": error_text(exc)}
        self.app.call_from_thread(self.typed_probed, generation, row)

    def typed_probed(self, generation: int, row: dict[str, Any]) -> None:
        if generation != self.typed_generation or not self.is_mounted:
            return
        self.typed_probing = None
        self.state.mirror_rows = [r for r in self.state.mirror_rows if not r.get("typed")] + [row]
        self.fill(self.state.mirror_rows)
        self.show_url_note()

    def show_url_note(self) -> None:
        """Under the PyTorch URL: the index pip is given, as the plan makes it from the URL typed (found in
        use: /cpu was added to it, said nowhere before Review's command)."""
        if "pytorch" not in self.kinds:
            return
        note = self.query_one("#url-note-pytorch", Static)
        url = self.typed_pytorch()
        row = next((r for r in self.state.mirror_rows if r.get("typed") and r["typed"] == url), None)
        if url is None:
            note.display = False
            return
        if row is None or not row.get("variant"):
            text = _("torch-setup adds the folder of the build chosen (/cpu, /cu126, …) to a PyTorch wheel "
                     "index's URL")
        elif str(row["url"]).rstrip("/") != url.rstrip("/"):
            text = _("pip is given {url}: torch-setup adds the folder of the build chosen ({variant}) to a "
                     "PyTorch wheel index's URL", url=row["url"], variant=row["variant"])
        else:
            text = _("pip is given {url}, as typed", url=row["url"])
        note.update(escape(redact_text(text)))
        note.display = True

    def kind_done(self, generation: int, kind: str, rows: list[dict[str, Any]]) -> None:
        if generation != self.generation:
            return
        self.state.mirror_rows.extend(rows)
        self.fill(self.state.mirror_rows)

    def fill(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#table", DataTable)
        # the typed index has a probe of its own: its row says nothing of the catalog's rows of its kind
        done_kinds = {r["kind"] for r in rows if not r.get("typed")}
        typed_done = any(r.get("typed") for r in rows)
        keep = [k for k in table.rows if str(k.value).split("/", 1)[0] not in done_kinds
                and not (str(k.value) == TYPED_KEY and typed_done)]
        pending = [(k, table.get_row(k)) for k in keep]
        table.clear()
        for kind in self.kinds:
            for r in (x for x in rows if x["kind"] == kind):
                ms = f"{r['latency_ms']:.0f}" if r.get("latency_ms") is not None else ""
                mbps = f"{r['throughput_mbps']:.1f}" if r.get("throughput_mbps") is not None else ""
                if r.get("ok"):
                    status = "✓ " + (_("configured here") if r.get("current") else
                                     _("fresh") if r.get("fresh") else _("ok"))
                else:
                    status = "✗ " + _("failed, see below")
                table.add_row(_(KIND_LABELS.get(kind, kind)), shown_id(r), ms, mbps, status, key=f"{kind}/{r['id']}")
        for key, cells in pending:
            table.add_row(*cells, key=str(key.value))
        failed = [r for kind in self.kinds for r in rows if r["kind"] == kind and not r.get("ok")]
        # reasons are sentences a person acts on: too long for a table cell, so they go under it, once
        # for all the mirrors that failed the same way (unreachable from here, there were some thirty)
        from installer.mirrors.reasons import grouped_failures

        told = grouped_failures((shown_id(r), str(r.get("url") or ""), r.get("reason") or _("failed"))
                                for r in failed)
        # the colon is the language's (zh "："): an ASCII one read as a leftover among Chinese words
        lines = [("✗", Text.assemble((ids, "bold"), _(": "), reason)) for ids, reason in told]
        self.query_one("#reasons", Static).update(hanging(lines) if lines else "")
        self.update_choices(getattr(self, "candidates", []), rows)

    def all_done(self, generation: int) -> None:
        if generation != self.generation:
            return
        self.state.mirrors_probed = True
        rows = self.state.mirror_rows
        live = sum(1 for r in rows if r.get("ok"))
        self.query_one("#probe-status", Static).update(
            _("{live} of {n} mirrors answered. Failures say why.", live=live, n=len(rows)))
        self.refresh_nav(_("1 mirror answered") if live == 1 else _("{live} mirrors answered", live=live))

    def show_error(self, generation: int, exc: BaseException) -> None:
        if generation != self.generation:
            return
        self.query_one("#probe-status", Static).update(
            escape(_("Probing failed: {error}", error=error_text(exc))))
        self.refresh_nav(_("probing failed"))

    def update_choices(self, candidates: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
        """Offer each candidate in its kind's list, with what the probe found, keeping the selection."""
        # here, not at the top: the engine's worker has loaded the mirrors package by now, and the
        # screen itself opens without it
        from installer.mirrors.catalog import shown_name

        by_id = {r["id"]: r for r in rows}
        for kind in self.kinds:
            select = self.query_one(f"#pick-{kind}", Select)
            current = select.value
            options = fixed_options(kind, self.pip_of_recorded())
            for c in candidates:
                if c["kind"] != kind:
                    continue
                row = by_id.get(c["id"])
                status = row_summary(row) if row else _("probing…")
                if is_pypi_itself(c):
                    # one PyPI in the list (found in use: "PyPI itself" and "PyPI (upstream)" one under the
                    # other): the fixed choice, with the probe's figures for PyPI
                    options = [(f"{label} ({c['id']}) {status}", self.pypi_itself_value(c)) if value == "none"
                               else (label, value) for label, value in options]
                    continue
                # the engine gives both names; the one shown follows the language of the messages
                name = shown_name(str(c["name"]), c.get("name_zh"))
                options.append((f"{name} ({c['id']}) {status}", self.choice_value(c)))
            options.append((_("type a URL…"), URL))
            values = {v for _label, v in options}
            wanted = self.pending.get(kind)
            select.set_options(options)
            if wanted in values:
                select.value = wanted
                self.pending.pop(kind, None)
            elif current in values:
                select.value = current

    def pypi_itself_value(self, candidate: dict[str, Any]) -> str:
        """What the one PyPI choice saves: `none` (pip's default index, no configuration written), unless the
        answers named the catalog's PyPI entry, which stays as it was (the plan then names
        https://pypi.org/simple and writes it into the pip configuration the scope says)."""
        value = self.choice_value(candidate)
        return value if self.answered_pypi == value else "none"

    def choice_value(self, candidate: dict[str, Any]) -> str:
        # an id means the built-in catalog to the planner; with another catalog only the URL is portable
        return str(candidate["url"] if self.engine.catalog else candidate["id"])

    # choosing -------------------------------------------------------------------------------------
    def sync_url_rows(self) -> None:
        for kind in self.kinds:
            typed = self.query_one(f"#pick-{kind}", Select).value == URL
            self.query_one(f"#url-row-{kind}").display = typed
            box = self.query_one(f"#url-problem-{kind}", Static)
            if not typed:
                box.display = False
            elif box.display:  # shown once Next found it wrong: it follows the field until put right
                self.show_url_problem(kind)
        self.sync_region_why()

    def url_problem(self, kind: str) -> tuple[str, str] | None:
        """What is wrong with the URL typed for `kind`, by the rule the answers file's mirror keys follow;
        None when the field is not in use, or empty (which means auto)."""
        if self.query_one(f"#pick-{kind}", Select).value != URL:
            return None
        typed = self.query_one(f"#url-{kind}", Input).value.strip()
        region = str(self.query_one("#region", Select).value)
        return (mirror_problem(typed, kind, region) or None) if typed else None

    def show_url_problem(self, kind: str) -> bool:
        """Show (or clear) the problem under `kind`'s URL field; True when there is one."""
        problem = self.url_problem(kind)
        box = self.query_one(f"#url-problem-{kind}", Static)
        # the message, then what to do on a line of its own, as under Combination's fields
        box.update(problem_view(problem) if problem else "")
        box.display = problem is not None
        return problem is not None

    def sync_region_why(self) -> None:
        """Say what `auto` stands for, and why: the mirrors probed depend on it."""
        why = self.query_one("#region-why", Static)
        why.display = self.query_one("#region", Select).value == "auto"
        if why.display:
            region, reason = self.engine.region_guess()
            name = _("mainland China") if region == "cn" else _("global")
            if not self.state.recorded:
                why.update(escape(_("auto means {region} here: {why}", region=name, why=reason)))
            elif self.engine.region_saved() == "auto":
                # the guess is this computer's, and the answers keep `auto`, which the recorded machine's install
                # guesses again (found in a trial: "auto means global here", of a machine that may be in Beijing)
                why.update(escape(_("auto means {region} from this computer: {why}; the answers keep auto, which "
                                    "the install on the recorded machine guesses again there", region=name,
                                    why=reason)))
            else:  # the language chosen decided it: the answers name it, for the recorded machine too
                why.update(escape(_("auto means {region} from this computer: {why}; the answers name {region}, "
                                    "for the recorded machine too", region=name, why=reason)))

    @on(Select.Changed)
    def picked(self, event: Select.Changed) -> None:
        self.state.forget_plan()
        self.sync_url_rows()
        if event.select.id == "pick-pytorch" and self.is_mounted and hasattr(self, "generation"):
            self.sync_typed()
        if event.select.id == "region" and self.is_mounted and event.value != self.state.section(
                "mirror").get("region", "auto"):
            self.state.section("mirror")["region"] = event.value
            self.start_probe()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.state.forget_plan()
        kind = (event.input.id or "").removeprefix("url-")
        if kind in self.kinds and self.query_one(f"#url-problem-{kind}").display:
            self.show_url_problem(kind)  # put right as it is typed: the message goes

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter finishes the field, as in a form: on to the next one (n is a letter while typing)
        self.focus_next()

    @on(Input.Blurred)
    def url_left(self, event: Input.Blurred) -> None:
        # said as the field is left, as the Folder field's is (found in use: only at Next); not while typing,
        # when a URL half written is no mistake yet
        kind = (event.input.id or "").removeprefix("url-")
        if kind in self.kinds:
            self.show_url_problem(kind)
        if kind == "pytorch":
            self.sync_typed()  # probed as it is left, as the catalog's rows were

    def action_next(self) -> None:
        # a typed URL is checked here, where it was typed, with the rule the answers file uses; the problem
        # is shown under its field, not focused: a second n would be typed into it, over the URL
        wrong = [kind for kind in self.kinds if self.show_url_problem(kind)]
        if wrong:
            self.app.bell()
            self.query_one(f"#url-problem-{wrong[0]}").scroll_visible()
            return
        super().action_next()

    def action_keep(self) -> None:
        """Use what this machine is configured for and write no configuration."""
        self.query_one("#pick-pypi", Select).value = "auto"
        for kind in self.kinds[1:]:  # all but PyPI
            self.query_one(f"#pick-{kind}", Select).value = "none"
        self.query_one("#scope", Select).value = "none"
        # the configuration kept is that of the computer where pip downloads (as PyPI's auto option says)
        self.notify(_("Keeping the recorded machine's configuration; nothing will be written.")
                    if self.pip_of_recorded() else _("Keeping this machine's configuration; nothing will be written."))

    def save(self) -> None:
        if not self.is_mounted:
            return
        mirror = self.state.section("mirror")
        mirror["region"] = str(self.query_one("#region", Select).value)
        for kind in self.kinds:
            value = self.query_one(f"#pick-{kind}", Select).value
            if value == URL:
                typed = self.query_one(f"#url-{kind}", Input).value.strip()
                mirror[kind] = typed or "auto"
            elif kind in self.pending:
                mirror[kind] = self.pending[kind]  # chosen earlier, not listed by this probe (yet)
            else:
                mirror[kind] = str(value)
        mirror["scope"] = str(self.query_one("#scope", Select).value)


SCREEN = MirrorsScreen
