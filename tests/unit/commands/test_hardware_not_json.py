"""`--hardware F` given a file that is not JSON says so, where the JSON parser stopped, and how to make a
report (finding C11b: `detect --hardware /etc/passwd` said the file "holds one value")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from installer.errors import InputError
from installer.hardware.report import load_report

REPO = Path(__file__).resolve().parents[3]
RECORDED = REPO / "tests" / "fixtures" / "machines" / "t4-550.json"
MAKE_ONE = "torch-setup detect --json > "


def _json_position(text: str) -> tuple[str, int, int]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.msg, exc.lineno, exc.colno
    raise AssertionError("the sample is JSON")


def _cut_report() -> str:
    text = RECORDED.read_text()
    return text[:len(text) // 2]  # a `detect --json > F` stopped half-way


CASES = {
    "passwd": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    "hosts": "127.0.0.1 localhost\n::1 localhost ip6-localhost\n",
    "only comments": "# /etc/fstab: static file system information.\n#\n",
    "markdown": "# torch-setup\n\nA guided installer: for PyTorch: on GPUs.\n",  # not YAML either
    "cut-off report": _cut_report(),
    "trailing comma": '{\n  "schema": 1,\n  "os": {},\n}\n',
    "a key without a value": '{\n  "schema": 1,\n  "os": \n}\n',  # YAML reads that as os: null
    "key: value lines": "root: x\nuser: y\n",  # YAML reads a mapping, with no key of a report
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_that_is_not_json_says_so_with_line_and_column(tmp_path, case):
    text = CASES[case]
    f = tmp_path / "machine.json"
    f.write_text(text)
    with pytest.raises(InputError) as err:
        load_report(f)
    e = err.value
    problem, line, column = _json_position(text)
    assert (e.file, e.line, e.key) == (str(f), line, None)
    assert e.message == f"this file is not JSON: {problem} (line {line}, column {column})"
    assert e.hint is not None and MAKE_ONE in e.hint


def test_what_check_schema_says_better_is_left_to_it(tmp_path):
    f = tmp_path / "machine.json"
    for text, message in (("", "the file is empty"), ("\n\n", "the file is empty"),
                          ("[1, 2]\n", "a hardware report is a JSON object, and this file holds a list"),
                          ("42\n", "a hardware report is a JSON object, and this file holds one value"),
                          ('<?xml version="1.0" ?>\n<nvidia_smi_log/>\n',
                           "a hardware report is a JSON object, and this file holds XML"),
                          ("version: 1\ntorch:\n  version: 2.13.0\n", "this is an answers file")):
        f.write_text(text)
        with pytest.raises(InputError) as err:
            load_report(f)
        assert err.value.message.startswith(message), (text, err.value.message)


def test_a_report_written_as_yaml_still_loads(tmp_path):
    data = json.loads(RECORDED.read_text())
    f = tmp_path / "machine.yaml"
    f.write_text(yaml.safe_dump(data))
    assert load_report(f).gpus[0].name == data["gpus"][0]["name"]


def test_not_utf8_keeps_its_own_message(tmp_path):
    f = tmp_path / "machine.json"
    f.write_bytes(b"\x7fELF\x02\x01\x01\x00\xd0\xff")
    with pytest.raises(InputError) as err:
        load_report(f)
    assert "not UTF-8" in err.value.message


def test_detect_with_etc_passwd_like_file(cli, tmp_path):
    f = tmp_path / "passwd"
    f.write_text(CASES["passwd"])
    r = cli("detect", "--hardware", str(f))
    assert r.returncode == 2 and r.stdout == ""
    first, hint = r.stderr.splitlines()[:2]
    assert first == f"{f}:1: this file is not JSON: Expecting value (line 1, column 1)"
    assert hint.startswith("  -> ") and f"{MAKE_ONE}machine.json" in hint
