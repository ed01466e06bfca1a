"""The verify probe runs in the target interpreter and cannot import installer.i18n: its own words about a
torch that does not import reach the host as a template, a code and the folder, and the host writes them in
the reader's language. Found in use: under LANG=zh_CN.UTF-8, "torch in ... has no __init__.py (half
installed, files are missing)" stayed English. A real venv without torch, the real CLI."""

from __future__ import annotations

import json
import venv
from pathlib import Path

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}


def _hollow_venv(folder: Path) -> tuple[Path, Path]:
    venv.EnvBuilder(with_pip=False).create(folder)
    site = next((folder / "lib").glob("python3*/site-packages"))
    (site / "torch" / "lib").mkdir(parents=True)  # what is left once an install was cut off: no __init__.py
    return folder / "bin" / "python", site / "torch"


def test_a_half_installed_torch_is_said_in_chinese_and_the_json_keeps_its_english(cli, xdg_home, tmp_path):
    python, torch = _hollow_venv(tmp_path / "env")
    r = cli("verify", "--python", str(python), env=ZH)
    assert r.returncode == 1, r.stderr
    check = r.stdout.splitlines()[1]
    assert check == f"  [  失败] 无法导入 torch：{torch} 中的 torch 没有 __init__.py（只安装了一半，缺少文件）", r.stdout
    assert "half installed" not in r.stdout and "has no" not in r.stdout

    doc = json.loads(cli("verify", "--python", str(python), "--json", env=ZH).stdout)
    # the contract as it was, and a code beside it for programs
    assert doc["import_error"] == f"ImportError: torch in {torch} has no __init__.py (half installed, files are missing)"
    assert doc["import_error_code"] == "no-init"
    first = doc["checks"][0]
    assert first["detail_msg"]["args"] == {"path": str(torch)}


def test_a_damaged_torch_and_a_missing_one_get_their_codes(cli, xdg_home, tmp_path):
    python, torch = _hollow_venv(tmp_path / "env")
    (torch / "__init__.py").write_text("")  # an emptied __init__.py: no __version__
    r = cli("verify", "--python", str(python), env=ZH)
    assert f"{torch} 中的 torch 没有 __version__（它的文件已损坏）" in r.stdout and "files are damaged" not in r.stdout
    assert json.loads(cli("verify", "--python", str(python), "--json").stdout)["import_error_code"] == "no-version"
    (torch / "__init__.py").unlink()
    (torch / "lib").rmdir()
    torch.rmdir()
    doc = json.loads(cli("verify", "--python", str(python), "--json").stdout)
    assert doc["import_error"] == "ModuleNotFoundError: No module named 'torch'"
    assert doc["import_error_code"] == "not-installed"
