"""doctor where the checked interpreter's site-packages is not writable (detection's `site_writable: false`):
the fixes that install cannot work, so it says so first, with `chmod -R u+w` when the folder is the user's.
Found in use (s22): after `chmod -R a-w ~/proj` and a damaged torch, doctor offered a pip reinstall (permission
denied) and `torch-setup install` (refused), and never said why either would fail."""

from __future__ import annotations

import os
import shlex

import pytest
from probes_support import hardware

from installer.hardware.report import ExistingTorch
from installer.probes.doctor import diagnose


def _verify(prefix: str) -> dict:
    return {"torch_version": None, "python": {"executable": f"{prefix}/bin/python", "prefix": prefix},
            "import_error": "ImportError: cannot import name 'functional'", "checks": []}


def _report(prefix: str, writable: bool | None):
    report = hardware("cpu-only")
    report.existing_torch = ExistingTorch(version="2.13.0", local="+cpu")
    assert report.python is not None
    report.python.prefix = prefix
    report.python.site_packages = f"{prefix}/lib/python3.11/site-packages"
    report.python.site_writable = writable
    return report


def test_a_read_only_env_of_ones_own_is_said_first_with_chmod(tmp_path):
    prefix = str(tmp_path / "my proj")
    os.mkdir(prefix)
    findings = diagnose(_report(prefix, False), _verify(prefix))
    assert [f.id for f in findings] == ["site-not-writable", "torch-broken"]
    first = findings[0]
    assert first.title == f"{prefix}/lib/python3.11/site-packages is not writable by you"
    assert f"`chmod -R u+w {shlex.quote(prefix)}`" in first.fix


@pytest.mark.skipif(os.geteuid() == 0, reason="root owns every folder it makes here; / is not root's to be not-owned")
def test_someone_elses_read_only_env_is_not_told_to_chmod():
    findings = diagnose(_report("/usr", False), _verify("/usr"))
    assert findings[0].id == "site-not-writable" and "chmod" not in findings[0].fix


def test_a_writable_env_and_a_healthy_read_only_one_get_no_such_finding(tmp_path):
    prefix = str(tmp_path)
    assert "site-not-writable" not in [f.id for f in diagnose(_report(prefix, True), _verify(prefix))]
    healthy = {"torch_version": "2.13.0+cpu", "variant": "cpu", "python": {"executable": f"{prefix}/bin/python",
                                                                            "prefix": prefix},
               "checks": [], "cuda": {"is_available": False}}
    assert [f.id for f in diagnose(_report(prefix, False), healthy)] == ["healthy"]
    # a saved report of another interpreter says nothing of this one
    assert "site-not-writable" not in [f.id for f in diagnose(_report("/elsewhere", False), _verify(prefix))]


def test_the_distributions_own_python_is_no_such_problem(tmp_path):
    """Found in use: plain `doctor` (the system Python, PEP 668) called its read-only dist-packages a PROBLEM
    and said to ask its owner; installing there is refused anyway, and the fixes name a venv."""
    prefix = "/usr"
    if os.geteuid() == 0:  # root owns /usr: a folder of another user's stands for it
        import pwd

        prefix = str(tmp_path / "usr")
        os.mkdir(prefix)
        nobody = pwd.getpwnam("nobody")
        os.chown(prefix, nobody.pw_uid, nobody.pw_gid)
    report = _report(prefix, False)
    assert report.python is not None
    report.python.externally_managed = f"{prefix}/lib/python3.11/EXTERNALLY-MANAGED"
    assert "site-not-writable" not in [f.id for f in diagnose(report, _verify(prefix))]
    report.python.externally_managed = None  # a shared venv of someone else's: still said
    assert "site-not-writable" in [f.id for f in diagnose(report, _verify(prefix))]
