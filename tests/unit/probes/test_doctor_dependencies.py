"""doctor's finding for what torch, torchvision or torchaudio need and lack, as pure functions of recorded
verify outputs and the host check's rows (tests/e2e/test_dependencies_missing_fix.py runs the fixes)."""

from __future__ import annotations

import shlex

from probes_support import hardware, recorded_verify

from installer.probes.doctor import diagnose, verdict
from installer.probes.host import MissingDependency

PILLOW = MissingDependency("pillow", "torchvision", "torchvision", "pillow!=8.3.*,>=5.3.0", "")


def _cpu(**companion: object) -> dict:
    verify = recorded_verify("cpu-2.13.0")  # recorded where NumPy was not installed
    if companion:
        verify["companion_checks"] = {"torchvision": {"version": "0.28.0+cpu", "requires_torch": ["torch==2.13.0"],
                                                      **companion}}
    return verify


def _fix_commands(fix: str) -> list[list[str]]:
    return [shlex.split(part) for part in fix.split("`")[1::2]]


def test_a_companions_dependency_is_named_for_it_and_installed_as_it_asks():
    (found,) = diagnose(hardware("cpu-only"), _cpu(), missing=(PILLOW,), index=lambda _v: "http://127.0.0.1:9/simple")
    assert found.id == "dependencies-missing" and not verdict([found])
    assert found.title == "packages needed by torchvision are missing: pillow"
    assert found.explanation == ("pillow is not installed (torchvision needs it); the parts of torchvision that "
                                 "import it fail")
    (cmd,) = _fix_commands(found.fix)
    assert cmd[-3:] == ["pillow!=8.3.*,>=5.3.0", "--index-url", "http://127.0.0.1:9/simple"]
    assert not any(word.startswith("torch") for word in cmd[cmd.index("install"):])


def test_two_askers_of_one_package_are_joined_and_a_half_installed_one_is_put_back_alone():
    missing = (MissingDependency("numpy", "torchvision", "torchvision", "numpy", ""),
               MissingDependency("numpy", "scipy", "torchvision", "numpy<2.6,>=1.23.5", ""),
               MissingDependency("filelock", "torch", "torch", "filelock", "3.20.0"))
    (found,) = diagnose(hardware("cpu-only"), _cpu(), missing=missing, index=lambda _v: None)
    assert found.title == "packages needed by torch and torchvision are missing: filelock and numpy"
    absent, broken = _fix_commands(found.fix)
    assert absent[-1] == "numpy<2.6,>=1.23.5" and "--force-reinstall" not in absent
    assert broken[-3:] == ["--force-reinstall", "--no-deps", "filelock==3.20.0"]
    assert "; then reinstall, without dependencies, the half-installed filelock==3.20.0: `" in found.fix


def test_the_install_again_is_offered_first_where_the_caller_found_one():
    (found,) = diagnose(hardware("cpu-only"), _cpu(), missing=(PILLOW,), rerun="torch-setup install --answers a.yaml")
    assert found.fix.startswith("run `torch-setup install --answers a.yaml`: its install step finds it missing "
                                "and installs it; or install what is not there, and nothing else: `")
    mpmath = MissingDependency("mpmath", "sympy", "torch", "mpmath<1.4,>=1.1.0", "")
    (found,) = diagnose(hardware("cpu-only"), _cpu(), missing=(PILLOW, mpmath), rerun="torch-setup install "
                        "--answers a.yaml")
    assert found.fix.startswith("run `torch-setup install --answers a.yaml`: its install step finds them missing "
                                "and installs them; or install what is not there, and nothing else: `")


def test_a_companion_short_of_a_module_is_left_to_the_dependency_finding():
    error = "ModuleNotFoundError: No module named 'PIL'"
    alone = diagnose(hardware("cpu-only"), _cpu(import_error=error))
    assert [f.id for f in alone] == ["companion-torchvision"]
    assert alone[0].title == "torchvision 0.28.0+cpu does not import: a package it needs is missing"
    assert "--force-reinstall" not in alone[0].fix and "torchvision==0.28.0+cpu" in alone[0].fix
    # the host check found what is missing: one finding, which names it (and NumPy's warning keeps to its check)
    beside = diagnose(hardware("cpu-only"), _cpu(import_error=error), missing=(PILLOW,))
    assert [f.id for f in beside] == ["dependencies-missing"]


def test_a_companion_made_for_another_torch_is_still_said_so():
    # its own operator missing, or its pin off: not a dependency, whatever else is missing beside it
    wrong = diagnose(hardware("cpu-only"), _cpu(import_error="RuntimeError: operator torchvision::nms does not "
                                                             "exist"), missing=(PILLOW,))
    assert [f.id for f in wrong] == ["companion-torchvision", "dependencies-missing"]
    assert "does not fit torch 2.13.0+cpu" in wrong[0].title
    own = diagnose(hardware("cpu-only"), _cpu(import_error="ModuleNotFoundError: No module named 'torchvision._C'"))
    assert "does not fit" in own[0].title
    pinned = diagnose(hardware("cpu-only"), _cpu(requires_torch=["torch==2.12.0"],
                                                 import_error="ModuleNotFoundError: No module named 'PIL'"),
                      missing=(PILLOW,))
    assert pinned[0].id == "companion-torchvision" and "requires torch==2.12.0" in pinned[0].explanation


def _not_importing(error: str) -> tuple[object, dict]:
    from installer.hardware.report import ExistingTorch, HardwareReport

    report = HardwareReport(existing_torch=ExistingTorch(version="2.13.0", local="+cpu"))
    verify = {"torch_version": None, "import_error": error, "import_error_code": "error",
              "python": {"executable": "/env/bin/python"}, "checks": [
                  {"name": "torch-import", "ok": False, "level": "error", "detail": error, "fix": "doctor"}]}
    return report, verify


def test_torch_short_of_a_dependency_gets_pip_without_force_and_its_own_missing_module_a_reinstall():
    from installer.probes.doctor import advise_import

    report, verify = _not_importing("ModuleNotFoundError: No module named 'typing_extensions'")
    (alone,) = diagnose(report, verify, index=lambda _v: None)
    assert alone.id == "torch-broken" and alone.title == "torch does not import: a package it needs is missing"
    cmd, doctor = _fix_commands(alone.fix)
    assert doctor == ["torch-setup", "doctor"]
    assert cmd[-1] == "torch==2.13.0+cpu" and "--force-reinstall" not in cmd and "--no-deps" not in cmd
    advise_import(verify, report, index=lambda _v: None)
    assert verify["checks"][0]["fix"] == alone.fix
    # the host check named the package: its finding alone
    typing = MissingDependency("typing-extensions", "torch", "torch", "typing-extensions>=4.10.0", "")
    assert [f.id for f in diagnose(report, verify, missing=(typing,))] == ["dependencies-missing"]
    # a module of torch's own wheel missing is torch's files missing: the reinstall, as before
    for own in ("torch._C", "torchgen.model", "functorch"):
        report, verify = _not_importing(f"ModuleNotFoundError: No module named '{own}'")
        (damaged,) = diagnose(report, verify, missing=(typing,) if own == "torch._C" else (),
                              index=lambda _v: None)[:1]
        assert damaged.id == "torch-broken" and "damaged or incomplete" in damaged.explanation, own
        assert "--force-reinstall" in damaged.fix
