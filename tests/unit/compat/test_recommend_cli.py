"""`torch-setup recommend` and `torch-setup matrix` as a person runs them (a real subprocess)."""

from __future__ import annotations

import json

from compat_machines import MACHINES


def test_json_is_one_document_in_the_contract_shape(cli):
    r = cli("recommend", "--hardware", str(MACHINES / "rtx4090-550.json"), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) >= {"choices", "rejected", "warnings"}
    best = doc["choices"][0]
    assert {k: best[k] for k in ("torch", "variant", "python", "actions")} == {
        "torch": "2.14.1", "variant": "cu126", "python": "3.11", "actions": []}
    upgrade = doc["choices"][1]
    assert upgrade["actions"][0]["kind"] == "install-driver" and upgrade["actions"][0]["branch"] == "580"
    assert all(isinstance(x, str) for x in best["reasons"])


def test_text_with_all_lists_what_was_refused_and_why(cli):
    r = cli("--hardware", str(MACHINES / "k80-470.json"), "recommend", "--all")
    assert r.returncode == 0, r.stderr
    assert "Recommended: torch 2.4.1 + cu118" in r.stdout
    assert "Refused:" in r.stdout and "Tesla K80 is compute capability 3.7" in r.stdout
    short = cli("recommend", "--hardware", str(MACHINES / "k80-470.json"))
    assert "Refused:" not in short.stdout and "--all" in short.stdout


def test_identical_gpus_are_counted_not_repeated(cli):
    eight = cli("recommend", "--hardware", str(MACHINES / "h100x8-565.json")).stdout.splitlines()[0]
    assert "8x NVIDIA H100 80GB HBM3 (compute capability 9.0, Hopper)," in eight and eight.count("H100") == 1
    mixed = cli("recommend", "--hardware", str(MACHINES / "mixed-3090-v100-580.json")).stdout.splitlines()[0]
    assert ("NVIDIA GeForce RTX 3090 (compute capability 8.6, Ampere), 2x Tesla V100-SXM2-32GB (compute "
            "capability 7.0, Volta)") in mixed


def test_python_flag_changes_the_answer(cli):
    r = cli("recommend", "--hardware", str(MACHINES / "k80-470.json"), "--python", "3.11", "--json")
    assert json.loads(r.stdout)["choices"][0]["torch"] == "2.7.1"


def test_bad_input_exits_2_naming_the_problem(cli, tmp_path):
    bad = tmp_path / "report.json"
    bad.write_text('{"schema": 1,\n "gpus": [{"index": "zero", "vendor": "nvidia"}]}\n')
    r = cli("recommend", "--hardware", str(bad))
    assert r.returncode == 2 and str(bad) in r.stderr and ":2:" in r.stderr and "Traceback" not in r.stderr
    r = cli("recommend", "--hardware", str(tmp_path / "missing.json"))
    assert r.returncode == 2 and "missing.json" in r.stderr
    r = cli("recommend", "--hardware", str(MACHINES / "cpu-only.json"), "--python", "three")
    assert r.returncode == 2 and "--python" in r.stderr and "Traceback" not in r.stderr
    r = cli("recommend", "--hardware", str(MACHINES / "cpu-only.json"), "--torch", "2.99.0")
    assert r.returncode == 2 and "2.99.0" in r.stderr


def test_matrix_without_an_action_is_a_usage_error(cli):
    r = cli("matrix")
    assert r.returncode == 2 and "matrix update" in r.stderr
