"""doctor decides whether a torch that does not import has files missing (then `torch-setup install` again
finishes it) from verify's import_error_code, not from the probe's English words in import_error, which are
for people. Found in review: "half installed" was matched in that text. The probe runs for real, under
LANG=zh_CN.UTF-8, and doctor's fix is read in Chinese."""

from __future__ import annotations

from probes_support import hardware, run_verify_script

from installer.hardware.report import ExistingTorch
from installer.probes.doctor import advise_import

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
# zh.yaml's words for the two fixes of same_build_fix
AGAIN = "或用当初的应答文件再次运行 `torch-setup install`（它会补完只装了一半的安装）"
AS_IS = "所以 `torch-setup install` 会原样保留它"


def _report():
    # torch's metadata says 2.13.0+cpu (conda's: no RECORD, so the install step's guard finds nothing missing)
    return hardware("cpu-only").model_copy(update={"existing_torch": ExistingTorch(
        version="2.13.0", local="+cpu", installer="conda")})


def _fix(result: dict) -> str:
    advise_import(result, _report(), ())
    return next(c for c in result["checks"] if c["name"] == "torch-import")["fix"]


def test_a_torch_without_init_is_sent_to_install_again_in_chinese(tmp_path, zh):
    (tmp_path / "torch" / "lib").mkdir(parents=True)
    rc, out = run_verify_script({**ZH, "PYTHONPATH": str(tmp_path)})
    assert rc == 1 and out["import_error_code"] == "no-init"
    assert AGAIN in _fix(out)


def test_the_code_decides_not_the_words(tmp_path, zh):
    (tmp_path / "torch" / "lib").mkdir(parents=True)
    _rc, out = run_verify_script({**ZH, "PYTHONPATH": str(tmp_path)})
    # the same failure, its message worded otherwise (a probe that says it in the reader's language)
    out["import_error"] = f"ImportError: {tmp_path / 'torch'} 中的 torch 没有 __init__.py"
    assert AGAIN in _fix(out)


def test_a_torch_without_version_is_not_sent_to_install_again(tmp_path, zh):
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("")
    _rc, out = run_verify_script({**ZH, "PYTHONPATH": str(tmp_path)})
    assert out["import_error_code"] == "no-version"
    fix = _fix(out)
    assert AS_IS in fix and AGAIN not in fix
