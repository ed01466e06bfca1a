"""verify's NumPy check on real torch 2.13.0 (CPU build): torch's wheel does not require NumPy, so an
install without torchvision has none, and `import torch` warns "Failed to initialize NumPy" (found in use:
the first command the wizard's Done screen gave printed that warning). The fix verify gives is run as
given, and then torch imports without the warning."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import stand_in_torchvision

pytestmark = pytest.mark.slow

UV = Path(sys.executable).parent / "uv"
IMPORT = "import torch; print(torch.zeros(2).numpy().tolist())"
CPU_ONLY = str(Path(__file__).resolve().parents[1] / "fixtures" / "machines" / "cpu-only.json")


def _env_beside(torch_python: Path, root: Path) -> Path:
    """A venv of its own that sees the shared torch venv's packages (a .pth file), so that installing NumPy
    here leaves the session's torch venv as the other tests expect it."""
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(root)], check=True, timeout=120)
    shared = next(torch_python.parent.parent.glob("lib/python*/site-packages"))
    own = next(root.glob("lib/python*/site-packages"))
    (own / "torch-venv.pth").write_text(f"{shared}\n")
    return root / "bin" / "python"


def test_torch_without_numpy_warns_and_the_given_fix_mends_it(cli, torch_python, tmp_path):
    python = _env_beside(torch_python, tmp_path / "env")
    before = subprocess.run([str(python), "-c", IMPORT], capture_output=True, text=True, timeout=300)
    assert "Failed to initialize NumPy" in before.stderr and "Numpy is not available" in before.stderr

    r = cli("verify", "--python", str(python), "--json")
    assert r.returncode == 0, r.stderr  # a warning: torch itself works
    out = json.loads(r.stdout)
    check = next(c for c in out["checks"] if c["name"] == "numpy")
    assert check["level"] == "warning" and not check["ok"] and out["ok"] is True
    # torch-setup's pip, pointed at the environment (a uv venv has no pip of its own)
    command = f"{shlex.quote(sys.executable)} -m pip --python {shlex.quote(str(python))} install numpy"
    assert check["fix"] == f"if your code uses NumPy, install it: `{command}`"

    text = cli("verify", "--python", str(python))
    assert "[warn] NumPy is not installed here" in text.stdout and f"-> if your code uses NumPy, install it: " \
        f"`{command}`" in text.stdout and text.stdout.rstrip().endswith("verify: PASS")

    # doctor: a finding of its own, a warning, with the same fix; not "nothing to mend" under the warning (found
    # in use: that read as "ignore it")
    doctor = cli("doctor", "--python", str(python), "--hardware", CPU_ONLY, "--json")
    doc = json.loads(doctor.stdout)
    assert doctor.returncode == 0 and doc["ok"] is True
    assert [(f["id"], f["severity"], f["title"]) for f in doc["findings"]] == [
        ("numpy", "warning", "NumPy is not installed beside torch 2.13.0+cpu")]
    assert doc["findings"][0]["fix"] == check["fix"]
    shown = cli("doctor", "--python", str(python), "--hardware", CPU_ONLY).stdout
    assert "nothing to mend" not in shown and shown.count(command) == 1, shown  # said once, under findings

    subprocess.run(shlex.split(command), check=True, capture_output=True, timeout=600)
    after = subprocess.run([str(python), "-c", IMPORT], capture_output=True, text=True, timeout=300)
    assert after.returncode == 0 and "NumPy" not in after.stderr and after.stdout.strip() == "[0.0, 0.0]"
    again = json.loads(cli("verify", "--python", str(python), "--json").stdout)
    assert not [c for c in again["checks"] if c["name"] == "numpy"]
    assert again["numpy"]["works"] is True and again["numpy"]["version"]
    mended = json.loads(cli("doctor", "--python", str(python), "--hardware", CPU_ONLY, "--json").stdout)
    assert [f["id"] for f in mended["findings"]] == ["healthy"]


def test_where_torch_setup_has_no_pip_the_fix_is_its_uv(torch_python, readable_checkout, tmp_path):
    """torch-setup installed with `uv tool install` has no pip: `python -m pip --python …` would fail with "No
    module named pip". Its uv takes the same arguments. Run here from an interpreter without pip, on the code
    and dependencies of this checkout without pip (readable_checkout leaves pip out)."""
    host = tmp_path / "host"
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(host)], check=True, timeout=120)
    python = _env_beside(torch_python, tmp_path / "env")
    env = {"PATH": f"{readable_checkout.uv.parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
           "LANG": "C.UTF-8", "NO_COLOR": "1", "PYTHONPATH": f"{readable_checkout.root}:{readable_checkout.site}"}
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_CERT", "SSL_CERT_FILE"):
        if name in os.environ:
            env[name] = os.environ[name]
    no_pip = subprocess.run([str(host / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, env=env)
    assert no_pip.returncode != 0  # the premise: no pip beside torch-setup

    r = subprocess.run([str(host / "bin" / "python"), "-m", "installer", "verify", "--python", str(python),
                        "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    check = next(c for c in json.loads(r.stdout)["checks"] if c["name"] == "numpy")
    command = check["fix"].split("`")[1]
    argv = shlex.split(command)
    assert Path(argv[0]).name == "uv" and argv[1:6] == ["pip", "install", "--python", str(python), "numpy"], command
    assert argv[-1] == "--system-certs"  # the system's store, as pip's: this machine's proxy root is only there
    # uv reads no PIP_* variable: where pip would take one, the command names it (tests/e2e/test_fix_line_pip_sources)
    for name, flag in (("PIP_FIND_LINKS", "--find-links"), ("PIP_EXTRA_INDEX_URL", "--extra-index-url")):
        for value in env.get(name, "").split():
            assert f"{flag} {value}" in command, command

    subprocess.run(shlex.split(command), check=True, capture_output=True, env=env, timeout=600)
    after = subprocess.run([str(python), "-c", IMPORT], capture_output=True, text=True, timeout=300)
    assert after.returncode == 0 and "NumPy" not in after.stderr and after.stdout.strip() == "[0.0, 0.0]"

    # doctor's "remove it" of a torchvision made for another torch: uv's uninstall, which refuses pip's -y
    site = stand_in_torchvision(python, "0.27.1", "torch==2.12.1")
    r = subprocess.run([str(host / "bin" / "python"), "-m", "installer", "doctor", "--python", str(python),
                        "--hardware", CPU_ONLY, "--json"], capture_output=True, text=True, env=env, timeout=300)
    found = next(f for f in json.loads(r.stdout)["findings"] if f["id"] == "companion-torchvision")
    remove = shlex.split(next(c for c in found["fix"].split("`") if " uninstall " in c))
    assert Path(remove[0]).name == "uv" and remove[1:] == ["pip", "uninstall", "--python", str(python),
                                                           "torchvision"], remove
    subprocess.run(remove, check=True, capture_output=True, env=env, timeout=300)
    assert not (site / "torchvision").exists() and not list(site.glob("torchvision-*.dist-info"))
