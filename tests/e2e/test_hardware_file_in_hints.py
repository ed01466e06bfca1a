"""A refusal's hint names the --hardware file the command was given, as the user can paste it.

Found in use (session 28): on a recorded K80, `plan`, `answers check` and `install` said `torch-setup recommend
--hardware REPORT`, a placeholder, of the k80.json the command had just been given. The file is said as typed
(a relative name works from where the command ran), `~/...` in the home, quoted for a shell; where no file is
known (the wizard) the hint keeps REPORT. Real subprocesses on tests/fixtures/machines/k80-470.json.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from installer.compat import resolve_pins
from installer.errors import InputError
from installer.hardware.report import load_report
from installer.paths import hardware_word

K80 = Path(__file__).resolve().parents[1] / "fixtures" / "machines" / "k80-470.json"
FAST = ("--probe-timeout", "0.2")
PY312_CU130 = "version: 1\ntarget:\n  python: '3.12'\ntorch:\n  version: 2.15.0\n  variant: cu130\n"


def test_the_variant_refusal_names_the_file_as_typed_and_its_fix_plans(cli, tmp_path, xdg_home):
    shutil.copy(K80, tmp_path / "my k80.json")
    (tmp_path / "a.yaml").write_text(PY312_CU130)
    r = cli("answers", "check", "a.yaml", "--hardware", "my k80.json", *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith("a.yaml:6: torch.variant: torch 2.15.0 (cu130) cannot use the recorded machine's GPU")
    assert ("(torch.variant: auto; `torch-setup recommend --hardware 'my k80.json'` lists them and says why the "
            "others do not)") in r.stderr, r.stderr
    assert "REPORT" not in r.stderr
    planned = cli("plan", "--answers", "a.yaml", "--hardware", "my k80.json", *FAST, cwd=tmp_path, timeout=120)
    assert "`torch-setup recommend --hardware 'my k80.json'`" in planned.stderr, planned.stderr
    # with the driver to install, the driver step's own refusal (installer.plan.kinds.apt) says it too
    (tmp_path / "d.yaml").write_text(PY312_CU130 + "driver:\n  install: true\n")
    r = cli("answers", "check", "d.yaml", "--hardware", "my k80.json", *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and "`torch-setup recommend --hardware 'my k80.json'`" in r.stderr, r.stderr
    # Python 3.12 has wheels of torch 2.15.0: the hint's one change gives a plan (the CPU build, the one of
    # 2.15.0 a K80 runs), not a refusal of the version next
    (tmp_path / "a.yaml").write_text(PY312_CU130.replace("cu130", "auto"))
    r = cli("answers", "check", "a.yaml", "--hardware", "my k80.json", *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 0 and r.stdout == "a.yaml: ok\n", r.stdout + r.stderr
    planned = cli("plan", "--answers", "a.yaml", "--hardware", "my k80.json", *FAST, cwd=tmp_path, timeout=120)
    assert planned.returncode == 0 and "#   variant: cpu\n" in planned.stdout, planned.stderr


def test_both_pins_are_named_with_the_file_in_the_home(cli, tmp_path, xdg_home):
    shutil.copy(K80, tmp_path / "k80.json")
    (tmp_path / "a.yaml").write_text("version: 1\ntorch:\n  version: 2.15.0\n  variant: cu130\n")
    home = {"HOME": str(tmp_path)}
    r = cli("plan", "--answers", "a.yaml", "--hardware", str(tmp_path / "k80.json"), *FAST, cwd=tmp_path,
            env=home, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert ("let torch-setup pick both (torch.variant: auto and torch.version: latest); `torch-setup recommend "
            "--hardware ~/k80.json --python 3.8` lists what runs there") in r.stderr, r.stderr
    zh = cli("--lang", "zh", "plan", "--answers", "a.yaml", "--hardware", str(tmp_path / "k80.json"), *FAST,
             cwd=tmp_path, env=home, timeout=120)
    assert zh.returncode == 2 and "`torch-setup recommend --hardware ~/k80.json --python 3.8` 会列出" in zh.stderr, \
        zh.stderr
    # the hint's one change: a plan
    (tmp_path / "a.yaml").write_text("version: 1\ntorch:\n  version: latest\n  variant: auto\n")
    r = cli("plan", "--answers", "a.yaml", "--hardware", str(tmp_path / "k80.json"), *FAST, cwd=tmp_path,
            env=home, timeout=120)
    assert r.returncode == 0, r.stderr


def test_the_version_refusal_names_the_file(cli, tmp_path, xdg_home):
    (tmp_path / "a.yaml").write_text("version: 1\ntorch:\n  version: 2.15.0\n  variant: auto\n")
    r = cli("answers", "check", "a.yaml", "--hardware", str(K80), *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and r.stderr.startswith("a.yaml:3: torch.version: torch 2.15.0 has no wheel"), r.stderr
    assert f"`torch-setup recommend --hardware {K80} --python 3.8` lists what runs there" in r.stderr, r.stderr


def test_without_a_file_the_hint_keeps_the_placeholder():
    """The wizard plans a recorded report without threading its file: REPORT, as before."""
    report = load_report(K80)
    for hardware, said in ((None, "--hardware REPORT --python 3.8`"), ("'a b.json'", "--hardware 'a b.json' --")):
        try:
            resolve_pins(report, torch="2.15.0", variant="cu130", python="3.8", recorded=True, hardware=hardware)
        except InputError as exc:
            assert said in (exc.hint or ""), exc.hint
        else:
            raise AssertionError("torch 2.15.0 (cu130) was pinned for a K80 with Python 3.8")


def test_the_word_is_the_path_as_a_shell_reads_it(monkeypatch):
    monkeypatch.setenv("HOME", "/home/ann")
    assert hardware_word(None) is None and hardware_word("") is None
    assert hardware_word("k80.json") == "k80.json"
    assert hardware_word("my k80.json") == "'my k80.json'"
    assert hardware_word("/home/ann/it's.json") == "~/'it'\"'\"'s.json'"
    assert hardware_word("/srv/reports/k80.json") == "/srv/reports/k80.json"
    assert hardware_word("a\nb.json") is None  # no command holds a line break: the placeholder then


def test_the_driver_refusal_names_the_file(cli, tmp_path, xdg_home):
    """installer.plan.gpu_refusal's hints for a build the kept driver cannot run said plain `torch-setup
    recommend`, which lists this machine's builds, not the recorded one's (found in review)."""
    shutil.copy(K80.with_name("rtx4090-550.json"), tmp_path / "r.json")
    (tmp_path / "a.yaml").write_text("version: 1\ntorch:\n  version: 2.15.0\n  variant: cu130\n"
                                     "driver:\n  install: false\n")
    r = cli("answers", "check", "a.yaml", "--hardware", "r.json", *FAST, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and "cu130 wheels need driver >= 580.65.06" in r.stderr, r.stderr
    assert ("pick a build the driver runs now (torch.variant: auto; `torch-setup recommend --hardware r.json` "
            "lists them)") in r.stderr, r.stderr
