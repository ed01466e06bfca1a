"""What a failing step tells, and the folders a plan needs: the tail of the installer's own log (the
kind names it), and a folder that can never be made (a file in the way) refused before anything runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from installer.errors import InputError
from installer.executor.events import OutputLine, StepFinished
from installer.plan.kinds.base import get_kind
from installer.plan.model import Command, FileWrite, Plan, Step

from .conftest import PY, finished, py_step, run, statuses


def _runfile_step(code: str, writable: tuple[str, ...]) -> Step:
    """A step of the runfile kind (the kind that names CUDA's installer logs); the "installer" is a
    real python process that writes its log and fails, as NVIDIA's does on a full disk."""
    return Step(id="toolkit", title="toolkit", kind="runfile", writable=writable,
                commands=(Command(argv=(PY, "-c", code, "--silent", "--toolkit")),))


@pytest.fixture
def logs(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """The runfile kind's log paths, moved into the test's folder (the real ones are shared by the machine)."""
    root_log, user_log = tmp_path / "var-log" / "cuda-installer.log", tmp_path / "tmp" / "cuda-installer.log"
    root_log.parent.mkdir()
    user_log.parent.mkdir()
    kind = get_kind("runfile")
    monkeypatch.setattr(kind, "failure_logs", lambda step: (str(root_log), str(user_log)))
    return root_log, user_log


def test_a_failed_step_shows_the_tail_of_the_installer_log_it_wrote(tmp_path, state, logs):
    _root_log, user_log = logs
    lines = [f"[INFO]: extracting part {i}" for i in range(40)] + ["[ERROR]: No space left on device"]
    code = (f"open({str(user_log)!r}, 'w').write({chr(10).join(lines)!r} + '\\n'); "
            "import sys; print('Installation failed. See log at the log file.', file=sys.stderr); sys.exit(1)")
    events = run(Plan(steps=(_runfile_step(code, (str(user_log.parent),)),)), state)
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert failed.status == "failed"
    assert "Installation failed. See log at the log file." in failed.tail  # the output's own tail first
    header = failed.tail.index(f"--- the last lines of {user_log} ---")
    assert failed.tail[-1] == "[ERROR]: No space left on device"
    assert len(failed.tail) - header - 1 == 20  # the last 20 lines of the log, not all of it
    assert "[INFO]: extracting part 21" in failed.tail and "[INFO]: extracting part 20" not in failed.tail
    # shown as it happens (output lines), and kept in the run's log
    assert any(isinstance(e, OutputLine) and e.line == "[ERROR]: No space left on device" for e in events)
    assert "No space left on device" in Path(finished(events).log_path).read_text()


def test_a_log_from_before_the_step_explains_nothing_and_is_not_shown(tmp_path, state, logs):
    root_log, user_log = logs
    root_log.write_text("[ERROR]: a failure of some earlier run\n")
    old = time.time() - 3600
    os.utime(root_log, (old, old))
    events = run(Plan(steps=(_runfile_step("import sys; sys.exit(3)", ()),)), state)
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert failed.status == "failed" and "exit code 3" in failed.detail
    assert not any("earlier run" in line or "last lines of" in line for line in failed.tail)
    assert not user_log.exists()


def test_a_step_that_succeeds_shows_no_log(tmp_path, state, logs):
    _root_log, user_log = logs
    code = f"open({str(user_log)!r}, 'w').write('[INFO]: all fine\\n')"
    events = run(Plan(steps=(_runfile_step(code, (str(user_log.parent),)),)), state)
    assert statuses(events) == {"toolkit": "changed"}
    assert not any(isinstance(e, OutputLine) and "last lines of" in e.line for e in events)


def test_a_target_below_a_regular_file_is_refused_before_anything_runs(tmp_path, state):
    marker = tmp_path / "first-ran"
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where the environment's parent folder should be\n")
    plan = Plan(steps=(py_step("first", f"open({str(marker)!r}, 'w')", writable=(str(tmp_path),)),
                       py_step("venv", "pass", writable=(str(blocker / "venv"),))))
    with pytest.raises(InputError) as err:
        run(plan, state)
    text = err.value.render()
    assert f"{blocker} is a file, not a folder" in text and "step venv" in text
    assert "move" in text and "nothing was changed" in text
    assert not marker.exists() and not state.exists()  # nothing ran, no journal was started
    assert blocker.read_text().startswith("a file")


def test_a_file_to_write_below_a_regular_file_is_refused_too(tmp_path, state):
    blocker = tmp_path / "etc"
    blocker.write_text("")
    plan = Plan(steps=(Step(id="conf", title="conf", kind="file",
                            files=(FileWrite(path=str(blocker / "profile.d" / "x.sh"), content="x\n"),)),))
    with pytest.raises(InputError, match="is a file, not a folder"):
        run(plan, state)
    with pytest.raises(InputError):  # a dry run says so as well: it is what the real run would meet
        run(plan, state, dry_run=True)


def test_a_cache_folder_below_a_regular_file_is_a_clear_error(tmp_path, state, monkeypatch):
    from installer.errors import TorchSetupError

    blocker = tmp_path / "cache-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    with pytest.raises(TorchSetupError) as err:
        run(Plan(steps=(py_step("a", "pass"),)), state)
    assert f"{blocker} is a file, not a folder" in err.value.render()
    assert "XDG_CACHE_HOME" in err.value.render()


def test_a_folder_that_appears_blocked_during_the_run_fails_the_step_in_words(tmp_path, state):
    """The check before the run cannot see a file made by an earlier step: the step still fails with a
    message, never a traceback."""
    target = tmp_path / "out"
    plan = Plan(steps=(py_step("blocker", f"open({str(target)!r}, 'w')", writable=(str(tmp_path),)),
                       py_step("after", "pass", writable=(str(target / "venv"),))))
    events = run(plan, state)
    assert statuses(events) == {"blocker": "changed", "after": "failed"}
    failed = [e for e in events if isinstance(e, StepFinished) and e.status == "failed"][0]
    assert f"{target} is a file, not a folder" in failed.detail


def test_a_folder_root_cannot_make_does_not_advise_running_as_root(monkeypatch):
    import errno

    from installer.executor import runner

    exc = OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(runner.os, "geteuid", lambda: 0)
    assert "as root" not in (runner.folder_error("/ro/env", exc).hint or "")
    monkeypatch.setattr(runner.os, "geteuid", lambda: 1000)
    assert "run the step as root" in (runner.folder_error("/ro/env", exc).hint or "")
