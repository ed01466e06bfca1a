"""A plan as a bash script: what `install` would do, to read, keep, or run by hand.

Every argv item is quoted with shlex.quote, so a value with spaces or shell characters stays one
literal word. Guards become shell tests, the uv -> pip fallback becomes `||`, root steps go through
sudo (only when the script is not already run as root) and are marked. `bash -n` accepts the result.

Credentials in URLs (https://user:password@host, https://TOKEN@host) are shown as `***` unless asked
for (`plan --show-secrets`): a plan is what people paste into issue reports. The header then says so.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

from installer import __version__
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.plan.gpu_refusal import blocked_message, cpu_only_warning
from installer.plan.model import Command, Download, FileWrite, Guard, Plan, Step
from installer.redaction import has_credentials, redact_data, redact_text


def shown_command(cmd: Command) -> str:
    """One command as a person reads it in the log and on screen, credentials as `***`: its argv, after
    the variables that carry credentialed sources (installer.plan.indexes), which would be missed there."""
    sources = [f"{k}={shlex.quote(v)}" for k, v in cmd.env if has_credentials(v)]
    # a program given with -c over several lines (the kinds' checks and repairs) is only named: its text,
    # line by line, would bury the commands around it; the saved script keeps it whole
    argv = [_("<its Python program, in the saved script>")
            if "\n" in a and i > 0 and cmd.argv[i - 1] == "-c" else a for i, a in enumerate(cmd.argv)]
    return redact_text(" ".join([*sources, shlex.join(argv)]))


def _q(items: Iterable[str]) -> str:
    return " ".join(shlex.quote(x) for x in items)


def _comment(text: str) -> str:
    return " ".join(text.split())  # a comment is one line: no newline may end it early


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _command(cmd: Command, root: bool) -> str:
    keep = ""
    if cmd.env and all(_NAME.fullmatch(k) for k, _v in cmd.env):
        # bash's own assignments, not `env`: no process shows the values (an index password) in its argv;
        # sudo, which resets the environment, is told the names to pass on, as the executor does
        assign = " ".join(f"{k}={shlex.quote(v)}" for k, v in cmd.env) + " "
        keep = " --preserve-env=" + ",".join(k for k, _v in cmd.env) if root else ""
        before, after = assign, ""
    elif cmd.env:  # a name bash cannot assign: `env` sets it, after sudo
        before, after = "", "env " + " ".join(shlex.quote(f"{k}={v}") for k, v in cmd.env) + " "
    else:
        before = after = ""
    sudo = '${SUDO[@]+"${SUDO[@]}"' + keep + '} ' if root else ""
    line = f"{before}{sudo}{after}{_q(cmd.argv)}"
    if cmd.ok_codes != (0,):
        codes = "|".join(str(c) for c in cmd.ok_codes)
        said = _echo(_("exit code {code}", code="\0rc\0"))
        line = f"{{ rc=0; {line} || rc=$?; case \"$rc\" in {codes}) ;; *) {said} >&2; exit \"$rc\";; esac; }}"
    if cmd.cwd:
        line = f"(cd {shlex.quote(cmd.cwd)} && {line})"
    if cmd.fallback is not None:
        line = f"{line} \\\n    || {_command(cmd.fallback, root)}"
    return line


def _download(d: Download, root: bool) -> list[str]:
    sudo = '${SUDO[@]+"${SUDO[@]}"} ' if root else ""
    urls = " ".join(shlex.quote(u) for u in d.urls)
    lines = [f"fetch {shlex.quote(d.dest)} {urls}"]
    if d.sha256:
        lines.append(f"{sudo}sha256sum --check --strict - <<< {shlex.quote(f'{d.sha256}  {d.dest}')}")
    return lines


def _file(fw: FileWrite, root: bool) -> list[str]:
    sudo = ' ${SUDO[@]+"${SUDO[@]}"}' if root else ""
    put = f"put_file {format(fw.mode, 'o')} {shlex.quote(fw.path)} {shlex.quote(fw.content)}{sudo}"
    if not fw.needs:
        return [put]
    # the executor's test (installer.executor.runner._present): the program looked up on PATH, not run
    return [f"if command -v {shlex.quote(fw.needs)} >/dev/null 2>&1; then", "  " + put, "else",
            "  echo " + shlex.quote(_("{path} not written: {program} is not installed here", path=fw.path,
                                      program=fw.needs)), "fi"]


# the backups folder of installer.executor.fileedit (platformdirs' user_state_dir on Linux), written for bash
BACKUP_DIR = "${XDG_STATE_HOME:-$HOME/.local/state}/torch-setup/backups"


def _echo(text: str) -> str:
    """`echo` of a message whose \0name\0 marks are the shell variables $name, expanded when it runs."""
    parts = text.split("\0")
    return "echo " + "".join(f'"${{{p}}}"' if i % 2 else shlex.quote(p) for i, p in enumerate(parts) if p)


def _put_file() -> str:
    """put_file MODE PATH CONTENT [sudo...]: a file written as installer.executor.fileedit writes it.

    Unchanged content and mode: nothing is touched, so a second run cannot replace the backup of the
    person's own file with one of torch-setup's. Otherwise what is there is copied to the same backups
    folder, under the same names (restore() finds them), or an .absent marker says there was nothing;
    the new content goes to a temporary file beside it, which is renamed over the old one (atomic)."""
    return "\n".join([
        f'BACKUP_DIR="{BACKUP_DIR}"',
        "put_file() {",
        '  local mode="$1" path="$2" content="$3" backup stamp tmp',
        "  shift 3  # the rest runs each command: sudo, for a root step",
        "  # through a link to the file it names, as install does (-m: its folder may be missing; BSDs have -f)",
        '  if [ -L "$path" ]; then path="$("$@" readlink -m -- "$path" 2>/dev/null || "$@" readlink -f -- "$path")"; fi',
        '  if [ -n "$("$@" find "$path" -prune -type f -perm "$mode" 2>/dev/null)" ] \\',
        "      && printf '%s' \"$content\" | \"$@\" cmp -s - \"$path\"; then",
        "    " + _echo(_("{path} already as planned", path="\0path\0")),
        "    return 0",
        "  fi",
        '  stamp="$(date +%s%N)"',
        '  case "$stamp" in *[!0-9]*) stamp="$(date +%s)000000000" ;; esac  # a date without %N',
        '  mkdir -p "$BACKUP_DIR"  # made by the user, as install makes it: their own files\' backups go there too',
        '  backup="$BACKUP_DIR/$(printf \'%s\' "${path#/}" | tr / %).$(printf \'%020d\' "$stamp")"',
        '  tmp="$(dirname -- "$path")/.$(basename -- "$path").torch-setup.tmp"',
        '  "$@" mkdir -p -- "$(dirname -- "$path")"',
        '  if "$@" test -e "$path"; then',
        "    # read as root, written as the user: a root-owned copy in their home, and no copy at all on an NFS home",
        "    # with root_squash (found in review)",
        '    "$@" cat -- "$path" > "$backup"',
        '    chmod "$("$@" stat -c %a -- "$path")" "$backup"  # its mode, as restore puts it back',
        "    " + _echo(_("kept the previous {path} as {backup}", path="\0path\0", backup="\0backup\0")),
        '    "$@" cp -p -- "$path" "$tmp"  # its owner stays, as install keeps it',
        "  else",
        '    : > "$backup.absent"',
        '    "$@" install -m 600 /dev/null "$tmp"',
        "  fi",
        '  "$@" chmod 600 -- "$tmp"  # closed to others until it holds the new content and its own mode',
        '  printf \'%s\' "$content" | "$@" tee -- "$tmp" >/dev/null',
        '  "$@" chmod "$mode" -- "$tmp"',
        '  "$@" mv -f -- "$tmp" "$path"',
        "}",
    ])


def guard_test(guard: Guard) -> str | None:
    """The shell test that holds when the step is already done."""
    parts = []
    if guard.creates:
        parts.append(f"[ -e {shlex.quote(guard.creates)} ]")
    if guard.unless:
        # `test` writes nothing to hide, and shellcheck reads `test A -nt B >/dev/null` as a comparison gone
        # wrong (SC2065), a warning in every script with the nouveau initramfs guard
        quiet = "" if guard.unless[0].rsplit("/", 1)[-1] == "test" else " >/dev/null 2>&1"
        parts.append(f"{_q(guard.unless)}{quiet}")
    return " && ".join(parts) if parts else None


def _step(step: Step, index: int, total: int) -> list[str]:
    mark = " [root]" if step.root else ""
    number = _("step {n}/{total}", n=index, total=total)
    lines = [f"# --- {number}{mark}: {step.id} - {_comment(step.title)}"]
    if step.why:
        lines.append("# " + _("why: {why}", why=_comment(step.why)))
    if step.reboot:
        lines.append("# " + _("needs a reboot afterwards"))
    body: list[str] = []
    for d in step.downloads:
        body += _download(d, step.root)
    for fw in step.files:
        body += _file(fw, step.root)
    for cmd in step.commands:
        body.append(_command(cmd, step.root))
    body += [f"rm -f {shlex.quote(d.dest)}" for d in step.downloads if d.discard]
    if not body:
        body = [":"]
    test = guard_test(step.guard) if step.guard else None
    title = shlex.quote(f"== {step.id}: {_comment(step.title)}")
    if step.reboot:
        # a script has no journal: a marker with the boot id says the step ran, and whether the
        # machine has rebooted since (run again before the reboot: it stops again; after: it goes on)
        marker = f'"$STATE_DIR"/{step.digest()}.done'
        body += ['mkdir -p "$STATE_DIR"', f"boot_id > {marker}",
                 f"echo {shlex.quote(_('reboot now, then run this script again to finish'))}", "exit 0"]
        lines.append(f"if [ -e {marker} ] && [ \"$(cat {marker})\" = \"$(boot_id)\" ]; then")
        lines.append(f"  echo {shlex.quote(_('reboot now, then run this script again to finish'))}")
        lines.append("  exit 0")
        lines.append(f"elif [ -e {marker} ]{' || ' + test if test else ''}; then")
    elif test:
        lines.append(f"if {test}; then")
    if step.reboot or test:
        lines.append(f"  echo {shlex.quote(_('== {step}: already done', step=step.id))}")
        lines.append("else")
        lines.append(f"  echo {title}")
        # only each command's first line: the rest may be inside quotes (a `python -c` program, a file's
        # content), where two more spaces change what runs or what is written
        lines += ["  " + line for line in body]
        lines.append("fi")
    else:
        lines.append(f"echo {title}")
        lines += body
    return lines


def _fetch() -> str:
    return "\n".join([
        "# " + _("downloads: resumable, the next mirror on failure"),
        "fetch() {",
        '  local dest="$1"; shift',
        '  mkdir -p "$(dirname "$dest")"',
        '  for url in "$@"; do',
        '    if curl -fL --retry 3 -C - -o "$dest" "$url"; then return 0; fi',
        "  done",
        "  " + _echo(_("download failed: {path}", path="\0dest\0")) + " >&2; return 1",
        "}",
    ])


def _tools_check(tools: Iterable[str]) -> str:
    """Stop before any step when one of torch-setup's own programs the steps run is gone (a checkout deleted
    since, another machine): a step half done by its fallback, or a guard that fails for want of it and
    runs its step again, would be worse than a script that does nothing."""
    return "\n".join([
        "need_tool() {",
        '  local tool="$1"',
        '  if [ ! -x "$tool" ]; then',
        "    " + _echo(_("{tool} is not there (or cannot be run): this script runs it, as torch-setup's own "
                         "program where it was planned; nothing was changed. Plan again on this machine "
                         "(torch-setup plan --answers, with the same answers file)", tool="\0tool\0")) + " >&2",
        "    exit 1",
        "  fi",
        "}",
        *(f"need_tool {shlex.quote(t)}" for t in tools),
    ])


def conda_engines(plan: Plan) -> tuple[str, ...]:
    """The conda engines (conda, mamba, micromamba: a path, or a name on PATH) the plan's conda steps run
    that no earlier step of it installs (Miniforge's bin/conda is made by its own step, whose guard names
    it), in the order they first appear."""
    made: set[str] = set()
    found: dict[str, None] = {}
    for step in plan.steps:
        if step.kind == "conda":
            found.update((cmd.argv[0], None) for cmd in step.commands if cmd.argv and cmd.argv[0] not in made)
        if step.guard is not None and step.guard.creates:
            made.add(step.guard.creates)
    return tuple(found)


def _conda_check(engines: Iterable[str]) -> str:
    """Stop before any step when the conda engine the plan found is not there where the script runs (another
    machine, a conda removed since, a PATH without it): the environment step would fail half-way through the
    script, after the steps before it ran. A path must be there to run; a bare name, on PATH."""
    return "\n".join([
        "need_conda() {",
        '  local tool="$1"',
        '  case "$tool" in',
        '    */*) [ -x "$tool" ] && return 0 ;;',
        '    *) command -v "$tool" >/dev/null 2>&1 && return 0 ;;',
        "  esac",
        "  " + _echo(_("the conda engine {tool} is not there (or cannot be run): this script's conda steps run "
                       "it, as it was found when the plan was made; nothing was changed. Install conda, mamba or "
                       "micromamba (Miniforge has conda and mamba), or plan again on this machine (torch-setup "
                       "plan --answers, with the same answers file): where it finds none, the plan installs "
                       "Miniforge first", tool="\0tool\0")) + " >&2",
        "  exit 1",
        "}",
        *(f"need_conda {shlex.quote(t)}" for t in engines),
    ])


def render_script(plan: Plan, *, show_secrets: bool = False, target: str | None = None) -> str:
    """The plan as a bash script; credentials in URLs as `***` unless `show_secrets`. `target`: a recorded plan's
    target folder as the answers give it (installer.plan.recorded_folder.recorded_target), for its header."""
    total = len(plan.steps)
    out = [
        "#!/usr/bin/env bash",
        # found in use: the header promised all of install, and a person with verify: true saw no check run
        "# " + _("Install plan made by torch-setup {version}. It does what `torch-setup install` would do; the "
                 "checks install runs after it (verify, bench) are named at its end, to run yourself.",
                 version=__version__),
    ]
    if not show_secrets:
        # every credential in the plan's URLs as ***: argv, environment, fallbacks, downloads, files, guards
        shown = redact_data(plan)
        if shown != plan:
            out.append("# " + _("passwords and tokens in URLs are shown as ***, so those commands cannot log in as "
                                "they are; `torch-setup plan --show-secrets` prints them for a script to run"))
        plan = shown
    blocked = blocked_message(plan)
    if blocked:
        # what `install` refuses, `plan` still prints (it may be for another day's driver): said first, so that
        # a script kept or passed on does not read as one install would run
        out.append("# " + _comment(_("WARNING: `torch-setup install` refuses these answers on the recorded machine: "
                                     "{why}. This script would install that torch all the same; the notes below "
                                     "say what to change first", why=blocked) if plan.meta.get("recorded") else
                                   _("WARNING: `torch-setup install` refuses these answers on this machine: {why}. "
                                     "This script would install that torch all the same; the notes below say "
                                     "what to change first", why=blocked)))
    cpu_only = cpu_only_warning(plan)
    if cpu_only is not None:
        # the CUDA build a GPU-less machine runs on the CPU only: said atop, as the refusal above is
        out.append("# " + _comment(_("WARNING: {why}", why=cpu_only.message)))
    if plan.tools:
        # found in use: a script kept for next week failed, its torch-setup checkout deleted in between
        out.append("# " + _comment(_("it runs torch-setup's own {tools}, which must still be there when it runs "
                                     "(it stops before its first step if one is not): on another machine, or once "
                                     "torch-setup has moved, plan again on the machine that runs it",
                                     tools=listed(plan.tools))))
    for key, value in plan.summary:
        out.append(f"#   {key}: {_comment(target if key == 'target' and target else value)}")
    resolved = dict(plan.summary).get("target")
    if target and resolved:
        # the steps name the folder as this computer resolves it (the planner is pure, and a recorded report has no
        # working folder or home): found by a tester, `target: /home/<user>/.venv-torch` for a lab machine
        from installer.plan.recorded_folder import resolved_here

        out.append("# " + _comment(resolved_here(resolved)))
    for note in plan.notes:
        out.append("# " + _("note: {note}", note=_comment(note)))
    if plan.needs_root:
        out.append("# " + _("steps marked [root] run as root (through sudo when this script is not run as root)"))
    if any(s.files for s in plan.steps):
        out.append("# " + _("a file it replaces is first copied to {dir} (by default {default}), as `torch-setup "
                            "install` keeps it; a second run leaves a file that is already as planned alone",
                            dir="$XDG_STATE_HOME/torch-setup/backups", default="~/.local/state/torch-setup/backups"))
    out += ["set -euo pipefail", ""]
    if plan.tools:
        out += [_tools_check(plan.tools), ""]
    engines = conda_engines(plan)
    if engines:
        out += [_conda_check(engines), ""]
    if plan.needs_root:
        out += ['SUDO=()', 'if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi', ""]
    if any(s.downloads for s in plan.steps):
        out += [_fetch(), ""]
    if any(s.files for s in plan.steps):
        out += [_put_file(), ""]
    if plan.needs_reboot:
        out += ['STATE_DIR="${XDG_STATE_HOME:-$HOME/.local/state}/torch-setup/script"',
                "boot_id() { cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown; }", ""]
    for i, step in enumerate(plan.steps, 1):
        out += _step(step, i, total)
        out.append("")
    if plan.target_python:
        # quoted as a shell reads it: the line is copied into a terminal (found in use: a folder with a blank)
        python = shlex.quote(plan.target_python)
        out.append("# " + _("check the result: torch-setup verify --python {python}", python=python))
        # `install` runs the benchmark the answers ask for (bench: quick | full); the script says how
        bench = plan.meta.get("bench") or "none"
        if bench != "none":
            out.append("# " + _("measure its speed: torch-setup bench --python {python}{quick}",
                                python=python, quick=" --quick" if bench == "quick" else ""))
    # quoted even when shlex would not: a bare `echo done` reads to shellcheck like a loop's end (SC1010)
    done = _("done").replace("'", "'\\''")
    out.append(f"echo '{done}'")
    return "\n".join(out) + "\n"
