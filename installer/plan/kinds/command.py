"""The `command` kind: one argv, run as it is (no shell), with an optional fallback argv.

    kind: command
    with:
      argv: [${target.python}, -m, pip, check]
      fallback: [...]          # run when argv fails; the step fails only if this fails too
      cwd: ${target.path}
      ok_codes: [0, 1]
"""

from __future__ import annotations

import posixpath

from pydantic import Field, field_validator

from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import Command
from installer.plan.values import VType, check


def _argv(v: tuple[str, ...]) -> tuple[str, ...]:
    if not v or not v[0]:
        raise ValueError("argv needs at least the program to run")
    if any("\x00" in item for item in v):
        raise ValueError("an argv item cannot hold a NUL character")
    check(VType.COMMAND, v[0])
    # the executor refuses these before a plan runs; saying so here lets `recipes validate` catch them
    from installer.executor.allowlist import SHELLS, name_allowed

    if posixpath.basename(v[0]) in SHELLS:
        raise ValueError("a command step runs its program without a shell: write argv: [program, arg, ...]")
    if not name_allowed(v[0]):
        raise ValueError(f"{v[0]} is not on the list of programs torch-setup runs "
                         "(installer/executor/allowlist.py)")
    return v


class CommandParams(KindParams):
    argv: tuple[str, ...]
    fallback: tuple[str, ...] | None = None
    cwd: str | None = None
    ok_codes: tuple[int, ...] = Field(default=(0,), min_length=1)

    @field_validator("argv")
    @classmethod
    def _check_argv(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _argv(v)

    @field_validator("fallback")
    @classmethod
    def _check_fallback(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if v is None else _argv(v)

    @field_validator("cwd")
    @classmethod
    def _check_cwd(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]


class CommandKind(Kind):
    name = "command"
    Params = CommandParams

    def compile(self, params: CommandParams, ctx: KindContext) -> Compiled:
        fallback = Command(argv=params.fallback, cwd=params.cwd) if params.fallback else None
        return Compiled(commands=(Command(argv=params.argv, cwd=params.cwd, ok_codes=params.ok_codes,
                                          fallback=fallback),))


KIND = CommandKind()
