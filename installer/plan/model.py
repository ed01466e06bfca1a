"""A plan: the ordered steps a run will take, each a list of argv commands. Pure data.

The planner builds a Plan from answers + hardware report + recipes; the executor runs it; the script
renderer prints it. Nothing here touches the machine.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from installer.redaction import redact_data

StepKind = Literal["apt", "runfile", "conda", "pip", "wheel", "file", "command"]


class Caution(str):
    """A plan note that foretells a step's failure or a check's warning (a source that cannot supply the build, a
    package left in the target that will not fit): the wizard's Review shows it as a warning, not among the
    remarks. Still a str: the script's header, `plan` and `install` print it as any other note."""


# environment variables that carry only words a program prints, in the reader's language (a program run in the
# target cannot import the catalog): what the step does does not change with them, so the digest leaves them
# out, as it leaves out the title, and a step done in one language stays done in the other
SAID_PREFIX = "TORCH_SETUP_SAY_"


@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()  # set for this command on top of the scrubbed environment
    cwd: str | None = None
    ok_codes: tuple[int, ...] = (0,)
    # run instead when this command fails (uv -> pip): the step fails only if the fallback fails too
    fallback: Command | None = None


@dataclass(frozen=True)
class Download:
    """A file fetched by the executor itself (httpx): resumable, sha256-checked, mirror fallback."""

    urls: tuple[str, ...]  # tried in order
    dest: str
    sha256: str | None = None
    size: int | None = None
    # removed once its step has succeeded: an installer of gigabytes (the CUDA runfile) that nothing needs
    # after it ran; a failed step keeps it, so that the retry does not download it again
    discard: bool = False


@dataclass(frozen=True)
class FileWrite:
    """A config file written atomically, the previous content backed up."""

    path: str
    content: str
    mode: int = 0o644
    # a program: the file is written only where it is found on PATH when the step runs (a fish snippet
    # where there is no fish would be a file nothing reads); None: always written
    needs: str | None = None


@dataclass(frozen=True)
class Guard:
    """Ansible-style idempotency: the step is skipped (reported unchanged) when its guard holds."""

    creates: str | None = None  # a path: if it exists, the step is done
    unless: tuple[str, ...] | None = None  # an argv: if it exits 0, the step is done


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    kind: StepKind
    why: str = ""
    commands: tuple[Command, ...] = ()
    downloads: tuple[Download, ...] = ()
    files: tuple[FileWrite, ...] = ()
    guard: Guard | None = None
    root: bool = False
    timeout: float = 1800.0
    reboot: bool = False
    writable: tuple[str, ...] = ()  # paths a sandboxed (non-root) step may write besides cache and tmp
    recipe: str = ""

    def digest(self) -> str:
        """A hash of everything the step will do: the journal's key, so a changed step runs again, and
        the one definition of "the same step" (the journal, the script's reboot marker).

        Made with the credentials in its URLs hidden as `***` (installer.redaction): a rotated password
        or token does not change what the step installs, so a done step stays done; and no key, a file
        name anyone can list, is derived from a secret. A step without credentials hashes as it always
        did, so journals written by earlier versions still match.
        """
        payload = asdict(redact_data(self))
        for k in ("title", "why", "recipe"):
            payload.pop(k, None)
        for c in payload.get("commands", ()):
            while c is not None:
                c["env"] = tuple(e for e in c["env"] if not e[0].startswith(SAID_PREFIX))
                c = c["fallback"]
        for d in payload.get("downloads", ()):
            if not d.get("discard"):  # added later: a download kept, as all were, hashes as it did
                d.pop("discard", None)
        for f in payload.get("files", ()):
            if f.get("needs") is None:  # added later: a file always written, as all were, hashes as it did
                f.pop("needs", None)
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    summary: tuple[tuple[str, str], ...] = ()  # ("torch", "2.13.0"), ("variant", "cpu"), ...
    notes: tuple[str, ...] = ()  # decisions worth telling the user (mirror chosen, why)
    target_python: str | None = None  # the interpreter verify runs in, once the plan is done
    # torch-setup's own programs the steps run by absolute path (its uv, its interpreter): a saved script
    # needs them where they were when it was planned
    tools: tuple[str, ...] = ()
    # (url, the PIP_* variable or file that set it) for the sources taken from this machine's pip configuration
    # (installer.plan.indexes.Indexes.origins): a step that fails on one of them says where to change it
    index_origins: tuple[tuple[str, str], ...] = ()
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def needs_root(self) -> bool:
        return any(s.root for s in self.steps)

    @property
    def needs_reboot(self) -> bool:
        return any(s.reboot for s in self.steps)
