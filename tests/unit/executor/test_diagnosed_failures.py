"""A failed step says its likely cause and what to do, read from the real tool's output as it streamed."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from installer.executor.events import StepFinished
from installer.executor.plain import PlainProgress
from installer.plan.model import Command, Plan, Step

from .conftest import PY, finished, py_step, run

UV = str(Path(sys.executable).with_name("uv"))


def test_a_version_no_source_has_names_the_package_and_the_way_out(tmp_path, state):
    venv = tmp_path / "env"
    subprocess.run([UV, "venv", "-q", "--python", PY, str(venv)], check=True)
    empty = tmp_path / "wheels"
    empty.mkdir()
    # the real uv, resolving from a folder of wheels that has no torchvision at all
    install = Command(argv=(UV, "pip", "install", "--python", str(venv / "bin" / "python"), "--no-index",
                            "--find-links", str(empty), "torchvision==0.28.0+cpu"))
    plan = Plan(steps=(Step(id="torch", title="Install torchvision", kind="command", commands=(install,),
                            writable=(str(venv), str(tmp_path / "cache"))),))
    events = run(plan, state)
    failed = next(e for e in events if isinstance(e, StepFinished) and e.status == "failed")
    assert failed.cause == "torchvision==0.28.0+cpu is not in the package sources this run uses", failed
    assert "PyTorch wheel index" in failed.hint
    log = Path(finished(events).log_path).read_text()
    assert "likely cause: torchvision==0.28.0+cpu is not in the package sources" in log

    out = io.StringIO()
    PlainProgress(out, quiet=True).consume(iter(events))
    text = out.getvalue()
    assert "likely cause: torchvision==0.28.0+cpu is not in the package sources this run uses" in text
    assert text.index("likely cause") > text.index("| ")  # after the tail it is read from


def test_an_unknown_failure_claims_no_cause(tmp_path, state):
    events = run(Plan(steps=(py_step("bad", "raise SystemExit('something only this step knows')"),)), state)
    failed = next(e for e in events if isinstance(e, StepFinished) and e.status == "failed")
    assert failed.cause == "" and failed.hint == ""
    out = io.StringIO()
    PlainProgress(out, quiet=True).consume(iter(events))
    assert "likely cause" not in out.getvalue()
