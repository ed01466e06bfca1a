"""doctor's finding for a failed verify check is titled with the probe's detail, in the reader's language
(found by a tester: under --lang zh the title stayed "this is a cpu build of torch …"). The probe runs in the
target and cannot translate: it sends each message's template and values (detail_msg, fix_msg), which
doctor says on the host, as `verify` does; `verify --json` keeps its English fields as they were."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from probes_support import hardware

from installer.i18n import set_language
from installer.probes.doctor import diagnose

REPO = Path(__file__).resolve().parents[3]
PROBE = REPO / "installer" / "probes" / "verify.py"


def _in(lang: str, report, verify):
    set_language(lang)
    try:
        return diagnose(report, verify)
    finally:
        set_language("en")


def test_a_failed_checks_title_is_said_in_the_readers_language(torch_python):
    # the real probe, in a real venv of the CPU build, told a CUDA build was expected
    out = subprocess.run([str(torch_python), str(PROBE), "--json", "--expect-variant", "cu126"],
                         capture_output=True, text=True, check=False)
    verify = json.loads(out.stdout)
    build = next(c for c in verify["checks"] if c["name"] == "build")
    assert build["detail"].startswith("this is a cpu build of torch 2.13.0+cpu")  # --json: English, as it was
    report = hardware("cpu-only")
    english = [f for f in _in("en", report, verify) if f.id == "check-build"]
    assert [f.title for f in english] == [build["detail"]] and english[0].fix == build["fix"]
    chinese = [f for f in _in("zh", report, verify) if f.id == "check-build"]
    assert [f.title for f in chinese] == ["这是 torch 2.13.0+cpu 的 cpu 构建；预期的是 cu126 构建"], chinese
    assert "torch-setup install" in chinese[0].fix and "reinstall" not in chinese[0].fix


def test_a_probe_that_failed_is_said_in_the_readers_language():
    # what the probe sends when it fails itself (installer/probes/verify.py, main)
    detail = {"text": "the verify probe itself failed: {error}", "args": {"error": "boom"}}
    fix = {"text": "report this with the traceback that `{python} {script}` prints",
           "args": {"python": "/env/bin/python", "script": "/ts/verify.py"}}
    verify = {"schema": 1, "ok": False, "python": {"executable": "/env/bin/python"},
              "checks": [{"name": "probe", "ok": False, "level": "error", "detail": detail["text"].format(error="boom"),
                          "fix": fix["text"].format(**fix["args"]), "detail_msg": detail, "fix_msg": fix}]}
    [english] = _in("en", hardware("cpu-only"), verify)
    assert english.explanation == "the verify probe itself failed: boom"
    [chinese] = _in("zh", hardware("cpu-only"), verify)
    assert chinese.id == "verify-failed" and "boom" in chinese.explanation
    assert "verify probe itself failed" not in chinese.explanation and "traceback" not in chinese.fix


def test_a_companions_check_is_joined_with_the_languages_colon():
    """verify's check for a torchvision made for another torch (advise_verify): its line, title and why, joined as
    the reader's language joins them (found in a trial: "不匹配: torchvision …", an English colon in Chinese)."""
    from probes_support import recorded_verify

    from installer.probes.doctor import advise_verify

    def companion_line(lang: str) -> str:
        verify = recorded_verify("cpu-2.13.0")
        verify["companion_checks"] = {"torchvision": {"version": "0.27.1", "requires_torch": ["torch==2.12.1"]}}
        set_language(lang)
        try:
            advise_verify(verify, hardware("cpu-only"), index=lambda _v: None)
        finally:
            set_language("en")
        return next(c["detail"] for c in verify["checks"] if c["name"] == "companion-torchvision")

    assert companion_line("en").startswith("torchvision 0.27.1 does not fit torch 2.13.0+cpu: torchvision 0.27.1 ")
    chinese = companion_line("zh")
    assert "：torchvision 0.27.1 " in chinese and ": " not in chinese, chinese
