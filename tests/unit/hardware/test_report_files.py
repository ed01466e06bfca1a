"""`--hardware F` given something other than a report: the message says what the file is and what it should be."""

from __future__ import annotations

import json

import pytest

from installer.errors import InputError
from installer.hardware.report import load_report

DETECT = "a hardware report is what `torch-setup detect --json` prints"


@pytest.mark.parametrize("text, key, line, message, hint", [
    ('{\n  "os": {}\n}\n', "schema", 1, "this key is missing, so this file is not a hardware report", DETECT),
    ('{\n  "schema": "1"\n}\n', "schema", 2, "the schema is the number 1, not the text '1'", 'write "schema": 1'),
    ('{\n  "schema": 3\n}\n', "schema", 2, "hardware report schema 3 comes from a newer torch-setup; this one reads "
     "schema 1", "upgrade torch-setup"),
    ('{\n  "schema": null\n}\n', "schema", 2, "unsupported hardware report schema null; expected 1", DETECT),
    ("[1, 2]\n", None, 1, "a hardware report is a JSON object, and this file holds a list", DETECT),
    ("", None, 1, "the file is empty", DETECT),
    ('<?xml version="1.0" ?>\n<nvidia_smi_log/>\n', None, 1,
     "a hardware report is a JSON object, and this file holds XML (nvidia-smi -q -x?)", DETECT),
    ("version: 1\ntorch:\n  version: 2.13.0\n", None, 1, "this is an answers file, not a hardware report",
     "give it with --answers"),
    ('{"mirrors": []}\n', None, 1, "this is the output of `torch-setup mirrors --json`, not a hardware report", DETECT),
    ('{"ok": false, "checks": []}\n', None, 1, "this is the output of `torch-setup verify --json`, not a hardware "
     "report", DETECT),
    ('{\n  "schema": 1,\n  "gpus": [{"vendor": "nvidia"}]\n}\n', "gpus[0].index", 3, "this key is required",
     "compare it with the output of `torch-setup detect --json`"),
])
def test_what_the_file_is_and_what_it_should_be(tmp_path, text, key, line, message, hint):
    f = tmp_path / "machine.json"
    f.write_text(text)
    with pytest.raises(InputError) as err:
        load_report(f)
    e = err.value
    assert (e.file, e.line, e.key) == (str(f), line, key)
    assert e.message.startswith(message), e.message
    assert e.hint is not None and e.hint.startswith(hint), e.hint


def test_a_real_report_still_loads(tmp_path):
    # a recorded machine, renamed: a file with every key the contract requires passes the checks above
    from pathlib import Path

    recorded = Path(__file__).resolve().parents[2] / "fixtures" / "machines" / "t4-550.json"
    data = json.loads(recorded.read_text())
    data["gpus"][0]["name"] = "T4 (renamed)"
    f = tmp_path / "machine.json"
    f.write_text(json.dumps(data))
    assert load_report(f).gpus[0].name == "T4 (renamed)"
