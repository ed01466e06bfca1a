"""The recommendation as text for people (the `recommend` command without --json)."""

from __future__ import annotations

from installer.compat.model import Action, Choice, Recommendation, requirements
from installer.i18n import _
from installer.i18n.phrases import listed


def _title(c: Choice) -> str:
    parts = [f"torch {c.torch}", _("{text} ({note})", text=c.variant, note=f"CUDA {c.cuda}") if c.cuda else c.variant]
    libs = [f"{name} {v}" for name, v in (("torchvision", c.torchvision), ("torchaudio", c.torchaudio)) if v]
    return listed([" + ".join(parts), *libs, *([f"Python {c.python}"] if c.python else [])])


def _requirements(c: Choice) -> str:
    return " ".join(requirements(c.torch, c.local, c.torchvision, c.torchaudio))


def _machine(rec: Recommendation, machine_python: str | None = None) -> str:
    f = rec.facts
    gpus: list[str] = []
    for g in f.get("nvidia_gpus", []):
        cc = g.get("compute_capability") or "?"
        arch = _(", ") + g["arch"] if g.get("arch") else ""
        gpus.append(_("{name} (compute capability {cc}{arch})", name=g["name"], cc=cc, arch=arch))
    for g in f.get("amd_gpus", []):
        gpus.append(f"{g['name']} ({g.get('gfx') or '?'})")
    # eight H100s are one line, "8x NVIDIA H100 ...", as doctor says it, not the same words eight times
    counts = dict.fromkeys(gpus, 0)
    for text in gpus:
        counts[text] += 1
    bits = [f.get("platform_text") or f.get("platform") or "?"]
    bits += [f"{n}x {text}" if n > 1 else text for text, n in counts.items()]
    if f.get("driver"):
        bits.append(_("NVIDIA driver {v} (CUDA {c})", v=f["driver"], c=f.get("driver_cuda") or "?"))
    elif f.get("driver_loaded"):
        bits.append(_("NVIDIA driver loaded, version unknown"))
    if machine_python and f.get("python") and _minor(machine_python) != f["python"]:
        # the facts' Python is the one asked for (--python): the machine's own is said beside it (found by a
        # tester: "Python 3.9" for a recorded machine with 3.12.3)
        bits.append(_("Python {have} (Python {asked} asked for)", have=machine_python, asked=f["python"]))
    elif machine_python:
        bits.append("Python " + machine_python)
    elif f.get("python"):
        bits.append("Python " + f["python"])
    # the parts of one machine, said as a description ("，" in Chinese), not a list of like items ("、")
    return _(", ").join(bits)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _other_python(c: Choice, machine_python: str | None, recorded: bool) -> str | None:
    """The `needs:` line of a choice whose Python was asked for (--python) and is not the machine's: its
    environment is made with that Python, which the solver counts as there (no install-python action), and
    uv downloads it when the plan runs, as `plan` explains. None when the choice uses the machine's Python."""
    if not machine_python or not c.python or c.action("install-python") or _minor(machine_python) == c.python:
        return None
    what = _("create the environment with Python {v}", v=c.python)
    why = (_("the recorded machine has Python {have}; uv downloads Python {v} for it when the plan runs there, "
             "unless it is on the PATH", have=machine_python, v=c.python) if recorded else
           _("this machine has Python {have}; uv downloads Python {v} for it when the plan runs, unless it is on "
             "the PATH", have=machine_python, v=c.python))
    return "  " + _("needs: {what} ({why})", what=what, why=why)


def _installed_by_hand(action: Action) -> bool:
    """A driver branch torch-setup installs no driver of (R470 and older: installer.plan.driver_request), offered
    as the last one that runs the GPU, past NVIDIA's support."""
    from installer.plan.driver_request import LAST_ENDED_BRANCH

    return bool(action.support_ended and action.host != "windows" and action.branch and action.branch.isdigit()
                and int(action.branch) <= LAST_ENDED_BRANCH)


def render_recommendation(rec: Recommendation, *, show_all: bool = False, recorded: bool = False,
                          by_hand_on: str | None = None, machine_python: str | None = None,
                          all_command: str = "torch-setup recommend --all") -> str:
    """`recorded`: the report is a recorded one (--hardware), said as the recorded machine, not this one.
    `by_hand_on`: the system's name where its own packages install the NVIDIA driver and torch-setup installs
    none (installer.plan.driver_request.distribution_installs_driver), said beside each driver a build needs.
    `machine_python`: the report's Python version (3.12.3), said beside a Python asked for with --python.
    `all_command`: the command that lists the refused builds, with the options of the one that printed this
    (--hardware, --python, ...), as the caller words it (found by a tester: a K80's hint said plain `torch-setup
    recommend --all`, which lists the builds of the machine it is pasted on)."""
    out: list[str] = [_("The recorded machine: {m}", m=_machine(rec, machine_python)) if recorded else
                      _("This machine: {m}", m=_machine(rec, machine_python)), ""]
    if not rec.choices:
        out.append(_("No PyTorch build fits the recorded machine.") if recorded else
                   _("No PyTorch build fits this machine."))
    for i, c in enumerate(rec.choices):
        head = _("Recommended") if i == 0 else _("Alternative {n}", n=i)
        out.append(_("{head}: {build}", head=head, build=_title(c)))
        other_python = _other_python(c, machine_python, recorded)
        if other_python:
            out.append(other_python)
        if c.actions:
            for a in c.actions:
                if a.kind == "install-driver" and a.version and by_hand_on and a.host != "windows":
                    out.append("  " + _("needs: update the NVIDIA R{b} driver to {v} or newer ({why}), by hand: "
                                        "torch-setup installs no NVIDIA driver on {os}", b=a.branch, v=a.version,
                                        why=a.reason, os=by_hand_on))
                    continue
                if a.kind == "install-driver" and a.version:  # on the branch already, below the version needed
                    what = _("update the NVIDIA R{b} driver to {v} or newer", b=a.branch, v=a.version)
                elif a.kind == "install-driver" and _installed_by_hand(a):
                    # "install NVIDIA driver branch R470" read as what torch-setup would do, and only the last
                    # line said it does not (found by a tester on a K80)
                    out.append("  " + _("needs: NVIDIA driver branch R{b} ({why}), installed by hand: torch-setup "
                                        "does not install R{b}, as NVIDIA ended its support", b=a.branch, why=a.reason))
                    continue
                elif a.kind == "install-driver" and by_hand_on and a.host != "windows":
                    # "needs: install NVIDIA driver branch R580" read as what torch-setup would do on Rocky Linux
                    # too, and only the last paragraph said it does not (found by a tester)
                    out.append("  " + _("needs: NVIDIA driver branch R{b} ({why}), installed by hand: torch-setup "
                                        "installs no NVIDIA driver on {os}", b=a.branch, why=a.reason,
                                        os=by_hand_on))
                    continue
                elif a.kind == "install-driver":
                    what = _("install NVIDIA driver branch R{b}", b=a.branch)
                else:
                    what = _("create the environment with Python {v}", v=a.version)
                if a.host == "windows":
                    what += _(" (on Windows)")
                out.append("  " + _("needs: {what} ({why})", what=what, why=a.reason))
        elif not other_python:
            out.append("  " + (_("works on the recorded machine as it is") if recorded else
                               _("works on this machine as it is")))
        for r in c.reasons:
            out.append(f"  - {r}")
        out.append("  " + _("pins: {reqs}", reqs=_requirements(c)))
        out.append("")
    if rec.warnings:
        out.append(_("Warnings:"))
        out += [f"  ! {w}" for w in rec.warnings]
        out.append("")
    if rec.rejected:
        if show_all:
            out.append(_("Refused:"))
            width = max(len(r.torch) for r in rec.rejected)
            vwidth = max(len(r.variant) for r in rec.rejected)
            for rej in rec.rejected:
                out.append(f"  {rej.torch:<{width}}  {rej.variant:<{vwidth}}  {rej.reason}")
        elif rec.choices:
            # every refused build is of the first choice's release or newer (installer.compat.solver.recommend
            # keeps no older one), and of that release it counts the other variants too (cu121 beside cu124)
            out.append(_("{n} other builds of torch {torch} or newer were refused; `{command}` shows why.",
                         n=len(rec.rejected), torch=rec.choices[0].torch, command=all_command)
                       if len(rec.rejected) > 1 else
                       _("Another build of torch {torch} or newer was refused; `{command}` shows why.",
                         torch=rec.choices[0].torch, command=all_command))
        else:
            out.append(_("{n} builds were refused; `{command}` shows why.", n=len(rec.rejected), command=all_command)
                       if len(rec.rejected) > 1 else
                       _("One build was refused; `{command}` shows why.", command=all_command))
    return "\n".join(out).rstrip() + "\n"
