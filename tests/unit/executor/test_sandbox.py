"""bubblewrap around non-root steps: the system read-only, the target, cache and temp dir writable."""

from __future__ import annotations

import os
import shutil

import pytest

from installer.executor import sandbox
from installer.plan.model import Plan

from .conftest import finished, py_step, run, statuses

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")


def _write(path) -> str:
    return f"open({str(path)!r}, 'w').write('x')"


def test_only_the_declared_paths_are_writable(tmp_path, state):
    target = tmp_path / "target"
    outside = tmp_path / "outside"
    outside.mkdir()
    plan = Plan(steps=(py_step("inside", _write(target / "ok"), writable=(str(target),)),
                       py_step("outside", _write(outside / "no"), writable=(str(target),))))
    events = run(plan, state)
    assert statuses(events) == {"inside": "changed", "outside": "failed"}
    assert (target / "ok").read_text() == "x"
    assert not (outside / "no").exists()
    failed = [e for e in events if getattr(e, "status", None) == "failed"][0]
    assert any("Read-only file system" in line for line in failed.tail)


@pytest.mark.parametrize("path", ["/usr/torch-setup-sandbox-test", "/etc/torch-setup-sandbox-test"])
def test_the_system_is_read_only(tmp_path, state, path):
    plan = Plan(steps=(py_step("sys", _write(path), writable=(str(tmp_path / "t"),)),))
    assert statuses(run(plan, state)) == {"sys": "failed"}
    assert not os.path.exists(path)


def test_without_the_sandbox_the_same_write_succeeds(tmp_path, state, monkeypatch):
    """The control for the test above: the sandbox, not file permissions, is what refused the write."""
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.setenv("TORCH_SETUP_NO_SANDBOX", "1")
    plan = Plan(steps=(py_step("outside", _write(outside / "yes"), writable=(str(tmp_path / "t"),)),))
    assert statuses(run(plan, state)) == {"outside": "changed"}


def test_cache_and_target_share_a_mount_so_hardlinks_work(tmp_path, state, xdg_home):
    """uv hardlinks from its cache into the environment; separate bind mounts would fail with EXDEV."""
    cached = xdg_home / "cache" / "uv" / "wheel-file"
    cached.parent.mkdir(parents=True)
    cached.write_text("payload")
    target = tmp_path / "venv"
    code = f"import os; os.link({str(cached)!r}, {str(target / 'linked')!r})"
    assert statuses(run(Plan(steps=(py_step("link", code, writable=(str(target),)),)), state)) == {"link": "changed"}
    assert os.stat(target / "linked").st_ino == os.stat(cached).st_ino


def test_network_proc_and_dev_are_available(tmp_path, state):
    out = tmp_path / "t"
    code = ("import os, socket; socket.getaddrinfo('localhost', 80); "
            f"open({str(out / 'r')!r}, 'w').write(str(os.path.exists('/proc/self/status')) + "
            "str(os.path.exists('/dev/null')))")
    assert finished(run(Plan(steps=(py_step("env", code, writable=(str(out),)),)), state)).ok
    assert (out / "r").read_text() == "TrueTrue"


def test_bwrap_arguments_close_everything_but_the_way_to_writable_paths(tmp_path):
    (tmp_path / "a" / "target").mkdir(parents=True)
    (tmp_path / "a" / "sibling").mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "other").mkdir()
    args = sandbox.bwrap_args([str(tmp_path / "a" / "target"), str(tmp_path / "cache")])
    assert args[:6] == ["bwrap", "--die-with-parent", "--unshare-pid", "--ro-bind", "/", "/"]
    assert args[6:9] == ["--bind", str(tmp_path), str(tmp_path)]
    ro = {args[i + 1] for i, a in enumerate(args) if a == "--ro-bind-try"}
    assert ro == {str(tmp_path / "a" / "sibling"), str(tmp_path / "other")}
    assert args[-4:] == ["--dev", "/dev", "--proc", "/proc"]
