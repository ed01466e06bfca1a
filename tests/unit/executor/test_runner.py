"""The executor with real subprocesses: journal, guards, fallback, failures, timeouts, cancel, allowlist, env."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest

from installer.executor.allowlist import NotAllowed, check_step
from installer.executor.events import OutputLine, Progress, StepStarted
from installer.executor.runlock import RunLock, RunLocked
from installer.plan.model import Command, Download, FileWrite, Guard, Plan, Step

from .conftest import PY, finished, py_step, run, statuses


def _append(path: Path, text: str) -> str:
    return f"open({str(path)!r}, 'a').write({text!r})"


def _running(tag: str) -> list[int]:
    """Host pids of live processes whose command line holds `tag` (pids seen inside the sandbox's
    PID namespace mean nothing out here, so processes are found by a tag in their arguments)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if tag.encode() in (proc / "cmdline").read_bytes() and \
                    not (proc / "stat").read_text().split(") ")[1].startswith("Z"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_runs_each_step_once_and_journals_it(tmp_path, state):
    out = tmp_path / "out"
    out.mkdir()
    counter = out / "counter"
    plan = Plan(steps=(py_step("a", _append(counter, "a"), writable=(str(out),)),
                       py_step("b", _append(counter, "b") + "; print('hello from b')", writable=(str(out),))))
    events = run(plan, state)
    assert statuses(events) == {"a": "changed", "b": "changed"}
    assert any(isinstance(e, OutputLine) and e.line == "hello from b" for e in events)
    assert finished(events).ok
    records = {json.loads(p.read_text())["step_id"]: json.loads(p.read_text()) for p in (state / "journal").glob("*.json")}
    assert {k: v["status"] for k, v in records.items()} == {"a": "done", "b": "done"}
    assert (state / "journal" / f"{plan.steps[0].digest()}.json").exists()
    again = run(plan, state)
    assert statuses(again) == {"a": "unchanged", "b": "unchanged"}
    assert counter.read_text() == "ab"
    log = Path(finished(events).log_path)
    assert "hello from b" in log.read_text()


def test_guard_holding_means_unchanged_and_not_run(tmp_path, state):
    marker = tmp_path / "ran"
    done = tmp_path / "exists"
    done.write_text("")
    plan = Plan(steps=(
        py_step("creates", _append(marker, "1"), writable=(str(tmp_path),), guard=Guard(creates=str(done))),
        py_step("unless", _append(marker, "2"), writable=(str(tmp_path),), guard=Guard(unless=(PY, "-c", "pass"))),
        py_step("fails", _append(marker, "3"), writable=(str(tmp_path),),
                guard=Guard(unless=(PY, "-c", "raise SystemExit(1)"))),
    ))
    events = run(plan, state)
    assert statuses(events) == {"creates": "unchanged", "unless": "unchanged", "fails": "changed"}
    assert marker.read_text() == "3"


def test_fallback_runs_when_the_first_command_fails(tmp_path, state):
    marker = tmp_path / "fallback"
    plan = Plan(steps=(Step(id="s", title="s", kind="command", writable=(str(tmp_path),), commands=(
        Command(argv=(PY, "-c", "raise SystemExit(7)"), fallback=Command(argv=(PY, "-c", _append(marker, "ok")))),)),))
    events = run(plan, state)
    assert statuses(events) == {"s": "changed"}
    assert marker.read_text() == "ok"
    assert any("trying" in e.line for e in events if isinstance(e, OutputLine))


def test_a_fallback_run_as_a_module_is_named_by_its_module(tmp_path, state):
    """`python -m pip` is pip to a person (found in use: "uv failed; trying python instead")."""
    plan = Plan(steps=(Step(id="s", title="s", kind="command", commands=(
        Command(argv=(PY, "-c", "raise SystemExit(2)"), fallback=Command(argv=(PY, "-m", "pip", "--version"))),)),))
    events = run(plan, state)
    assert statuses(events) == {"s": "changed"}
    said = [e.line for e in events if isinstance(e, OutputLine) and "trying" in e.line]
    assert said == [f"{Path(PY).name} failed: exit code 2; trying pip instead"]


def test_failure_stops_with_tail_and_log(tmp_path, state):
    later = tmp_path / "later"
    code = "import sys\nfor i in range(30): print('line', i)\nprint('the reason', file=sys.stderr)\nsys.exit(3)"
    plan = Plan(steps=(py_step("bad", code), py_step("later", _append(later, "x"), writable=(str(tmp_path),))))
    events = run(plan, state)
    failed = [e for e in events if getattr(e, "status", None) == "failed"][0]
    assert "exit code 3" in failed.detail
    # one pipe for stdout and stderr: the reason, written last, ends the tail (it used to race)
    assert "the reason" in failed.tail and "line 29" in failed.tail and len(failed.tail) == 20
    assert "line 0" not in failed.tail
    end = finished(events)
    assert not end.ok and end.failed_step == "bad" and Path(end.log_path).is_file()
    assert "the reason" in Path(end.log_path).read_text()
    assert not later.exists()
    assert "later" not in statuses(events)


def test_timeout_kills_the_whole_process_group(tmp_path, state):
    tag = f"grandchild-{os.getpid()}-{time.monotonic_ns()}"
    started = tmp_path / "started"
    code = ("import subprocess, sys, time\n"
            f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', {tag!r}])\n"
            f"open({str(started)!r}, 'w').write('yes')\n"
            "time.sleep(120)")
    plan = Plan(steps=(py_step("slow", code, timeout=3, writable=(str(tmp_path),)),))
    start = time.monotonic()
    from installer.executor import run_plan

    events, seen = [], []
    for event in run_plan(plan, state_dir=state):
        events.append(event)
        if isinstance(event, StepStarted):
            threading.Thread(target=lambda: seen.extend(_running(tag) if _wait_for(started.exists) else [])).start()
    assert time.monotonic() - start < 30
    assert seen, "the grandchild was never seen running: the test would prove nothing"
    failed = [e for e in events if getattr(e, "status", None) == "failed"][0]
    assert "timed out" in failed.detail
    assert started.exists()
    assert _wait_for(lambda: not _running(tag), 10)


def test_cancel_stops_the_step_and_its_children(tmp_path, state):
    pids = tmp_path / "pid"
    tag = f"cancelled-{os.getpid()}-{time.monotonic_ns()}"
    code = (f"import os, time\nopen({str(pids)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)\n# {tag}")
    plan = Plan(steps=(py_step("long", code, writable=(str(tmp_path),)), py_step("next", "pass")))
    cancel = threading.Event()
    from installer.executor import run_plan

    events, seen = [], []
    for event in run_plan(plan, state_dir=state, cancel=cancel):
        events.append(event)
        if isinstance(event, StepStarted) and event.step_id == "long":
            threading.Thread(target=lambda: (_wait_for(pids.exists), seen.extend(_running(tag)),
                                             cancel.set())).start()
    end = finished(events)
    assert end.interrupted and not end.ok and end.failed_step == "long"
    assert "next" not in statuses(events)
    assert seen
    assert _wait_for(lambda: not _running(tag), 10)
    record = json.loads((state / "journal" / f"{plan.steps[0].digest()}.json").read_text())
    assert record["status"] == "failed" and record["detail"] == "interrupted"


def test_program_outside_the_allowlist_is_refused_before_anything_runs(tmp_path, state):
    marker = tmp_path / "first"
    plan = Plan(steps=(py_step("first", _append(marker, "x"), writable=(str(tmp_path),)),
                       Step(id="evil", title="e", kind="command", commands=(Command(argv=("curl", "http://x")),))))
    with pytest.raises(NotAllowed, match="curl"):
        run(plan, state)
    assert not marker.exists()
    assert not state.exists()
    # a fallback and a guard are checked too
    for step in (Step(id="f", title="f", kind="command", commands=(
                     Command(argv=(PY, "-c", "pass"), fallback=Command(argv=("/tmp/nc", "-l"))),)),
                 Step(id="g", title="g", kind="command", guard=Guard(unless=("wget", "x")),
                      commands=(Command(argv=(PY, "-c", "pass")),))):
        with pytest.raises(NotAllowed):
            run(Plan(steps=(step,)), state)


def test_a_shell_runs_only_the_file_its_step_downloaded(tmp_path, state):
    """sh and bash are on the list for runfiles (`sh cuda_*.run`): with -c, or a script from anywhere
    else, a recipe could run anything."""
    marker = tmp_path / "ran"
    for argv in (("bash", "-c", f"touch {marker}"), ("sh", str(tmp_path / "script.sh")), ("/bin/sh",)):
        step = Step(id="s", title="s", kind="command", commands=(Command(argv=argv),))
        with pytest.raises(NotAllowed, match="may only run a file the step downloads"):
            run(Plan(steps=(step,)), state)
    assert not marker.exists() and not state.exists()
    download = Download(urls=("http://127.0.0.1:9/cuda.run",), dest=str(tmp_path / "cuda.run"), sha256="ab" * 32)
    check_step(Step(id="r", title="r", kind="runfile", downloads=(download,),
                    commands=(Command(argv=("sh", download.dest, "--silent")),)))  # a runfile: allowed


def test_environment_is_scrubbed_to_the_allowlist(tmp_path, state, monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    monkeypatch.setenv("PYTHONPATH", "/nowhere")
    monkeypatch.setenv("VIRTUAL_ENV", "/some/venv")
    monkeypatch.setenv("LC_TIME", "C")
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example/simple")
    # what guides for users in China set so that uv fetches a missing Python from a mirror
    monkeypatch.setenv("UV_PYTHON_INSTALL_MIRROR", "https://mirror.example/python-build-standalone")
    monkeypatch.setenv("UV_INDEX_STRATEGY", "unsafe-best-match")
    dump = tmp_path / "env.json"
    code = f"import json, os; json.dump(dict(os.environ), open({str(dump)!r}, 'w'))"
    plan = Plan(steps=(py_step("env", code, writable=(str(tmp_path),), env=(("DEBIAN_FRONTEND", "noninteractive"),)),))
    run(plan, state)
    env = json.loads(dump.read_text())
    for gone in ("SECRET_TOKEN", "PYTHONPATH", "VIRTUAL_ENV"):
        assert gone not in env
    assert env["PATH"] and env["HOME"] == os.environ["HOME"]
    assert env["LC_TIME"] == "C" and env["https_proxy"] == "http://proxy.example:3128"
    assert env["PIP_INDEX_URL"] == "https://mirror.example/simple"
    assert env["UV_PYTHON_INSTALL_MIRROR"] == "https://mirror.example/python-build-standalone"
    assert env["UV_INDEX_STRATEGY"] == "unsafe-best-match"
    assert env["DEBIAN_FRONTEND"] == "noninteractive"
    assert env["TMPDIR"] != os.environ.get("TMPDIR")


def test_dry_run_runs_and_creates_nothing(tmp_path, state):
    marker = tmp_path / "m"
    plan = Plan(steps=(py_step("a", _append(marker, "x"), writable=(str(tmp_path),)),))
    events = run(plan, state, dry_run=True)
    assert statuses(events) == {"a": "skipped"}
    assert any("would run" in e.line for e in events if isinstance(e, OutputLine))
    assert not marker.exists() and not state.exists()


def test_a_run_into_a_place_another_run_holds_is_refused_and_changes_nothing(tmp_path, state, monkeypatch):
    monkeypatch.setenv("TORCH_SETUP_LOCK_DIR", str(tmp_path / "locks"))
    target, other = tmp_path / "env", tmp_path / "other-env"
    marker = tmp_path / "ran"
    plan = Plan(steps=(py_step("a", _append(marker, "x"), writable=(str(target),)),))
    with RunLock([str(target)], fallback_dir=state), pytest.raises(RunLocked) as refused:
        run(plan, state)
    assert refused.value.exit_code == 2
    assert f"pid {os.getpid()}" in refused.value.message and str(target) in refused.value.message
    assert not marker.exists() and not (state / "journal").exists()
    # another place is not held: the same user's runs into different environments go ahead
    with RunLock([str(other)], fallback_dir=state):
        assert statuses(run(plan, state)) == {"a": "changed"}


def test_reboot_step_stops_the_run_until_the_machine_rebooted(tmp_path, state):
    marker = tmp_path / "after"
    plan = Plan(steps=(py_step("driver", "pass", reboot=True),
                       py_step("after", _append(marker, "x"), writable=(str(tmp_path),))))
    first = run(plan, state)
    assert finished(first).reboot_required and "after" not in statuses(first)
    second = run(plan, state)
    assert finished(second).reboot_required and not marker.exists()
    journal = state / "journal" / f"{plan.steps[0].digest()}.json"
    record = json.loads(journal.read_text())
    record["boot_id"] = "an-earlier-boot"
    journal.write_text(json.dumps(record))
    third = run(plan, state)
    assert statuses(third) == {"driver": "unchanged", "after": "changed"} and finished(third).ok


def test_a_torn_journal_record_counts_as_no_record(tmp_path, state):
    marker = tmp_path / "m"
    plan = Plan(steps=(py_step("a", _append(marker, "x"), writable=(str(tmp_path),), guard=Guard(creates=str(marker))),))
    (state / "journal").mkdir(parents=True)
    (state / "journal" / f"{plan.steps[0].digest()}.json").write_text('{"status": "do')
    assert statuses(run(plan, state)) == {"a": "changed"}
    assert statuses(run(plan, state)) == {"a": "unchanged"}


def test_downloads_and_file_writes_go_through_their_modules(tmp_path, state):
    src = tmp_path / "payload.bin"
    src.write_bytes(os.urandom(300_000))
    dest = tmp_path / "dl" / "payload.bin"
    conf = tmp_path / "etc" / "demo.conf"
    plan = Plan(steps=(Step(id="get", title="get", kind="file",
                            downloads=(Download(urls=(src.as_uri(),), dest=str(dest),
                                                sha256=hashlib.sha256(src.read_bytes()).hexdigest()),),
                            files=(FileWrite(path=str(conf), content="key = value\n"),)),))
    events = run(plan, state)
    assert statuses(events) == {"get": "changed"}, events
    assert dest.read_bytes() == src.read_bytes()
    assert conf.read_text() == "key = value\n"
    assert any(isinstance(e, Progress) for e in events)


def test_dry_run_shows_the_diff_a_file_write_would_make(tmp_path, state):
    conf = tmp_path / "etc" / "demo.conf"
    conf.parent.mkdir()
    conf.write_text("keep = 1\nold = 2\n")
    plan = Plan(steps=(Step(id="conf", title="conf", kind="file",
                            files=(FileWrite(path=str(conf), content="keep = 1\nnew = 3\n"),)),))
    events = run(plan, state, dry_run=True)
    lines = [e.line for e in events if isinstance(e, OutputLine)]
    assert f"would write {conf}" in lines
    assert "-old = 2" in lines and "+new = 3" in lines and " keep = 1" in lines
    assert statuses(events) == {"conf": "skipped"} and finished(events).ok
    assert conf.read_text() == "keep = 1\nold = 2\n" and not state.exists()


def test_a_finished_run_keeps_its_target_for_verify_bench_and_doctor(tmp_path, state):
    # in the executor, so the wizard's install counts too (found in use: only `install` recorded it)
    from dataclasses import replace

    from installer.probes.last_target import last_target

    target = tmp_path / "env" / "bin" / "python"
    target.parent.mkdir(parents=True)
    target.symlink_to(PY)
    failing = replace(Plan(steps=(py_step("a", "raise SystemExit(3)"),)), target_python=str(target))
    assert not finished(run(failing, state)).ok
    assert last_target(state) is None, "a failed run is not the install to check"
    assert finished(run(failing, state, dry_run=True)) and last_target(state) is None, "nor a dry run"
    done = replace(Plan(steps=(py_step("b", "pass"),)), target_python=str(target))
    assert finished(run(done, state)).ok
    assert last_target(state) == str(target)
