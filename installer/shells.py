"""The user's own shell, for advice that names a shell command (how to remove a variable of the environment).

The shell is read at the edge, from $SHELL (user_shell: the command line, the runner, an environment mapping a
caller was given), and passed in as a name: what is chosen and planned stays the same for the same answers and
report. Files a shell sources (the CUDA toolkit's environment snippets) are written for both sh and fish
instead, and named both: installer.plan.kinds.file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def user_shell(environ: Mapping[str, str] | None = None) -> str | None:
    """The basename of $SHELL in `environ` (by default this process's environment): "fish", "bash"; None when
    it is unset or empty."""
    env = os.environ if environ is None else environ
    return os.path.basename(env.get("SHELL", "").strip().rstrip("/")) or None


def unset_command(name: str, shell: str | None) -> str:
    """The command that removes the environment variable `name` in `shell` (the basename of the user's
    $SHELL; None: unknown). fish and the csh family have no `unset` for a variable of the environment (fish:
    `set -e`, fish-shell.com/docs/current/cmds/set.html; csh/tcsh: `unsetenv`, tcsh(1))."""
    if shell == "fish":
        return f"set -e {name}"
    if shell in ("csh", "tcsh"):
        return f"unsetenv {name}"
    return f"unset {name}"
