"""Chinese sentences read as Chinese: no English words or half-width punctuation put in by the code.

A native reader found `sm_75 to sm_120 (+PTX 12.0)`, `推荐: torch…`, lists joined with ", ", labels of
`detect` out of line, `安全启动 关` under "工具", and the C library's English (`No such file or directory`)
inside Chinese messages.
"""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path

import pytest

from installer.i18n import _, set_language
from installer.i18n.linebreak import cells
from installer.i18n.phrases import all_of, either, listed, os_error

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"



def _report(name: str) -> dict:
    return json.loads((MACHINES / f"{name}.json").read_text())


# -- lists and errors ------------------------------------------------------------------------------

def test_lists_are_joined_as_the_language_joins_them(zh):
    assert listed(["a", "b", "c"]) == "a、b、c"
    assert either(["venv", "conda", "existing"]) == "venv、conda 或 existing"
    assert either(["venv", "conda"]) == "venv 或 conda"
    assert either(["venv"]) == "venv"
    set_language("en")
    assert listed(["a", "b", "c"]) == "a, b, c"
    assert either(["'venv'", "'conda'", "'existing'"]) == "'venv', 'conda' or 'existing'"


def test_all_of_a_list_joins_its_last_item_with_and(zh):
    # the disk check's folders on one file system: "A and B, C" read as two places, not three
    assert all_of(["/a", "/b", "/c"]) == "/a、/b 和 /c"
    assert all_of(["/a"]) == "/a"
    set_language("en")
    assert all_of(["/a", "/b", "/c"]) == "/a, /b and /c"
    assert all_of(["/a", "/b"]) == "/a and /b"


@pytest.mark.parametrize(("code", "en", "zh_text"), [
    (errno.EISDIR, "it is a folder, not a file", "这是文件夹，不是文件"),
    (errno.EACCES, "permission denied", "没有权限"),
    (errno.EPERM, "permission denied", "没有权限"),
    (errno.EROFS, "the file system is read-only", "文件系统是只读的"),
    (errno.ENOSPC, "no space left on the disk", "磁盘空间不足"),
    (errno.ENAMETOOLONG, "the name is too long", "名称太长"),
    (errno.ENOTDIR, "a part of the path is a file, not a folder", "路径中有一部分是文件，而不是文件夹"),
    (errno.EEXIST, "it exists already", "已存在"),
])
def test_common_os_errors_are_said_in_the_language(zh, code, en, zh_text):
    exc = OSError(code, "the C library's English")
    assert os_error(exc) == zh_text
    set_language("en")
    assert os_error(exc) == en


def test_a_missing_name_is_the_folder_when_writing_and_other_errors_keep_the_system_text(zh, tmp_path):
    with pytest.raises(OSError) as missing:
        (tmp_path / "no-such-folder" / "plan.sh").write_text("x")  # open for writing: the folder is missing
    assert missing.value.errno == errno.ENOENT
    assert os_error(missing.value, writing=True) == "文件夹不存在"
    assert os_error(missing.value) == "不存在"
    with pytest.raises(OSError) as folder:
        tmp_path.write_text("x")
    assert os_error(folder.value, writing=True) == "这是文件夹，不是文件"
    assert os_error(OSError(errno.EIO, "Input/output error")) == "Input/output error"
    assert os_error(OSError("no errno at all")) == "no errno at all"


# -- recommend ---------------------------------------------------------------------------------------

def test_the_kernel_span_is_translated():
    from installer.compat.data_model import Kernels
    from installer.compat.rules import kernel_span

    kernels = Kernels(sm=["7.5", "8.0", "12.0"], ptx=["12.0"])
    assert kernel_span(kernels) == "sm_75 to sm_120 (+PTX 12.0)"
    set_language("zh")
    try:
        assert kernel_span(kernels) == "sm_75 至 sm_120（另含 PTX 12.0）"
        assert kernel_span(Kernels(sm=["9.0"], ptx=[])) == "sm_90"
    finally:
        set_language("en")


def _recommendation(machine: str, **options) -> str:
    from installer.compat import recommend
    from installer.compat.render import render_recommendation
    from installer.hardware.report import load_report

    rec = recommend(load_report(str(MACHINES / f"{machine}.json")))
    return render_recommendation(rec, **options)


def test_recommend_in_chinese_has_no_english_separators(zh):
    text = _recommendation("gtx1080ti-535", show_all=True)
    machine = text.splitlines()[0]
    assert machine.startswith("此机器：Linux x86_64，NVIDIA GeForce GTX 1080 Ti（计算能力 6.1，Pascal），"), machine
    assert ", " not in machine
    assert re.search(r"^推荐：torch \S+ \+ cu\d+（CUDA [\d.]+）、torchvision", text, re.M), text
    assert not re.search(r"^(推荐|备选 \d+):", text, re.M), text
    refused = [line for line in text.splitlines() if "cu130" in line and "计算能力为 6.1" in line]
    assert refused, text
    assert "只包含这些架构的内核：sm_75 至 sm_120（另含 PTX 12.0），没有能在该 GPU 上运行的内核" in refused[0]
    assert " to " not in text


def test_the_windows_driver_note_has_no_blank_before_its_bracket(zh):
    text = _recommendation("wsl-rtx4070laptop-566")
    needs = next(line for line in text.splitlines() if "（在 Windows 上）" in line)
    assert "R580（在 Windows 上）" in needs and " （" not in needs, needs
    assert "; " not in needs and "；Windows 驱动是" in needs, needs


def test_recommend_in_english_is_as_it_was():
    text = _recommendation("gtx1080ti-535", show_all=True)
    assert text.splitlines()[0].startswith("This machine: Linux x86_64, NVIDIA GeForce GTX 1080 Ti (compute "
                                           "capability 6.1, Pascal), NVIDIA driver ")
    assert re.search(r"^Recommended: torch \S+ \+ cu\d+ \(CUDA [\d.]+\), torchvision", text, re.M), text
    assert "carry kernels for sm_75 to sm_120 (+PTX 12.0) only" in text


def test_the_wizard_driver_action_reads_as_chinese(zh):
    from installer.tui.screens.combination import action_text

    reason = _("{why}; {have}", why="cu132 wheel 需要驱动 >= 580.65.06", have="此机器有 550.54.14")
    text = action_text({"kind": "install-driver", "branch": "580", "host": "windows", "reason": reason})
    # under WSL the driver is updated in Windows (the wizard says so since session 13)
    assert text == ("需要在 Windows 中把 Windows NVIDIA 驱动更新到 R580 或更新版本（切勿在 WSL 内安装 Linux 驱动）："
                    "cu132 wheel 需要驱动 >= 580.65.06；此机器有 550.54.14")


# -- detect and doctor -----------------------------------------------------------------------------

def _value_columns(text: str) -> set[int]:
    """The terminal cell at which each labelled line's value starts (lines without a value left out)."""
    columns = set()
    for line in text.splitlines():
        match = re.match(r"^(\S[^:：]*[:：]) *(?=\S)", line)
        if match:
            columns.add(cells(match.group(0)))
    return columns


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_detect_lines_up_its_values_in_terminal_cells(lang):
    from installer.hardware.summary import render

    report = _report("rtx4090-550")
    report["gcc"] = {"version": "11.4.0"}
    report["existing_torch"] = {"version": "2.5.1", "local": "+cu124"}
    set_language(lang)
    try:
        text = render(report)
    finally:
        set_language("en")
    assert len(_value_columns(text)) == 1, text
    lines = text.splitlines()
    if lang == "zh":
        assert any(re.fullmatch(r"CUDA 工具包： *12\.4（/usr/local/cuda-12\.4）", line) for line in lines), text
        assert any(re.fullmatch(r"安全启动： +已关闭", line) for line in lines), text
        assert any(re.fullmatch(r"工具： +gcc 11\.4\.0", line) for line in lines), text
        assert "  nvidia:0  NVIDIA GeForce RTX 4090，计算能力 8.9，24 GiB" in lines, text
    else:
        assert any(re.fullmatch(r"Secure Boot: +disabled", line) for line in lines), text
        assert any(re.fullmatch(r"Tools: +gcc 11\.4\.0", line) for line in lines), text  # Secure Boot is no tool
        assert any(re.fullmatch(r"NVIDIA driver: +550\.54\.14 \(runs CUDA up to 12\.4\)", line) for line in lines), text


def test_the_python_notes_start_under_the_values(zh):
    from installer.hardware.summary import render

    report = _report("rtx4090-550")
    report["python"]["externally_managed"] = "/usr/lib/python3.11/EXTERNALLY-MANAGED"
    lines = render(report).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Python："))
    value_at = cells(re.match(r"Python： *", lines[at]).group(0))
    note = lines[at + 1]
    assert note.startswith(" " * value_at) and not note.startswith(" " * (value_at + 1)), lines


def test_doctor_names_gpus_and_driver_with_labels(zh, monkeypatch, capsys):
    import argparse

    from installer.commands import doctor

    monkeypatch.setattr("installer.probes.host.run_verify", lambda python, timeout, **_kw: {"checks": []})
    args = argparse.Namespace(python=None, hardware=str(MACHINES / "cpu-only.json"), json=False, timeout=5.0)
    doctor.run(args)
    assert capsys.readouterr().out.splitlines()[0] == "GPU：无；NVIDIA 驱动：无"


# -- answers files ---------------------------------------------------------------------------------

def test_the_allowed_values_are_listed_in_chinese(zh, tmp_path):
    from installer.answers import load_answers
    from installer.errors import InputError

    path = tmp_path / "a.yaml"
    path.write_text("version: 1\ntarget:\n  kind: vnev\n  path: env\n")
    with pytest.raises(InputError) as err:
        load_answers(path)
    assert "应为 venv、conda 或 existing，而不是 'vnev'" in err.value.render(), err.value.render()


def test_and_takes_no_blank_between_two_chinese_words(zh):
    # Chinese puts a blank between a Chinese word and a Latin one only (found in use: "哪些 GPU 和 它在")
    assert all_of(["它的内核覆盖哪些 GPU", "它在 Linux x86_64 上有哪些构建"]) == \
        "它的内核覆盖哪些 GPU 和它在 Linux x86_64 上有哪些构建"
    assert all_of(["甲", "乙", "丙"]) == "甲、乙和丙"
    assert either(["本文件", "conda"]) == "本文件或 conda"
    assert all_of(["torchvision", "torchaudio"]) == "torchvision 和 torchaudio"


def test_the_data_warning_lists_what_is_unconfirmed_as_chinese_does(zh):
    """Found in use: "…哪些 GPU, 它在 Linux x86_64 上有哪些构建…", an English comma inside a Chinese warning.
    torch 2.15.0's cu132 kernels and its Linux x86_64 builds are both unconfirmed in the data."""
    from installer.compat import recommend
    from installer.hardware.report import load_report

    rec = recommend(load_report(str(MACHINES / "rtx4090-580.65.06.json")))
    flagged = [w for w in rec.warnings if "PyTorch 官方页面" in w]
    assert flagged and "关于其内核支持哪些 GPU 和它在 Linux x86_64 上有哪些构建，torch-setup 的数据" in flagged[0], rec.warnings
    assert ", " not in flagged[0]


def test_no_blank_after_full_width_punctuation_in_the_catalog():
    """Full-width punctuation carries its own space: a blank after it, or between a sentence put in whole
    (`{text}`, which ends with 。) and the next Chinese word, shows as a gap (found in use: Welcome's
    "已完成的步骤会跳过。 它的完整输出")."""
    import yaml

    catalog = yaml.safe_load((Path(__file__).resolve().parents[3] / "installer" / "i18n" / "zh.yaml").read_text())
    gaps = [text for text in catalog.values() if isinstance(text, str)
            and (re.search(r"[。，：；！？）、] ", text) or re.search(r"\{text\} [\u4e00-\u9fff]", text))]
    assert gaps == []
