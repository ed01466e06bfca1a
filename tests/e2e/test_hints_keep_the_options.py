"""`recommend`'s hint at the refused builds is the command that printed it, with --all.

Found by a tester (session 28): `recommend --hardware k80-470.json --python 3.8` ended with "44 other builds ...
were refused; `torch-setup recommend --all` shows why", which, pasted, lists the builds of the machine it is
pasted on, with its own Python. The hint now keeps --hardware (as typed, `~/...` in the home, quoted for a
shell: installer.paths.hardware_word) and every option that changes what is listed. Real subprocesses on
tests/fixtures/machines/k80-470.json.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

K80 = Path(__file__).resolve().parents[1] / "fixtures" / "machines" / "k80-470.json"


def _hint(stdout: str) -> str:
    line = next(x for x in stdout.splitlines() if "were refused" in x or "was refused" in x)
    return line.split("`")[1]


def test_the_refused_hint_keeps_the_file_and_the_python(cli, tmp_path, xdg_home):
    shutil.copy(K80, tmp_path / "my k80.json")
    r = cli("recommend", "--hardware", "my k80.json", "--python", "3.8", cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    hint = _hint(r.stdout)
    assert hint == "torch-setup recommend --hardware 'my k80.json' --python 3.8 --all", r.stdout
    # pasted where it was printed, it lists that machine's refusals with that Python: the same ones, all shown
    pasted = cli(*shlex.split(hint)[1:], cwd=tmp_path, timeout=120)
    assert pasted.returncode == 0 and "Refused:" in pasted.stdout, pasted.stderr
    # the recorded K80, not this machine, and the same first choice
    assert pasted.stdout.splitlines()[:3] == r.stdout.splitlines()[:3], pasted.stdout
    assert "Tesla K80" in pasted.stdout.splitlines()[0]
    zh = cli("--lang", "zh", "recommend", "--hardware", "my k80.json", "--python", "3.8", cwd=tmp_path,
             timeout=120)
    assert "`torch-setup recommend --hardware 'my k80.json' --python 3.8 --all` 会说明原因" in zh.stdout, zh.stdout


def test_the_hint_keeps_what_changes_the_list_and_the_home(cli, tmp_path, xdg_home):
    shutil.copy(K80, tmp_path / "k80.json")
    r = cli("recommend", "--hardware", str(tmp_path / "k80.json"), "--keep-driver", "--extras", "torchvision",
            cwd=tmp_path, env={"HOME": str(tmp_path)}, timeout=120)
    assert r.returncode == 0, r.stderr
    assert _hint(r.stdout) == ("torch-setup recommend --hardware ~/k80.json --keep-driver --extras torchvision "
                               "--all"), r.stdout


def test_no_build_for_a_recorded_machine_names_its_file():
    """installer.compat.pins: "no torch build fits the recorded machine" sent the user to plain `recommend
    --all`, of the machine it is run on (found in review beside the tester's report). No recorded machine has
    no build at all, so the data here is the real one with the K80's platform taken out of every release."""
    from installer.compat import resolve_pins
    from installer.compat.data import CompatData, load
    from installer.errors import InputError
    from installer.hardware.report import load_report

    real = load()
    data = CompatData(real.directory)
    releases = [r.model_copy(update={"variants": {k: v for k, v in r.variants.items() if k != "linux_x86_64"}})
                for r in real.releases.releases]
    data.__dict__["releases"] = real.releases.model_copy(update={"releases": releases})
    try:
        resolve_pins(load_report(K80), data=data, recorded=True, hardware="'my k80.json'")
    except InputError as exc:
        assert exc.message == "no torch build fits the recorded machine", exc.render()
        assert exc.hint == ("run `torch-setup recommend --all --hardware 'my k80.json'` to see why each was "
                            "refused"), exc.hint
    else:
        raise AssertionError("a build was pinned for a platform no release has")
